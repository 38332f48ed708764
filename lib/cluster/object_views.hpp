#pragma once
// Adding any object of a dump to a snapshot by its kind, and reading the few configuration objects
// (KubeVirt CR, virt-controller Deployment, MigrationPolicies, PodDisruptionBudgets, Namespaces). VMIs, VMs, VMIMs and pods are decoded by view_decoder.
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "cluster/snapshot.hpp"

namespace wu::cluster {

KubeVirtCr kubevirt_from_json(const nlohmann::json& object);
DaemonSetRollout daemonset_rollout_from_json(const nlohmann::json& object);
// The value of virt-controller's --launcher-image argument ("" when absent).
std::string launcher_image_from_deployment(const nlohmann::json& deployment);

MigrationPolicy migration_policy_from_json(const nlohmann::json& object);
DisruptionBudget disruption_budget_from_json(const nlohmann::json& object);
// A Namespace's name and labels.
std::pair<std::string, Labels> namespace_labels_from_json(const nlohmann::json& object);

// Adds one object of any kind; `kind` may be empty when the object carries it. Returns false for
// kinds a snapshot does not hold (they are ignored). `List` objects are expanded.
bool add_object(Snapshot& snapshot, const nlohmann::json& object, const std::string& kind = {});

}  // namespace wu::cluster

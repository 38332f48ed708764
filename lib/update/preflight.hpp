#pragma once
// Checks a run makes before it touches anything, each ending the run with a message that says what to
// do: the access every verb needs (asked of the API server with SelfSubjectAccessReviews, so RBAC,
// webhooks-free and impersonation are judged by the server), KubeVirt deployed and not rolling out, and
// KubeVirt's own workload updater not acting on the same VMIs.
#include <string>
#include <utility>
#include <vector>

#include "cluster/snapshot.hpp"
#include "decide/plan_config.hpp"
#include "kube/client.hpp"
#include "update/run_options.hpp"

namespace wu::update {

struct AccessNeed {
  std::string verb, group, resource, subresource, namespace_;  // namespace "" = all namespaces
  std::string why;
  // Without it the run still works, judging less (placement): a warning, not a refusal.
  bool optional = false;
};

// What this run will do, as access checks. Pure.
std::vector<AccessNeed> access_needs(const RunOptions& options, const std::string& kubevirt_namespace);

// What `abort` does, as access checks (its preflight). Restoring a paused updater needs get/patch on the
// object the Lease names, which only the Lease tells; a refusal there is reported by the restore. Pure.
std::vector<AccessNeed> abort_access_needs(bool cancel_migrations, const std::string& kubevirt_namespace);

// One line per need the server denies ("cannot create virtualmachineinstancemigrations in namespace
// ns1 (to start live migrations): <server's reason>"). Throws kube errors if the reviews cannot be made.
// Denied optional needs go to `optional_denied` (when given) instead.
std::vector<std::string> denied_access(kube::Client& client, const std::vector<AccessNeed>& needs,
                                       std::vector<std::string>* optional_denied = nullptr);

// KubeVirt not Deployed, rolling out, more than one KubeVirt CR, or KubeVirt's own updater active
// without `coexist`. `strategies` are the cluster's own (before command-line overrides), each with
// where it came from: the HyperConverged CR's (which HCO copies to the KubeVirt CR) and the KubeVirt
// CR's (which the updater reads); either one with methods means the updater is, or soon will be, at work.
std::vector<std::string> cluster_problems(const cluster::Snapshot& snapshot,
                                          const std::vector<std::pair<decide::PlanConfig, std::string>>& strategies,
                                          bool coexist);

}  // namespace wu::update

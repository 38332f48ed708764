#pragma once
// Turning API objects (JSON) into the snapshot's compact views, and adding any object of a dump to a
// snapshot by its kind.
#include <string>

#include <nlohmann/json.hpp>

#include "cluster/snapshot.hpp"

namespace wu::cluster {

Vmi vmi_from_json(const nlohmann::json& object);
Vm vm_from_json(const nlohmann::json& object);
Vmim vmim_from_json(const nlohmann::json& object);
// nullopt-like: returns false when the pod is not a virt-launcher pod.
bool launcher_pod_from_json(const nlohmann::json& object, LauncherPod& out);
KubeVirtCr kubevirt_from_json(const nlohmann::json& object);
// The value of virt-controller's --launcher-image argument ("" when absent).
std::string launcher_image_from_deployment(const nlohmann::json& deployment);

// RFC 3339 ("2026-07-01T00:00:30Z", fractions and offsets allowed) to Unix seconds; 0 when empty or bad.
Timestamp parse_timestamp(const std::string& text);

// Adds one object of any kind; `kind` may be empty when the object carries it. Returns false for
// kinds a snapshot does not hold (they are ignored). `List` objects are expanded.
bool add_object(Snapshot& snapshot, const nlohmann::json& object, const std::string& kind = {});

}  // namespace wu::cluster

#include "decide/kubevirt_gates.hpp"

#include <algorithm>

namespace wu::decide {

bool methods_enable_updates(const std::vector<std::string>& methods) {
  return std::any_of(methods.begin(), methods.end(), [](const std::string& m) { return m == "LiveMigrate" || m == "Evict"; });
}

std::optional<std::string> kubevirt_not_deployed(const cluster::KubeVirtCr& kv) {
  if (kv.phase != "Deployed")
    return "the KubeVirt CR is " + (kv.phase.empty() ? std::string("not yet deployed") : "in phase " + kv.phase) +
           ", not Deployed";
  if (kv.observed_deployment_id != kv.target_deployment_id)
    return "KubeVirt is rolling out an update (observedDeploymentID differs from targetDeploymentID)";
  return std::nullopt;
}

std::optional<std::string> virt_handler_rolling(const std::optional<cluster::DaemonSetRollout>& ds) {
  if (!ds) return std::nullopt;
  const std::string name = "virt-handler (DaemonSet " + ds->namespace_ + "/" + ds->name + ")";
  if (ds->observed_generation < ds->generation) return name + " is rolling out: its new generation is not observed yet";
  if (ds->updated < ds->desired)
    return name + " is rolling out: " + std::to_string(ds->updated) + " of " + std::to_string(ds->desired) +
           " pods updated";
  if (ds->available < ds->desired)
    return name + " is rolling out: " + std::to_string(ds->available) + " of " + std::to_string(ds->desired) +
           " updated pods available";
  return std::nullopt;
}

}  // namespace wu::decide

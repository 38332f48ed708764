#pragma once
// When KubeVirt acts on workloads at all: the gates of the workload updater's execute()
// (workload-updater.go), the methods it reads, and whether virt-handler is still rolling out. `plan`
// reports them as the updater's state; `run` pauses on them.
#include <optional>
#include <string>
#include <vector>

#include "cluster/snapshot.hpp"

namespace wu::decide {

// getUpdateData (workload-updater.go): only the methods LiveMigrate and Evict do anything; any other
// string in workloadUpdateMethods is ignored.
bool methods_enable_updates(const std::vector<std::string>& methods);

// execute(): nothing is updated unless the KubeVirt CR is Deployed and its observed and target
// deployment IDs agree. The reason, or nullopt when both gates are open. Expects one KubeVirt CR.
std::optional<std::string> kubevirt_not_deployed(const cluster::KubeVirtCr& kv);

// virt-handler's DaemonSet still rolling out, by kubectl's rollout-status rule for DaemonSets
// (observedGeneration caught up, every desired pod updated and available). nullopt when rolled out
// or unknown.
std::optional<std::string> virt_handler_rolling(const std::optional<cluster::DaemonSetRollout>& ds);

}  // namespace wu::decide

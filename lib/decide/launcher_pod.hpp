#pragma once
// Which pod is a VMI's launcher pod: KubeVirt's CurrentVMIPod (pkg/controller/controller.go). The
// workload updater evicts this pod, and finds it before the eviction webhook is ever asked.
#include <string>
#include <unordered_map>
#include <vector>

#include "cluster/snapshot.hpp"

namespace wu::decide {

// Pods by the UID of the VMI that controls them (controller ownerReference), for CurrentVMIPod.
using PodsByOwner = std::unordered_map<std::string, std::vector<const cluster::LauncherPod*>>;
PodsByOwner pods_by_owner(const std::vector<cluster::LauncherPod>& pods);

// CurrentVMIPod: the most recently created pod controlled by this VMI (its UID) on the VMI's node, or
// on any node when status.nodeName is unset. nullptr when there is none.
const cluster::LauncherPod* current_vmi_pod(const PodsByOwner& pods, const cluster::Vmi& vmi);
const cluster::LauncherPod* current_vmi_pod(const std::vector<cluster::LauncherPod>& pods, const cluster::Vmi& vmi);

}  // namespace wu::decide

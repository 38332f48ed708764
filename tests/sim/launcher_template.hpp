// virt-launcher pods as virt-controller renders them: the scheduling-relevant
// parts of pkg/virt-controller/services/template.go RenderLaunchManifest
// (nodeSelector, affinity, tolerations, compute container requests), and the
// migration target pod of pkg/virt-controller/watch/migration/migration.go
// createTargetPod (anti-affinity, addedNodeSelector, host-model CPU selectors).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace sim::kv {

struct LauncherScheduling {
  nlohmann::json nodeSelector = nlohmann::json::object();
  nlohmann::json affinity;                                   // null when none
  nlohmann::json tolerations = nlohmann::json::array();
  nlohmann::json resources = nlohmann::json::object();       // compute container {requests, limits}
};

// From a VMI spec (or a VM template spec).
LauncherScheduling renderScheduling(const nlohmann::json& vmiSpec);

// A virt-launcher pod for the VMI running image, not yet scheduled (no spec.nodeName).
nlohmann::json launcherPod(const nlohmann::json& vmi, const std::string& image, const std::string& migrationUid);

// createTargetPod: the launcher pod plus the anti-affinity against the VMI's own pods per hostname, the VMIM's
// addedNodeSelector (the template's keys win), and for host-model CPUs the selectors of
// prepareNodeSelectorForHostCpuModel (from the source pod's nodeSelector once migrated, else the source node's
// labels) and the source node's CPU vendor label. error is set (and the pod empty) when the source node has no
// host-model-cpu label for a host-model VMI, as getHostCpuModelFromMap fails.
nlohmann::json migrationTargetPod(const nlohmann::json& vmi, const nlohmann::json& vmim, const nlohmann::json& sourcePod,
                                  const nlohmann::json& sourceNode, const std::string& image, std::string* error);

}  // namespace sim::kv

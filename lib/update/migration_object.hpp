#pragma once
// The VirtualMachineInstanceMigration `run` creates, the way KubeVirt's reference says an external tool
// must: generateName, no spec.priority (the create webhook rejects it from anyone but virt-controller),
// and labels naming this tool and this run.
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace wu::update {

using NodeSelector = std::vector<std::pair<std::string, std::string>>;

// `target_image`: the launcher image current now (annotation kTargetImageAnnotation; "" leaves it out).
// `target_nodes`: spec.addedNodeSelector (KubeVirt ≥ v1.6.0; createTargetPod in migration.go merges it
// into the target pod's nodeSelector, the VMI's own keys winning); empty leaves it out.
nlohmann::json migration_for(const std::string& namespace_, const std::string& vmi_name, const std::string& run_id,
                             const std::string& target_image = {}, const NodeSelector& target_nodes = {});

// The first KubeVirt version whose VMIM has spec.addedNodeSelector (kubevirt/kubevirt 6aee7891e7).
inline constexpr const char* kAddedNodeSelectorSince = "v1.6.0";
// True when `version` ("v1.9.0", "v1.6.0-rc.1"...) is at least kAddedNodeSelectorSince; false when it
// is older or cannot be read.
bool has_added_node_selector(const std::string& kubevirt_version);

}  // namespace wu::update

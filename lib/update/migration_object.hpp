#pragma once
// The VirtualMachineInstanceMigration `run` creates, the way KubeVirt's reference says an external tool
// must: generateName, no spec.priority (the create webhook rejects it from anyone but virt-controller),
// and labels naming this tool and this run.
#include <string>

#include <nlohmann/json.hpp>


namespace wu::update {

// `target_image`: the launcher image current now (annotation kTargetImageAnnotation; "" leaves it out).
nlohmann::json migration_for(const std::string& namespace_, const std::string& vmi_name, const std::string& run_id,
                             const std::string& target_image = {});

}  // namespace wu::update

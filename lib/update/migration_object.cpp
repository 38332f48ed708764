#include "update/migration_object.hpp"

#include <cstdio>

#include "update/run_identity.hpp"

namespace wu::update {

nlohmann::json migration_for(const std::string& namespace_, const std::string& vmi_name, const std::string& run_id,
                             const std::string& target_image, const NodeSelector& target_nodes) {
  nlohmann::json m = {{"apiVersion", "kubevirt.io/v1"},
          {"kind", "VirtualMachineInstanceMigration"},
          {"metadata",
           {{"generateName", kMigrationGenerateName},
            {"namespace", namespace_},
            {"labels", {{kManagedByLabel, kManagedByValue}, {kRunLabel, run_id}}}}},
          {"spec", {{"vmiName", vmi_name}}}};
  if (!target_image.empty()) m["metadata"]["annotations"] = {{kTargetImageAnnotation, target_image}};
  for (const auto& [k, v] : target_nodes) m["spec"]["addedNodeSelector"][k] = v;
  return m;
}

bool has_added_node_selector(const std::string& version) {
  int major = 0, minor = 0;
  if (std::sscanf(version.c_str(), "v%d.%d", &major, &minor) != 2) return false;
  return major > 1 || (major == 1 && minor >= 6);
}

}  // namespace wu::update

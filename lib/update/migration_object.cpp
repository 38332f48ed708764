#include "update/migration_object.hpp"

#include "update/run_identity.hpp"

namespace wu::update {

nlohmann::json migration_for(const std::string& namespace_, const std::string& vmi_name, const std::string& run_id,
                             const std::string& target_image) {
  nlohmann::json m = {{"apiVersion", "kubevirt.io/v1"},
          {"kind", "VirtualMachineInstanceMigration"},
          {"metadata",
           {{"generateName", kMigrationGenerateName},
            {"namespace", namespace_},
            {"labels", {{kManagedByLabel, kManagedByValue}, {kRunLabel, run_id}}}}},
          {"spec", {{"vmiName", vmi_name}}}};
  if (!target_image.empty()) m["metadata"]["annotations"] = {{kTargetImageAnnotation, target_image}};
  return m;
}

}  // namespace wu::update

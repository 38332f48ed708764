#include "update/migration_object.hpp"

#include "update/run_identity.hpp"

namespace wu::update {

nlohmann::json migration_for(const std::string& namespace_, const std::string& vmi_name, const std::string& run_id) {
  return {{"apiVersion", "kubevirt.io/v1"},
          {"kind", "VirtualMachineInstanceMigration"},
          {"metadata",
           {{"generateName", kMigrationGenerateName},
            {"namespace", namespace_},
            {"labels", {{kManagedByLabel, kManagedByValue}, {kRunLabel, run_id}}}}},
          {"spec", {{"vmiName", vmi_name}}}};
}

}  // namespace wu::update

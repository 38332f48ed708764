#include "update/migration_object.hpp"

#include "update/run_identity.hpp"

namespace wu::update {

nlohmann::json migration_for(const cluster::Vmi& vmi, const std::string& run_id) {
  return {{"apiVersion", "kubevirt.io/v1"},
          {"kind", "VirtualMachineInstanceMigration"},
          {"metadata",
           {{"generateName", kMigrationGenerateName},
            {"namespace", vmi.namespace_},
            {"labels", {{kManagedByLabel, kManagedByValue}, {kRunLabel, run_id}}}}},
          {"spec", {{"vmiName", vmi.name}}}};
}

}  // namespace wu::update

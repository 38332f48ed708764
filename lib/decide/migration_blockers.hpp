#pragma once
// Every reason a VMI cannot live-migrate, not only the first: the LiveMigratable condition carries
// one reason (calculateLiveMigrationCondition in pkg/virt-handler/vm.go returns at the first failed
// check), so the same checks are run here on the VMI's spec and status, each to the end. The order is
// upstream's, so the first blocker is the one the condition names. Codes are upstream's reasons.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cluster/snapshot.hpp"

namespace wu::decide {

struct MigrationBlocker {
  std::string code;     // upstream's condition reason: DisksNotLiveMigratable, HostDeviceNotLiveMigratable, ...
  std::string message;  // what blocks it, naming the volumes, devices or interface
};

// What the checks read from the cluster configuration (virt-config's ClusterConfig), from the KubeVirt CR.
// Without a KubeVirt CR these are KubeVirt's defaults: no gates, no mediated devices, no binding plugins.
struct MigrationConfig {
  bool vgpu_live_migration = false;              // feature gate VGPULiveMigration (Alpha: on only when listed)
  std::vector<std::string> mediated_devices;     // permittedHostDevices.mediatedDevices[].resourceName
  std::vector<std::string> migratable_bindings;  // network binding plugins with a migration method
};

MigrationConfig migration_config(const cluster::KubeVirtCr* kubevirt);

struct BlockerCheck {
  const char* name;
  std::function<std::optional<MigrationBlocker>(const cluster::Vmi&, const MigrationConfig&)> apply;
};

// The checks, in upstream's order. Exposed so tests can list them.
const std::vector<BlockerCheck>& blocker_checks();

// Every blocker of the VMI, in check order; empty when none, and when its LiveMigratable condition is
// True (virt-handler passed every check). When the condition is False for a reason no check derived
// (a host-model CPU, which depends on the node, or a reason of another KubeVirt version), that reason
// comes first, with the condition's message: it is the first check that failed.
std::vector<MigrationBlocker> migration_blockers(const cluster::Vmi& vmi, const MigrationConfig& config);

}  // namespace wu::decide

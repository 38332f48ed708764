#pragma once
// What stops KubeVirt's migration controller before it creates a target pod, in cases no condition on
// the VMI shows: the migration object is accepted, then waits (or fails) in Pending. Each check is
// upstream's, from pkg/virt-controller/watch/migration/migration.go (processMigrationPhase, sync,
// handleTargetPodCreation) and what it calls; the order is the order a Pending migration meets them.
// Codes are stable (JSON `controllerBlockers[]`, the man page).
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cluster/snapshot.hpp"
#include "decide/migration_blockers.hpp"
#include "decide/vmi_facts.hpp"

namespace wu::decide {

struct ControllerInput {
  const cluster::Vmi& vmi;
  const ClusterIndex& index;
  cluster::Timestamp now;
  bool vmims_known;                      // the snapshot lists VMIMs (a dump may not)
  std::int64_t utility_volumes_timeout;  // seconds: spec.configuration.migrations.utilityVolumesTimeout
};

struct ControllerCheck {
  const char* name;
  std::function<std::optional<MigrationBlocker>(const ControllerInput&)> apply;
};

// The checks, in order. Exposed so tests can list them.
const std::vector<ControllerCheck>& controller_checks();

// Every controller-side blocker of a Running VMI, in check order; empty when none.
std::vector<MigrationBlocker> controller_blockers(const ControllerInput& input);

// KubeVirt's default utilityVolumesTimeout (MigrationUtilityVolumesTimeoutSeconds, pkg/virt-config/virt-config.go).
inline constexpr std::int64_t kDefaultUtilityVolumesTimeout = 150;

}  // namespace wu::decide

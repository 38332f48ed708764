#include "update/run_reason.hpp"

namespace wu::update {

const char* run_reason_name(RunReason r) {
  switch (r) {
    case RunReason::Migrated: return "Migrated";
    case RunReason::Evacuated: return "Evacuated";
    case RunReason::UpdatedElsewhere: return "UpdatedElsewhere";
    case RunReason::Restarted: return "Restarted";
    case RunReason::StaysDown: return "StaysDown";
    case RunReason::NotRestarted: return "NotRestarted";
    case RunReason::MigrationFailed: return "MigrationFailed";
    case RunReason::EvictionRefused: return "EvictionRefused";
    case RunReason::MigratedStillOutdated: return "MigratedStillOutdated";
    case RunReason::NoLauncherPod: return "NoLauncherPod";
    case RunReason::NotConfirmed: return "NotConfirmed";
    case RunReason::Deleted: return "Deleted";
    case RunReason::MigrationSucceeded: return "MigrationSucceeded";
    case RunReason::Unschedulable: return "Unschedulable";
    case RunReason::PendingTimeout: return "PendingTimeout";
    case RunReason::UpdaterPaused: return "UpdaterPaused";
    case RunReason::UpdaterRestored: return "UpdaterRestored";
    case RunReason::UpdaterChangedMeanwhile: return "UpdaterChangedMeanwhile";
    case RunReason::UpdaterRestoreFailed: return "UpdaterRestoreFailed";
    case RunReason::ForeignMigrationPending: return "ForeignMigrationPending";
    case RunReason::NoTargetNode: return "NoTargetNode";
    case RunReason::CreateFailed: return "CreateFailed";
    case RunReason::EvictionNotSent: return "EvictionNotSent";
    case RunReason::CancelFailed: return "CancelFailed";
    case RunReason::KubeVirtNotDeployed: return "KubeVirtNotDeployed";
    case RunReason::VirtHandlerRollingOut: return "VirtHandlerRollingOut";
    case RunReason::InClusterUpdaterActive: return "InClusterUpdaterActive";
    case RunReason::NoKubeVirtCR: return "NoKubeVirtCR";
  }
  return "Migrated";
}

}  // namespace wu::update

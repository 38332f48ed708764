#include "decide/controller_blockers.hpp"

#include <algorithm>

#include "util/strings.hpp"

namespace wu::decide {

namespace {

using B = std::optional<MigrationBlocker>;
using util::join;

// IsMigrating (pkg/util/migrations/migrations.go) reads only migrationState's timestamps: a start without
// an end looks in flight. getUpdateData (workload-updater.go) then never picks the VMI, and neither do
// plan and run (MigrationInProgress). When the VMIM that state names (migrationUid) is finished or gone,
// nothing will ever set the end (kubevirt/kubevirt#2495): the VMI is never updated.
B stale_migration_state(const ControllerInput& in) {
  const auto& v = in.vmi;
  if (!in.vmims_known || !is_migrating(v, in.now)) return std::nullopt;
  if (!v.migration_uid.empty() && in.index.unfinished_vmim_uids.count(v.migration_uid)) return std::nullopt;
  const std::string which = v.migration_uid.empty() ? "no migration" : "migration " + v.migration_uid;
  return MigrationBlocker{
      "StaleMigrationState",
      "status.migrationState has a start and no end, so it looks in flight, but " + which +
          " has no unfinished VMIM: KubeVirt (and this tool) treat the VMI as migrating and never update it until "
          "migrationState is cleared or ends"};
}

// handleVMBackup (migration.go) with IsBackupInProgress (pkg/util/migrations/migrations.go): a Pending
// migration waits with the condition BlockedByBackup; a system-critical one (KubeVirt's own update and
// evacuation migrations) first aborts the backup. This tool's migrations have no priority: they wait.
B backup_in_progress(const ControllerInput& in) {
  if (in.vmi.backup_in_progress.empty()) return std::nullopt;
  return MigrationBlocker{"BackupInProgress",
                          "backup " + in.vmi.backup_in_progress +
                              " is in progress (status.changedBlockTracking.backupStatus): a migration waits in Pending "
                              "until it completes; KubeVirt's own update and evacuation migrations abort it first"};
}

// handleUtilityVolumes (migration.go): while spec.utilityVolumes is non-empty a Pending migration waits
// (BlockedByUtilityVolumes) and fails once it is utilityVolumesTimeout old: every attempt fails until they go.
B utility_volumes(const ControllerInput& in) {
  if (in.vmi.utility_volumes.empty()) return std::nullopt;
  return MigrationBlocker{"UtilityVolumes",
                          "spec.utilityVolumes " + join(in.vmi.utility_volumes) +
                              ": each migration waits in Pending for them to detach and fails after " +
                              std::to_string(in.utility_volumes_timeout) + "s (utilityVolumesTimeout)"};
}

// handleTargetPodCreation (migration.go) with VMIActivePodsCount (pkg/controller/controller.go): while more
// than one pod controlled by the VMI is not Succeeded or Failed, no target pod is created (re-queued every
// second). A source pod an earlier migration left running blocks every later one (kubevirt/kubevirt#18320).
// The target pod of a migration still in flight is that migration's, not a blocker of the next.
B multiple_launcher_pods(const ControllerInput& in) {
  const auto& v = in.vmi;
  auto it = in.index.pods.find(v.uid);
  if (v.uid.empty() || it == in.index.pods.end()) return std::nullopt;
  std::vector<std::string> active;
  for (const cluster::LauncherPod* p : it->second) {
    if (p->namespace_ != v.namespace_ || p->phase == "Succeeded" || p->phase == "Failed") continue;
    if (!p->migration_job_uid.empty() && in.index.unfinished_vmim_uids.count(p->migration_job_uid)) continue;
    active.push_back(p->name + (p->node.empty() ? "" : " on " + p->node));
  }
  if (active.size() < 2) return std::nullopt;
  std::sort(active.begin(), active.end());
  return MigrationBlocker{"MultipleLauncherPods",
                          std::to_string(active.size()) + " active launcher pods (" + join(active) +
                              "): KubeVirt creates no target pod until only one is left; a pod an earlier migration "
                              "left behind must be deleted"};
}

}  // namespace

const std::vector<ControllerCheck>& controller_checks() {
  static const std::vector<ControllerCheck> checks{
      {"StaleMigrationState", stale_migration_state},
      {"BackupInProgress", backup_in_progress},
      {"UtilityVolumes", utility_volumes},
      {"MultipleLauncherPods", multiple_launcher_pods},
  };
  return checks;
}

std::vector<MigrationBlocker> controller_blockers(const ControllerInput& input) {
  std::vector<MigrationBlocker> out;
  for (const auto& check : controller_checks())
    if (auto b = check.apply(input)) out.push_back(std::move(*b));
  return out;
}

}  // namespace wu::decide

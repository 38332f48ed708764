// What stops KubeVirt's migration controller before it creates a target pod (lib/decide/controller_blockers):
// one literal snapshot per check, all of them at once, how the plan carries them, and `status`.
#include <doctest/doctest.h>

#include "decide/controller_blockers.hpp"
#include "decide_fixture.hpp"
#include "update/progress_status.hpp"

using namespace decide_fixture;
using wu::decide::controller_blockers;
using wu::decide::MigrationBlocker;

namespace {

using Codes = std::vector<std::string>;

// The controller-side blockers of `name` in a plan of `s` with LiveMigrate.
std::vector<MigrationBlocker> of_plan(const Snapshot& s, const std::string& name) {
  const Plan p = wu::decide::make_plan(s, config({"LiveMigrate"}));
  return of(p, name).controller_blockers;
}

LauncherPod pod(const Vmi& v, const std::string& name, const std::string& node, const std::string& phase = "Running") {
  LauncherPod p;
  p.namespace_ = v.namespace_;
  p.name = name;
  p.vmi_name = v.name;
  p.owner_vmi_uid = v.uid;
  p.node = node;
  p.phase = phase;
  return p;
}

}  // namespace

TEST_CASE("controller blockers: none for a plain running VMI; the checks in migration.go's order") {
  const Snapshot s = cluster({vmi("plain")});
  CHECK(of_plan(s, "plain").empty());
  Codes names;
  for (const auto& c : wu::decide::controller_checks()) names.push_back(c.name);
  CHECK(names == Codes{"StaleMigrationState", "BackupInProgress", "UtilityVolumes", "MultipleLauncherPods"});
}

TEST_CASE("controller blockers: MultipleLauncherPods counts the VMI's pods that are not Succeeded or Failed") {
  Vmi v = vmi("web-00", "node-1");
  Snapshot s = cluster({v});
  s.pods[0].phase = "Running";
  s.pods.push_back(pod(v, "virt-launcher-web-00-old", "node-2"));  // a source pod an earlier migration left
  auto b = of_plan(s, "web-00");
  REQUIRE(b.size() == 1);
  CHECK(b[0].code == "MultipleLauncherPods");
  CHECK(b[0].message ==
        "2 active launcher pods (virt-launcher-web-00 on node-1, virt-launcher-web-00-old on node-2): KubeVirt "
        "creates no target pod until only one is left; a pod an earlier migration left behind must be deleted");

  s.pods[1].phase = "Succeeded";  // a finished pod does not count (VMIActivePodsCount)
  CHECK(of_plan(s, "web-00").empty());
  s.pods[1].phase = "Running";
  s.pods[1].owner_vmi_uid = "someone-else";  // not controlled by this VMI
  CHECK(of_plan(s, "web-00").empty());
}

TEST_CASE("controller blockers: the target pod of a migration in flight is not an extra pod") {
  Vmi v = vmi("db", "node-1");
  Snapshot s = cluster({v});
  LauncherPod target = pod(v, "virt-launcher-db-target", "node-2", "Pending");
  target.migration_job_uid = "vmim-m1";
  s.pods.push_back(target);
  s.vmims.push_back(vmim("m1", "db", "Scheduling"));
  CHECK(of_plan(s, "db").empty());
  // Once that migration failed, its target pod still running blocks the next one.
  s.vmims[0].phase = "Failed";
  s.pods[1].phase = "Running";
  CHECK(codes(of_plan(s, "db")) == Codes{"MultipleLauncherPods"});
}

TEST_CASE("controller blockers: StaleMigrationState when migrationState looks in flight but its VMIM is done") {
  Vmi v = vmi("erp", "node-1");
  v.migration_start = 999000;  // started, never ended (kubevirt/kubevirt#2495)
  v.migration_uid = "vmim-gone";
  Snapshot s = cluster({v});
  const Plan p = wu::decide::make_plan(s, config({"LiveMigrate"}));
  CHECK(of(p, "erp").reason == wu::decide::Reason::MigrationInProgress);  // what KubeVirt's updater concludes
  auto b = of(p, "erp").controller_blockers;
  REQUIRE(b.size() == 1);
  CHECK(b[0].code == "StaleMigrationState");
  CHECK(b[0].message ==
        "status.migrationState has a start and no end, so it looks in flight, but migration vmim-gone has no "
        "unfinished VMIM: KubeVirt (and this tool) treat the VMI as migrating and never update it until "
        "migrationState is cleared or ends");

  s.vmims.push_back(vmim("gone", "erp", "Running"));  // uid vmim-gone, still running: a real migration
  CHECK(of_plan(s, "erp").empty());
  s.vmims[0].phase = "Failed";  // finished without an end timestamp on the VMI: stale
  CHECK(codes(of_plan(s, "erp")) == Codes{"StaleMigrationState"});
  s.vmis[0].migration_end = 999500;  // ended: not in flight
  CHECK(of_plan(s, "erp").empty());
  s.vmis[0].migration_end = 0;
  s.vmims_read = {false, "the input has no VirtualMachineInstanceMigration objects"};  // cannot tell: no guess
  CHECK(of_plan(s, "erp").empty());
}

TEST_CASE("controller blockers: BackupInProgress and UtilityVolumes (handleVMBackup, handleUtilityVolumes)") {
  Vmi v = vmi("files");
  v.backup_in_progress = "nightly-files";
  v.utility_volumes = {"backup-target", "scratch"};
  Snapshot s = cluster({v});
  auto b = of_plan(s, "files");
  REQUIRE(codes(b) == Codes{"BackupInProgress", "UtilityVolumes"});
  CHECK(b[0].message ==
        "backup nightly-files is in progress (status.changedBlockTracking.backupStatus): a migration waits in Pending "
        "until it completes; KubeVirt's own update and evacuation migrations abort it first");
  CHECK(b[1].message ==
        "spec.utilityVolumes backup-target, scratch: each migration waits in Pending for them to detach and fails "
        "after 150s (utilityVolumesTimeout)");
  s.kubevirts[0].utility_volumes_timeout = 30;  // spec.configuration.migrations.utilityVolumesTimeout
  CHECK(of_plan(s, "files")[1].message.find("fails after 30s") != std::string::npos);
}

TEST_CASE("controller blockers: only for running VMIs; all four at once, in order") {
  Vmi v = vmi("all", "node-1");
  v.migration_start = 999000;
  v.backup_in_progress = "b1";
  v.utility_volumes = {"u1"};
  Vmi stopped = vmi("stopped");
  stopped.phase = "Succeeded";
  stopped.utility_volumes = {"u1"};
  Snapshot s = cluster({v, stopped});
  s.pods.push_back(pod(v, "virt-launcher-all-2", "node-3"));
  CHECK(codes(of_plan(s, "all")) == Codes{"StaleMigrationState", "BackupInProgress", "UtilityVolumes", "MultipleLauncherPods"});
  CHECK(of_plan(s, "stopped").empty());
}

TEST_CASE("status names the controller blockers of stuck VMIs, and lists blocked VMIs without attempts") {
  Vmi util = vmi("util");
  util.utility_volumes = {"u1"};
  Vmi stale = vmi("stale");
  stale.migration_start = 999000;
  Snapshot s = cluster({util, stale, vmi("fine")});
  for (int i = 0; i < 3; ++i) {
    Vmim m = vmim("m" + std::to_string(i), "util", "Failed");
    m.created = 100 + i;
    m.failure_reason = "utility volumes still present";
    s.vmims.push_back(m);
  }
  const Plan plan = wu::decide::make_plan(s, config({"LiveMigrate"}));
  const auto st = wu::update::make_status(s, plan, 3, nlohmann::json());
  CHECK(st.stuck == 1);
  CHECK(st.blocked == 2);
  REQUIRE(st.vmis_with_attempts.size() == 2);
  const auto& stuck_one = st.vmis_with_attempts[1];
  CHECK(stuck_one.name == "util");
  CHECK(stuck_one.stuck);
  CHECK(stuck_one.stuck_reason.find("the last 3 migrations failed: utility volumes still present; KubeVirt's "
                                    "migration controller: UtilityVolumes (spec.utilityVolumes u1: ") == 0);
  const auto& blocked = st.vmis_with_attempts[0];
  CHECK(blocked.name == "stale");
  CHECK_FALSE(blocked.stuck);
  CHECK(blocked.attempts.empty());
  CHECK(codes(blocked.controller_blockers) == Codes{"StaleMigrationState"});
}

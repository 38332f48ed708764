#include <doctest/doctest.h>

#include "decide/eviction_webhook.hpp"
#include "decide/plan.hpp"
#include "decide/run_strategy.hpp"
#include "decide_fixture.hpp"

using namespace wu::decide;
using decide_fixture::cluster;
using decide_fixture::kNew;
using decide_fixture::kOld;
using wu::cluster::Snapshot;
using wu::cluster::Vm;
using wu::cluster::Vmi;
using wu::cluster::Vmim;

namespace {

// One VMI on node-1, migratable or not, with its own evictionStrategy (empty: the cluster's).
Vmi plan_vmi(const std::string& name, bool migratable = true, const std::string& strategy = "") {
  Vmi v = decide_fixture::vmi(name, "node-1", migratable);
  v.eviction_strategy = strategy;
  return v;
}

PlanConfig methods(std::vector<std::string> m) {
  PlanConfig c;
  c.methods = std::move(m);
  return c;
}

Decision one(const Snapshot& s, const PlanConfig& c) {
  Plan p = make_plan(s, c);
  REQUIRE(p.decisions.size() == 1);
  return p.decisions[0];
}

void expect(const Decision& d, Action a, Reason r) {
  CHECK_MESSAGE(d.action == a, "action ", action_name(d.action), " != ", action_name(a));
  CHECK_MESSAGE(d.reason == r, "reason ", reason_name(d.reason), " != ", reason_name(r));
}

const PlanConfig kLM = methods({"LiveMigrate"});
const PlanConfig kBoth = methods({"LiveMigrate", "Evict"});
const PlanConfig kEvict = methods({"Evict"});

}  // namespace

TEST_CASE("None rows: NotRunning, Terminating, UpToDate") {
  Vmi pending = plan_vmi("a");
  pending.phase = "Scheduling";
  expect(one(cluster({pending}), kBoth), Action::None, Reason::NotRunning);
  Vmi done = plan_vmi("a");
  done.phase = "Succeeded";
  expect(one(cluster({done}), kBoth), Action::None, Reason::NotRunning);
  Vmi deleting = plan_vmi("a");
  deleting.deleting = true;
  expect(one(cluster({deleting}), kBoth), Action::None, Reason::Terminating);
  Vmi current = plan_vmi("a");
  current.launcher_image = kNew;
  auto d = one(cluster({current}), kBoth);
  expect(d, Action::None, Reason::UpToDate);
  CHECK_FALSE(d.outdated);
  Vmi starting = plan_vmi("a");
  starting.launcher_image = "";  // empty is never outdated (start-up, migration)
  expect(one(cluster({starting}), kBoth), Action::None, Reason::UpToDate);
}

TEST_CASE("Skip/MigrationInProgress: migrating now, or any unfinished VMIM") {
  Vmi migrating = plan_vmi("a");
  migrating.migration_start = 999000;
  auto d = one(cluster({migrating}), kBoth);
  expect(d, Action::Skip, Reason::MigrationInProgress);
  CHECK(d.outdated);  // still counted
  Vmi done = plan_vmi("a");
  done.migration_start = 990000;
  done.migration_end = 995000;
  expect(one(cluster({done}), kBoth), Action::LiveMigrate, Reason::LiveMigratable);
  Snapshot s = cluster({plan_vmi("a")});
  Vmim m;
  m.namespace_ = "ns";
  m.vmi_name = "a";
  m.phase = "Pending";  // anyone's, even Pending
  s.vmims.push_back(m);
  expect(one(s, kBoth), Action::Skip, Reason::MigrationInProgress);
  s.vmims[0].phase = "Failed";  // finished VMIMs do not block
  expect(one(s, kBoth), Action::LiveMigrate, Reason::LiveMigratable);
}

TEST_CASE("Skip/NoUpdateMethods: nothing valid enabled (unknown strings are ignored)") {
  expect(one(cluster({plan_vmi("a")}), methods({})), Action::Skip, Reason::NoUpdateMethods);
  expect(one(cluster({plan_vmi("a")}), methods({"livemigrate", "Shutdown"})), Action::Skip, Reason::NoUpdateMethods);
}

TEST_CASE("LiveMigrate only") {
  expect(one(cluster({plan_vmi("a", true)}), kLM), Action::LiveMigrate, Reason::LiveMigratable);
  auto d = one(cluster({plan_vmi("a", false)}), kLM);
  expect(d, Action::Skip, Reason::NotLiveMigratable);
  CHECK(d.message.find("DisksNotLiveMigratable") != std::string::npos);
  Vmi absent = plan_vmi("a");
  absent.live_migratable = "";  // an absent condition is not migratable
  expect(one(cluster({absent}), kLM), Action::Skip, Reason::NotLiveMigratable);
  PlanConfig zero = kLM;
  zero.parallel_migrations_per_cluster = 0;
  expect(one(cluster({plan_vmi("a", true)}), zero), Action::Skip, Reason::MigrationsDisabled);
}

TEST_CASE("both methods: migratable migrates, the rest is evicted unless the webhook says otherwise") {
  expect(one(cluster({plan_vmi("a", true, "LiveMigrate")}), kBoth), Action::LiveMigrate, Reason::LiveMigratable);
  auto d = one(cluster({plan_vmi("a", false, "None")}), kBoth);
  expect(d, Action::Evict, Reason::NotLiveMigratable);
  CHECK(d.after_eviction == AfterEviction::Restart);
  expect(one(cluster({plan_vmi("a", false, "LiveMigrate")}), kBoth), Action::Skip, Reason::EvictionBlocked);
  expect(one(cluster({plan_vmi("a", false, "External")}), kBoth), Action::Skip, Reason::ExternalEviction);
  expect(one(cluster({plan_vmi("a", false, "LiveMigrateIfPossible")}), kBoth), Action::Evict, Reason::NotLiveMigratable);
  PlanConfig no_batches = kBoth;
  no_batches.batch_eviction_size = 0;
  expect(one(cluster({plan_vmi("a", false)}), no_batches), Action::Skip, Reason::EvictionDisabled);
}

TEST_CASE("Evict only: eviction path for everyone, the webhook may turn it into a migration") {
  expect(one(cluster({plan_vmi("a", true, "None")}), kEvict), Action::Evict, Reason::LiveMigrateNotEnabled);
  expect(one(cluster({plan_vmi("a", true)}), kEvict), Action::Evict, Reason::LiveMigrateNotEnabled);
  expect(one(cluster({plan_vmi("a", true, "LiveMigrate")}), kEvict), Action::LiveMigrate, Reason::EvictionTriggersMigration);
  expect(one(cluster({plan_vmi("a", true, "LiveMigrateIfPossible")}), kEvict), Action::LiveMigrate,
         Reason::EvictionTriggersMigration);
  expect(one(cluster({plan_vmi("a", false, "LiveMigrateIfPossible")}), kEvict), Action::Evict, Reason::LiveMigrateNotEnabled);
  expect(one(cluster({plan_vmi("a", false, "LiveMigrate")}), kEvict), Action::Skip, Reason::EvictionBlocked);
  expect(one(cluster({plan_vmi("a", true, "External")}), kEvict), Action::Skip, Reason::ExternalEviction);
}

TEST_CASE("the effective evictionStrategy is the VMI's own, else the cluster default") {
  PlanConfig c = kBoth;
  c.cluster_eviction_strategy = "LiveMigrate";
  auto d = one(cluster({plan_vmi("a", false)}), c);
  expect(d, Action::Skip, Reason::EvictionBlocked);
  CHECK(d.eviction_strategy == "LiveMigrate");
  expect(one(cluster({plan_vmi("a", false, "None")}), c), Action::Evict, Reason::NotLiveMigratable);
}

TEST_CASE("eviction webhook decision table (KubeVirt reference 4.1)") {
  CHECK(eviction_webhook_outcome("", false) == EvictionOutcome::Allowed);
  CHECK(eviction_webhook_outcome("", true) == EvictionOutcome::Allowed);
  CHECK(eviction_webhook_outcome("None", true) == EvictionOutcome::Allowed);
  CHECK(eviction_webhook_outcome("LiveMigrate", true) == EvictionOutcome::TriggersMigration);
  CHECK(eviction_webhook_outcome("LiveMigrate", false) == EvictionOutcome::DeniedNotMigratable);
  CHECK(eviction_webhook_outcome("LiveMigrateIfPossible", true) == EvictionOutcome::TriggersMigration);
  CHECK(eviction_webhook_outcome("LiveMigrateIfPossible", false) == EvictionOutcome::Allowed);
  CHECK(eviction_webhook_outcome("External", true) == EvictionOutcome::LeftToExternal);
  CHECK(eviction_webhook_outcome("External", false) == EvictionOutcome::LeftToExternal);
}

TEST_CASE("runStrategy table: only Always comes back") {
  CHECK(after_eviction("Always") == AfterEviction::Restart);
  for (const char* s : {"RerunOnFailure", "Manual", "Halted", "Once", ""})
    CHECK_MESSAGE(after_eviction(s) == AfterEviction::StaysDown, s);
  auto rerun = one(cluster({plan_vmi("a", false)}, "RerunOnFailure"), kBoth);
  CHECK(rerun.after_eviction == AfterEviction::StaysDown);
  Snapshot standalone = cluster({plan_vmi("a", false)});
  standalone.vmis[0].owner_vm = "";
  auto d = one(standalone, kBoth);
  CHECK(d.after_eviction == AfterEviction::StaysDown);
  CHECK(d.message.find("gone for good") != std::string::npos);
  const Snapshot halted = cluster({plan_vmi("a", false)}, "Halted");
  CHECK(make_plan(halted, kBoth).summary.stays_down == 1);
}

TEST_CASE("outdated: image comparison, the label when the image is unknown, hotplug, --pre-upgrade") {
  Snapshot s = cluster({plan_vmi("a")});
  s.launcher_image = "";
  s.vmis[0].outdated_label = false;
  expect(one(s, kBoth), Action::None, Reason::UpToDate);
  s.vmis[0].outdated_label = true;
  auto d = one(s, kBoth);
  CHECK(d.trigger == Trigger::OutdatedLabel);
  expect(d, Action::LiveMigrate, Reason::LiveMigratable);
  Snapshot hot = cluster({plan_vmi("a")});
  hot.vmis[0].launcher_image = kNew;
  hot.vmis[0].hot_vcpu_change = true;
  auto h = one(hot, kBoth);
  CHECK(h.trigger == Trigger::HotplugCPU);
  CHECK(h.outdated);
  expect(h, Action::LiveMigrate, Reason::LiveMigratable);
  hot.vmis[0].hot_vcpu_change = false;
  hot.vmis[0].hot_memory_change = false;
  hot.vmis[0].volumes_change = true;
  CHECK(one(hot, kBoth).trigger == Trigger::VolumesChange);
  Snapshot current = cluster({plan_vmi("a")});
  current.vmis[0].launcher_image = kNew;
  PlanConfig pre = kBoth;
  pre.pre_upgrade = true;
  auto p = one(current, pre);
  CHECK(p.trigger == Trigger::PreUpgrade);
  expect(p, Action::LiveMigrate, Reason::LiveMigratable);
}

TEST_CASE("ChangeAborted: an update migration in flight whose change is gone") {
  Snapshot s = cluster({plan_vmi("a")});
  s.vmis[0].launcher_image = kNew;
  Vmim m;
  m.namespace_ = "ns";
  m.vmi_name = "a";
  m.phase = "Running";
  m.workload_update = true;
  s.vmims.push_back(m);
  expect(one(s, kBoth), Action::None, Reason::ChangeAborted);
  s.vmis[0].target_domain_ready = true;  // effectively done: not aborted
  expect(one(s, kBoth), Action::None, Reason::UpToDate);
}

TEST_CASE("gates: the in-cluster updater runs only when Deployed with matching deployment IDs") {
  Snapshot s = cluster({plan_vmi("a")});
  CHECK(make_plan(s, kBoth).updater.active);
  s.kubevirts[0].phase = "Deploying";
  CHECK_FALSE(make_plan(s, kBoth).updater.active);
  CHECK(make_plan(s, kBoth).updater.reason.find("not Deployed") != std::string::npos);
  s.kubevirts[0].phase = "Deployed";
  s.kubevirts[0].target_deployment_id = "new";
  CHECK(make_plan(s, kBoth).updater.reason.find("observedDeploymentID") != std::string::npos);
  const Snapshot one = cluster({plan_vmi("a")});
  CHECK_FALSE(make_plan(one, methods({})).updater.active);
  s.kubevirts.push_back(s.kubevirts[0]);
  CHECK_THROWS_AS(make_plan(s, kBoth), PlanError);
}

TEST_CASE("schedule: waves respect cluster and per-node limits, counting active migrations") {
  std::vector<Vmi> vmis;
  for (int i = 0; i < 6; ++i) {
    Vmi v = plan_vmi("vm" + std::to_string(i));
    v.node = i < 4 ? "node-1" : "node-2";
    vmis.push_back(v);
  }
  Snapshot s = cluster(vmis);
  PlanConfig c = kLM;
  c.parallel_migrations_per_cluster = 3;
  c.parallel_outbound_migrations_per_node = 2;
  Plan p = make_plan(s, c);
  std::map<int, int> per_wave;
  std::map<std::pair<int, std::string>, int> per_wave_node;
  for (const auto& d : p.decisions) {
    ++per_wave[d.wave];
    ++per_wave_node[{d.wave, d.vmi->node}];
  }
  for (const auto& [w, n] : per_wave) CHECK(n <= 3);
  for (const auto& [k, n] : per_wave_node) CHECK(n <= 2);
  CHECK(p.schedule.migration_waves == 2);
  // An active migration from node-1 takes a slot in wave 1.
  Vmim active;
  active.namespace_ = "ns";
  active.vmi_name = "other";
  active.phase = "Running";
  Vmi other = plan_vmi("other");
  other.launcher_image = kNew;
  s.vmis.push_back(other);
  s.vmims.push_back(active);
  wu::decide::PlanOptions two_minutes;
  two_minutes.migration_duration_seconds = 120;  // --migration-duration
  Plan q = make_plan(s, c, two_minutes);
  int wave1 = 0;
  for (const auto& d : q.decisions) wave1 += d.wave == 1;
  CHECK(wave1 == 2);
  CHECK(q.schedule.estimated_duration_seconds == q.schedule.migration_waves * 120);
}

TEST_CASE("schedule: eviction batches of batchEvictionSize, one per interval") {
  std::vector<Vmi> vmis;
  for (int i = 0; i < 25; ++i) vmis.push_back(plan_vmi("vm" + std::to_string(i), false));
  PlanConfig c = kBoth;
  c.batch_eviction_size = 10;
  const Snapshot snapshot = cluster(vmis);
  Plan p = make_plan(snapshot, c);
  CHECK(p.summary.evict == 25);
  CHECK(p.schedule.eviction_batches == 3);
  CHECK(p.decisions.back().batch == 3);
  CHECK(p.schedule.estimated_duration_seconds == 120);  // batches at 0 s, 60 s, 120 s
}

TEST_CASE("no launcher pod: CurrentVMIPod finds none before the webhook is asked, so nothing is evicted") {
  // sync() in workload-updater.go looks up the pod (controlled by the VMI's UID, on its node) first.
  std::vector<Vmi> vmis{plan_vmi("a", false), plan_vmi("b", false), plan_vmi("c", false), plan_vmi("d", false), plan_vmi("e", true)};
  for (auto& v : vmis) v.uid = "uid-" + v.name;
  vmis[2].eviction_strategy = "LiveMigrate";  // the webhook would refuse it: the missing pod comes first
  vmis[4].eviction_strategy = "LiveMigrate";  // migratable, Evict only: the webhook would migrate it
  Snapshot s = cluster(vmis);
  s.pods.clear();  // the pods below, and no others
  auto pod_for = [&](const std::string& vmi_name, const std::string& owner_uid, const std::string& node) {
    wu::cluster::LauncherPod pod;
    pod.namespace_ = "ns";
    pod.name = "virt-launcher-" + vmi_name;
    pod.vmi_name = vmi_name;
    pod.owner_vmi_uid = owner_uid;
    pod.node = node;
    s.pods.push_back(pod);
  };
  pod_for("b", "uid-b", vmis[1].node);
  pod_for("d", "", vmis[3].node);          // the kubevirt.io/domain annotation alone: not controlled by d
  pod_for("a", "uid-a", "another-node");   // a's pod elsewhere (a migration target): not its current pod
  Plan p = make_plan(s, kBoth);
  expect(p.decisions[0], Action::Skip, Reason::NoLauncherPod);
  expect(p.decisions[1], Action::Evict, Reason::NotLiveMigratable);
  expect(p.decisions[2], Action::Skip, Reason::NoLauncherPod);
  expect(p.decisions[3], Action::Skip, Reason::NoLauncherPod);
  PlanConfig evict_only = kBoth;
  evict_only.methods = {"Evict"};
  expect(make_plan(s, evict_only).decisions[4], Action::Skip, Reason::NoLauncherPod);
  CHECK(p.decisions[0].message.find("nothing is evicted") != std::string::npos);
}

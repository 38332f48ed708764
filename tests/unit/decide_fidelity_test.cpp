// The points where `plan` must read KubeVirt as its own code does (issue: fidelity under real cluster
// dynamics): migration counting (migration.go, pkg/util/migrations), the eviction list and its
// batches (workload-updater.go), Execution, KubeVirt's outdated count, volume-update migrations,
// RerunOnFailure and the updater's gates. Literal snapshots, no network.
#include <doctest/doctest.h>

#include "decide/kubevirt_gates.hpp"
#include "decide/migration_limits.hpp"
#include "decide/plan.hpp"
#include "decide_fixture.hpp"

using namespace wu::decide;
using namespace decide_fixture;

TEST_CASE("active migrations: IsRunning phases, plus unfinished ones with a target pod (findRunningMigrations)") {
  Snapshot s = cluster({vmi("a"), vmi("b"), vmi("c"), vmi("d"), vmi("e")});
  s.vmims = {vmim("m-a", "a", "Pending"),     // Pending, no target pod: not counted
             vmim("m-b", "b", "Pending"),     // Pending with a target pod: counted by the controller
             vmim("m-c", "c", "Scheduling"),  // IsRunning
             vmim("m-d", "d", "Running"),
             vmim("m-e", "e", "Succeeded"),   // final
             vmim("m-x", "gone", "Pending")}; // its VMI is gone: skipped
  LauncherPod target;
  target.namespace_ = "ns";
  target.name = "virt-launcher-b-target";
  target.migration_job_uid = "vmim-m-b";
  target.node = "node-2";
  s.pods.push_back(target);
  const ActiveMigrations a = active_migrations(s);
  CHECK(a.running == 2);    // the updater's numActiveMigrations: Scheduling, Running
  CHECK(a.in_flight == 3);  // the migration controller's: + Pending with a target pod
  CHECK(a.in_flight_vmims.count("ns/m-b"));
  CHECK_FALSE(a.in_flight_vmims.count("ns/m-a"));
  CHECK(a.outbound_on("node-1") == 3);
}

TEST_CASE("outbound per node: the VMI's nodeName or its migrationState.sourceNode (outboundMigrationsOnNode)") {
  Vmi moved = vmi("a", "node-2");  // status.nodeName already the target, sourceNode still node-1
  moved.migration_source_node = "node-1";
  Snapshot s = cluster({moved, vmi("b", "node-3")});
  s.vmims = {vmim("m-a", "a", "Running"), vmim("m-b", "b", "Scheduled")};
  const ActiveMigrations a = active_migrations(s);
  CHECK(a.outbound_on("node-1") == 1);
  CHECK(a.outbound_on("node-2") == 1);
  CHECK(a.outbound_on("node-3") == 1);
  CHECK(outbound_nodes(moved) == std::vector<std::string>{"node-2", "node-1"});
}

TEST_CASE("plan's first wave shares the limits with what KubeVirt counts as in flight, by node or sourceNode") {
  Vmi busy = vmi("busy", "node-2");
  busy.migration_source_node = "node-1";  // counts against node-1 too
  Snapshot s = cluster({vmi("a", "node-1"), vmi("b", "node-1"), vmi("c", "node-3"), busy});
  s.vmims = {vmim("m-busy", "busy", "Running"),
             vmim("foreign-pending-1", "elsewhere", "Pending"), vmim("foreign-pending-2", "elsewhere", "Pending")};
  const Plan p = make_plan(s, config({"LiveMigrate"}, 5, 2));
  CHECK(of(p, "a").wave == 1);
  CHECK(of(p, "b").wave == 2);  // node-1 has one outbound slot left (busy migrates off it)
  CHECK(of(p, "c").wave == 1);  // Pending VMIMs without target pods block nothing
  CHECK(p.schedule.migration_waves == 2);
}

TEST_CASE("MigrationQueue admits in plan order within the cluster and per-node room") {
  MigrationQueue q;
  q.add("n1", 0);
  q.add("n1", 1);
  q.add("n1", 2);
  q.add("n2", 3);
  q.add("n3", 4);
  MigrationSlots slots;
  slots.cluster_free = 3;
  slots.node_limit = 2;
  slots.node_used = {{"n2", 2}};
  CHECK(q.admit(slots) == std::vector<std::size_t>{0, 1, 4});
  CHECK_FALSE(q.empty());
  slots.node_used.clear();
  CHECK(q.admit(slots) == std::vector<std::size_t>{2, 3});
  CHECK(q.empty());
  MigrationSlots full;
  full.cluster_free = 0;
  full.node_limit = 2;
  CHECK(q.admit(full).empty());
}

TEST_CASE("EvictionTriggersMigration goes in eviction batches, with the evictions, as KubeVirt's eviction list") {
  std::vector<Vmi> vmis{vmi("a"), vmi("b", "node-1", false), vmi("c"), vmi("d", "node-1", false)};
  for (auto& v : vmis) v.eviction_strategy = "LiveMigrate";
  vmis[1].eviction_strategy = "None";
  vmis[3].eviction_strategy = "None";
  PlanConfig c = config({"Evict"});
  c.batch_eviction_size = 2;
  const Snapshot snapshot = cluster(vmis);
  const Plan p = make_plan(snapshot, c);
  CHECK(of(p, "a").action == Action::LiveMigrate);
  CHECK(of(p, "a").reason == Reason::EvictionTriggersMigration);
  CHECK(of(p, "a").execution == Execution::EvictForMigration);
  CHECK(of(p, "b").execution == Execution::EvictAndShutDown);
  CHECK(of(p, "a").wave == 0);
  CHECK(of(p, "a").batch == 1);
  CHECK(of(p, "b").batch == 1);
  CHECK(of(p, "c").batch == 2);
  CHECK(of(p, "d").batch == 2);
  CHECK(p.schedule.migration_waves == 0);
  CHECK(p.schedule.eviction_batches == 2);
  CHECK_FALSE(p.schedule.eviction_batches_lower_bound);
}

TEST_CASE("Execution: how each decision is carried out") {
  CHECK(execution_of(Action::LiveMigrate, Reason::LiveMigratable) == Execution::CreateMigration);
  CHECK(execution_of(Action::LiveMigrate, Reason::EvictionTriggersMigration) == Execution::EvictForMigration);
  CHECK(execution_of(Action::Evict, Reason::NotLiveMigratable) == Execution::EvictAndShutDown);
  CHECK(execution_of(Action::Skip, Reason::EvictionBlocked) == Execution::Nothing);
  CHECK(execution_of(Action::None, Reason::UpToDate) == Execution::Nothing);
  CHECK(std::string(execution_name(Execution::EvictForMigration)) == "EvictForMigration");
}

TEST_CASE("batches are a lower bound for KubeVirt's updater when refused VMIs take slots in its eviction list") {
  std::vector<Vmi> vmis{vmi("blocked", "node-1", false), vmi("e1", "node-1", false), vmi("e2", "node-1", false)};
  vmis[0].eviction_strategy = "LiveMigrate";  // the webhook refuses it for ever
  PlanConfig c = config({"LiveMigrate", "Evict"});
  c.batch_eviction_size = 2;
  const Snapshot snapshot = cluster(vmis);
  const Plan p = make_plan(snapshot, c);
  CHECK(of(p, "blocked").reason == Reason::EvictionBlocked);
  CHECK(of(p, "blocked").batch == 0);  // `run` gives it no slot
  CHECK(p.schedule.eviction_batches == 1);
  CHECK(p.schedule.eviction_batches_lower_bound);
  CHECK(p.schedule.lower_bound_why.find("1 VMI(s)") != std::string::npos);
  Snapshot off = cluster(vmis);
  off.kubevirts[0].phase = "Deploying";  // the updater is not active: no bound to state
  CHECK_FALSE(make_plan(off, c).schedule.eviction_batches_lower_bound);
}

TEST_CASE("summary.outdated is KubeVirt's count: Running, not final, not being deleted; the per-VMI flag stays") {
  Vmi pending = vmi("pending");
  pending.phase = "Scheduling";
  Vmi deleting = vmi("deleting");
  deleting.deleting = true;
  Vmi current = vmi("current");
  current.launcher_image = kNew;
  const Snapshot snapshot = cluster({vmi("running"), pending, deleting, current});
  const Plan p = make_plan(snapshot, config({"LiveMigrate"}));
  CHECK(of(p, "pending").outdated);  // its launcher image is old
  CHECK(p.summary.outdated == 1);    // only "running" is in KubeVirt's outdatedVirtualMachineInstanceWorkloads
}

TEST_CASE("volume-update migration: every ReadWriteOnce PVC must be among the migrated volumes") {
  Vmi ok = vmi("ok", "node-1", false);
  ok.has_migrated_volumes = true;
  ok.volumes_change = true;
  Vmi rwo = ok;
  rwo.name = "rwo";
  rwo.uid = "uid-rwo";
  rwo.rwo_volume_not_migrated = true;  // ValidateVolumesUpdateMigration fails
  const Snapshot snapshot = cluster({ok, rwo});
  const Plan p = make_plan(snapshot, config({"LiveMigrate"}));
  CHECK(of(p, "ok").action == Action::LiveMigrate);
  CHECK(of(p, "rwo").action == Action::Skip);
  CHECK(of(p, "rwo").reason == Reason::NotLiveMigratable);
}

TEST_CASE("RerunOnFailure after eviction: StaysDown, and the message says when it would restart") {
  const Snapshot snapshot = cluster({vmi("a", "node-1", false)}, "RerunOnFailure");
  const Plan p = make_plan(snapshot, config({"Evict"}));
  const Decision& d = of(p, "a");
  CHECK(d.action == Action::Evict);
  CHECK(d.after_eviction == AfterEviction::StaysDown);
  CHECK(d.message.find("RerunOnFailure") != std::string::npos);
  CHECK(d.message.find("ends Failed") != std::string::npos);
}

TEST_CASE("a scoped plan says its waves and batches assume only that scope competes") {
  PlanOptions o;
  o.scoped = true;
  const Snapshot snapshot = cluster({vmi("a")});
  const Plan p = make_plan(snapshot, config({"LiveMigrate"}), o);
  REQUIRE(p.warnings.size() == 1);
  CHECK(p.warnings[0].code == "ScopedSchedule");
  CHECK(make_plan(snapshot, config({"LiveMigrate"})).warnings.empty());
}

TEST_CASE("KubeVirt's gates: Deployed with matching deployment IDs; virt-handler rolled out; methods") {
  wu::cluster::KubeVirtCr kv;
  kv.phase = "Deployed";
  kv.observed_deployment_id = kv.target_deployment_id = "a";
  CHECK_FALSE(kubevirt_not_deployed(kv));
  kv.target_deployment_id = "b";
  CHECK(kubevirt_not_deployed(kv)->find("rolling out") != std::string::npos);
  kv.phase = "Deploying";
  CHECK(kubevirt_not_deployed(kv)->find("Deploying") != std::string::npos);

  wu::cluster::DaemonSetRollout ds;
  ds.namespace_ = "kubevirt";
  ds.name = "virt-handler";
  ds.generation = ds.observed_generation = 2;
  ds.desired = ds.updated = ds.available = 3;
  CHECK_FALSE(virt_handler_rolling(ds));
  CHECK_FALSE(virt_handler_rolling(std::nullopt));
  ds.updated = 1;
  CHECK(virt_handler_rolling(ds)->find("1 of 3 pods updated") != std::string::npos);
  ds.updated = 3;
  ds.available = 2;
  CHECK(virt_handler_rolling(ds)->find("2 of 3") != std::string::npos);
  ds.available = 3;
  ds.generation = 3;
  CHECK(virt_handler_rolling(ds));

  CHECK(methods_enable_updates({"Evict"}));
  CHECK_FALSE(methods_enable_updates({}));
  CHECK_FALSE(methods_enable_updates({"Reboot"}));  // unknown strings do nothing
}

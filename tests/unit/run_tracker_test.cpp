// RunTracker::step, the deciding half of `run`: literal snapshots in, actions and events out.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "cluster/placement_interner.hpp"
#include "decide/launcher_pod.hpp"
#include "decide/plan.hpp"
#include "update/run_identity.hpp"
#include "update/run_rules.hpp"
#include "update/run_tracker.hpp"
#include "run_fixture.hpp"

using namespace wu::update;
using namespace std::chrono_literals;
using wu::cluster::LauncherPod;
using wu::cluster::Snapshot;
using wu::cluster::Timestamp;
using wu::cluster::Vm;
using wu::cluster::Vmi;
using wu::cluster::Vmim;
using wu::kube::EvictionOutcome;
using wu::kube::EvictionResult;

namespace {

using namespace run_fixture;
const std::string kRun = "a1b2c3d4e5";

LauncherPod& pod_of(Snapshot& s, const std::string& vmi) {
  for (auto& p : s.pods)
    if (p.vmi_name == vmi) return p;
  FAIL("no pod for " << vmi);
  throw 0;
}

void remove_vmi(Snapshot& s, const std::string& name) {
  std::erase_if(s.vmis, [&](const Vmi& v) { return v.name == name; });
  std::erase_if(s.pods, [&](const LauncherPod& p) { return p.vmi_name == name; });
}

// The VMI now runs the current launcher image (after a migration or a restart).
void update_vmi(Snapshot& s, const std::string& name) { vmi_of(s, name).launcher_image = kNew; }

// run_id "" = created by someone else (KubeVirt, another tool): no labels.
Vmim vmim(const std::string& name, const std::string& vmi, const std::string& phase, const std::string& run_id,
          Timestamp created = kWall) {
  Vmim m;
  m.namespace_ = "ns";
  m.name = name;
  m.uid = "vmim-uid-" + name;
  m.vmi_name = vmi;
  m.phase = phase;
  m.created = created;
  if (!run_id.empty()) m.labels = {{kManagedByLabel, kManagedByValue}, {kRunLabel, run_id}};
  return m;
}

void put_vmim(Snapshot& s, Vmim m) {
  for (auto& existing : s.vmims)
    if (existing.name == m.name && existing.namespace_ == m.namespace_) {
      existing = std::move(m);
      return;
    }
  s.vmims.push_back(std::move(m));
}

RunOptions options(std::vector<std::string> methods) {
  RunOptions o;
  o.config.methods = std::move(methods);
  o.config.batch_eviction_size = 10;
  o.config.batch_eviction_interval_ns = 60LL * 1000 * 1000 * 1000;
  o.config.parallel_migrations_per_cluster = 5;
  o.config.parallel_outbound_migrations_per_node = 2;
  o.max_parallel = 5;
  o.max_attempts = 3;
  o.retry_backoff = 20s;
  o.restart_timeout = 600s;
  return o;
}

EvictionPacer pacer_for(const RunOptions& o) {
  return EvictionPacer{o.config.batch_eviction_size, o.config.batch_eviction_interval_ns / 1000000000LL, std::nullopt};
}

// One run: the tracker, a steady clock starting at t0 and the wall clock starting at kWall, in step.
struct Run {
  RunOptions opts;
  RunTracker tracker;
  SteadyClock::time_point t0 = SteadyClock::now();

  explicit Run(RunOptions o, const std::string& run_id = kRun) : opts(o), tracker(o, run_id, pacer_for(o)) {}

  SteadyClock::time_point at(std::chrono::seconds s) const { return t0 + s; }

  Step step(const Snapshot& s, std::chrono::seconds at_s, bool stopping = false) {
    const wu::decide::Plan plan = wu::decide::make_plan(s, opts.config);
    return tracker.step(StepInput{s, plan, t0 + at_s, kWall + at_s.count(), stopping});
  }

  const VmiProgress& p(const std::string& name) const {
    auto it = tracker.progress().find("ns/" + name);
    REQUIRE_MESSAGE(it != tracker.progress().end(), "not followed: ns/" << name);
    return it->second;
  }
  std::string state(const std::string& name) const { return state_name(p(name).state); }

  void created(const Step& st, const std::string& vmi, const std::string& vmim_name) {
    for (const auto& a : st.migrate)
      if (a.vmi == vmi) return tracker.migration_created(a, vmim_name);
    FAIL("no migration action for " << vmi);
  }

  RunEvent answered(const Step& st, const std::string& vmi, EvictionResult r, int http, const std::string& message,
                    std::chrono::seconds at_s) {
    for (const auto& a : st.evict)
      if (a.vmi == vmi) {
        EvictionOutcome o;
        o.result = r;
        o.http_code = http;
        o.message = message;
        return tracker.eviction_answered(a, o, t0 + at_s);
      }
    FAIL("no eviction action for " << vmi);
    return {};
  }
};

std::string migrated(const Step& st) {
  std::string out;
  for (const auto& a : st.migrate) out += (out.empty() ? "" : ",") + a.vmi;
  return out;
}

std::string evicted(const Step& st) {
  std::string out;
  for (const auto& a : st.evict) out += (out.empty() ? "" : ",") + a.vmi;
  return out;
}

std::vector<RunEvent> events(const Step& st, EventType t, const std::string& vmi = "") {
  std::vector<RunEvent> out;
  for (const auto& e : st.events)
    if (e.type == t && (vmi.empty() || e.vmi == vmi)) out.push_back(e);
  return out;
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_SUITE("run_tracker") {

TEST_CASE("migrations start in plan order while unfinished VMIMs of every creator stay below max-parallel") {
  Snapshot s = cluster();
  add_vmi(s, "a", "node-1");
  add_vmi(s, "b", "node-2");
  add_vmi(s, "c", "node-3");
  add_vmi(s, "d", "node-4");
  add_vmi(s, "z", "node-5");
  update_vmi(s, "z");                                          // up to date: never part of the run
  put_vmim(s, vmim("kubevirt-evacuation-z", "z", "Running", ""));  // someone else's, unfinished: counts
  put_vmim(s, vmim("old-c", "c", "Failed", ""));                // someone else's, finished: does not count
  RunOptions o = options({"LiveMigrate"});
  o.max_parallel = 3;
  Run run(o);

  Step s1 = run.step(s, 0s);
  CHECK(migrated(s1) == "a,b");
  REQUIRE(s1.migrate.size() == 2);
  CHECK(s1.migrate[0].namespace_ == "ns");
  CHECK(s1.migrate[0].vmi_uid == "uid-a");
  CHECK(s1.migrate[0].attempt == 1);
  CHECK(s1.evict.empty());
  CHECK_FALSE(s1.done);
  CHECK(run.state("c") == "Waiting");
  CHECK(run.p("a").action == "LiveMigrate");
  CHECK(run.tracker.tracks("ns/a"));
  CHECK_FALSE(run.tracker.tracks("ns/z"));
  run.created(s1, "a", "workload-update-aaaaa");
  run.created(s1, "b", "workload-update-bbbbb");

  // The watch has not shown the new VMIMs yet: they still count, and are not created again.
  Step s2 = run.step(s, 1s);
  CHECK(migrated(s2) == "");
  CHECK(run.state("a") == "Migrating");
  CHECK(run.state("b") == "Migrating");
  CHECK(run.state("d") == "Waiting");
  CHECK_FALSE(s2.done);

  // Someone else's migration ends: one slot frees, for the next VMI in plan order.
  put_vmim(s, vmim("kubevirt-evacuation-z", "z", "Succeeded", ""));
  put_vmim(s, vmim("workload-update-aaaaa", "a", "Running", kRun));
  Step s3 = run.step(s, 2s);
  CHECK(migrated(s3) == "c");
  CHECK(run.state("a") == "Migrating");
}

TEST_CASE("migrations respect the outbound limit per source node, counting other creators' migrations") {
  Snapshot s = cluster();
  add_vmi(s, "a", "node-1");
  add_vmi(s, "b", "node-1");
  add_vmi(s, "c", "node-1");
  add_vmi(s, "d", "node-2");
  Vmim other = vmim("someone-x", "x", "Running", "");  // a VMI outside the scope, migrating off node-1
  other.source_node = "node-1";
  put_vmim(s, other);
  RunOptions o = options({"LiveMigrate"});
  o.max_parallel = 10;
  o.config.parallel_outbound_migrations_per_node = 2;
  Run run(o);

  Step s1 = run.step(s, 0s);
  CHECK(migrated(s1) == "a,d");  // node-1 has room for one more; d is on another node
  run.created(s1, "a", "workload-update-a1");
  run.created(s1, "d", "workload-update-d1");

  Step s2 = run.step(s, 1s);
  CHECK(migrated(s2) == "");

  other.phase = "Succeeded";
  put_vmim(s, other);
  Step s3 = run.step(s, 2s);
  CHECK(migrated(s3) == "b");
}

TEST_CASE("a migration is followed until it succeeds and the VMI runs the current image: Migrated, done") {
  Snapshot s = cluster();
  add_vmi(s, "a");
  Run run(options({"LiveMigrate"}));

  Step s1 = run.step(s, 0s);
  REQUIRE(migrated(s1) == "a");
  run.created(s1, "a", "workload-update-x7k2p");
  CHECK(run.tracker.unfinished_migrations() ==
        std::vector<std::pair<std::string, std::string>>{{"ns", "workload-update-x7k2p"}});

  Step s2 = run.step(s, 1s);
  CHECK(migrated(s2) == "");
  CHECK_FALSE(s2.done);

  put_vmim(s, vmim("workload-update-x7k2p", "a", "Running", kRun));
  Step s3 = run.step(s, 5s);
  CHECK(migrated(s3) == "");
  CHECK(run.state("a") == "Migrating");
  CHECK_FALSE(s3.done);

  // The VMIM ends before the VMI's own update arrives: no second migration meanwhile.
  put_vmim(s, vmim("workload-update-x7k2p", "a", "Succeeded", kRun));
  Step s4 = run.step(s, 6s);
  CHECK(migrated(s4) == "");
  REQUIRE(events(s4, EventType::MigrationSucceeded, "a").size() == 1);
  CHECK(events(s4, EventType::MigrationSucceeded, "a")[0].migration == "workload-update-x7k2p");
  CHECK_FALSE(s4.done);
  CHECK(run.tracker.unfinished_migrations().empty());

  update_vmi(s, "a");
  vmi_of(s, "a").node = "node-2";
  Step s5 = run.step(s, 7s);
  CHECK(events(s5, EventType::MigrationSucceeded).empty());  // reported once
  const auto updated = events(s5, EventType::VmiUpdated, "a");
  REQUIRE(updated.size() == 1);
  CHECK(updated[0].namespace_ == "ns");
  CHECK(updated[0].reason == "Migrated");
  CHECK(run.state("a") == "Updated");
  CHECK(s5.done);
  CHECK(migrated(s5) == "");

  Step s6 = run.step(s, 8s);
  CHECK(events(s6, EventType::VmiUpdated).empty());
  CHECK(s6.done);
}

TEST_CASE("a failed migration is reported, retried after a doubling backoff, and Stuck after max-attempts") {
  Snapshot s = cluster();
  add_vmi(s, "a");
  Run run(options({"LiveMigrate"}));  // 3 attempts, backoff 20s

  Step s1 = run.step(s, 0s);
  REQUIRE(migrated(s1) == "a");
  run.created(s1, "a", "wu-1");

  Vmim m1 = vmim("wu-1", "a", "Failed", kRun, kWall);
  m1.failure_reason = "reason one";
  put_vmim(s, m1);
  Step s2 = run.step(s, 5s);
  const auto failed = events(s2, EventType::MigrationFailed, "a");
  REQUIRE(failed.size() == 1);
  CHECK(failed[0].migration == "wu-1");
  CHECK(failed[0].attempt == 1);
  CHECK(failed[0].reason == "MigrationFailed");
  CHECK(has(failed[0].message, "reason one"));
  CHECK(migrated(s2) == "");
  CHECK(run.state("a") == "Waiting");
  REQUIRE(s2.wake_at);
  CHECK(*s2.wake_at == run.at(25s));  // 5s + backoff 20s
  CHECK_FALSE(s2.done);

  CHECK(migrated(run.step(s, 24s)) == "");
  Step s4 = run.step(s, 26s);
  REQUIRE(migrated(s4) == "a");
  CHECK(s4.migrate[0].attempt == 2);
  run.created(s4, "a", "wu-2");

  Vmim m2 = vmim("wu-2", "a", "Failed", kRun, kWall + 26);
  m2.failure_reason = "reason two";
  put_vmim(s, m2);
  Step s5 = run.step(s, 30s);
  REQUIRE(events(s5, EventType::MigrationFailed, "a").size() == 1);
  CHECK(events(s5, EventType::MigrationFailed, "a")[0].attempt == 2);
  REQUIRE(s5.wake_at);
  CHECK(*s5.wake_at == run.at(70s));  // the backoff doubled: 30s + 40s

  CHECK(migrated(run.step(s, 69s)) == "");
  Step s7 = run.step(s, 71s);
  REQUIRE(migrated(s7) == "a");
  CHECK(s7.migrate[0].attempt == 3);
  run.created(s7, "a", "wu-3");

  Vmim m3 = vmim("wu-3", "a", "Failed", kRun, kWall + 71);
  m3.failure_reason = "reason three";
  put_vmim(s, m3);
  Step s8 = run.step(s, 75s);
  CHECK(events(s8, EventType::MigrationFailed, "a").size() == 1);
  CHECK(migrated(s8) == "");
  // No attempt is left, so there is nothing to back off for: Stuck at once, and the run is done.
  CHECK(run.state("a") == "Stuck");

  Step s9 = run.step(s, 200s);
  CHECK(migrated(s9) == "");
  REQUIRE(run.state("a") == "Stuck");
  CHECK(s9.done);
  const auto stuck_events = events(s8, EventType::VmiStuck, "a").size() + events(s9, EventType::VmiStuck, "a").size();
  CHECK(stuck_events == 1);
  const VmiProgress& p = run.p("a");
  CHECK(p.reason == "MigrationFailed");
  CHECK(has(p.message, "wu-1: reason one"));
  CHECK(has(p.message, "wu-2: reason two"));
  CHECK(has(p.message, "wu-3: reason three"));
  REQUIRE(p.failures.size() == 3);
  CHECK(p.failures[0].migration == "wu-1");
  CHECK(p.failures[0].result == "Failed");
  CHECK(p.failures[2].reason == "reason three");
}

TEST_CASE("VMIMs of other runs and other creators are not attempts; a resumed run counts its own") {
  Snapshot s = cluster();
  add_vmi(s, "a");
  Vmim other_run = vmim("workload-update-old", "a", "Failed", "ffffffffff");
  other_run.failure_reason = "other run";
  put_vmim(s, other_run);
  Vmim kubevirt = vmim("kubevirt-workload-update-1", "a", "Failed", "");
  kubevirt.workload_update = true;
  put_vmim(s, kubevirt);
  Vmim half = vmim("look-alike", "a", "Failed", "");
  half.labels = {{kRunLabel, kRun}};  // not managed by this tool
  put_vmim(s, half);

  SUBCASE("a fresh run") {
    Run run(options({"LiveMigrate"}));
    Step s1 = run.step(s, 0s);
    REQUIRE(migrated(s1) == "a");
    CHECK(s1.migrate[0].attempt == 1);
    CHECK(events(s1, EventType::MigrationFailed).empty());
    CHECK(run.p("a").failures.empty());
  }
  SUBCASE("a resumed run (same run id) with two failed attempts") {
    Vmim f1 = vmim("wu-1", "a", "Failed", kRun, kWall - 100);
    f1.failure_reason = "first";
    Vmim f2 = vmim("wu-2", "a", "Failed", kRun, kWall - 50);
    f2.failure_reason = "second";
    put_vmim(s, f2);
    put_vmim(s, f1);
    Run run(options({"LiveMigrate"}));
    Step s1 = run.step(s, 0s);
    const auto failed = events(s1, EventType::MigrationFailed, "a");
    REQUIRE(failed.size() == 2);
    CHECK(failed[0].migration == "wu-1");  // oldest first
    CHECK(failed[1].migration == "wu-2");
    CHECK(migrated(s1) == "");
    Step s2 = run.step(s, 41s);
    REQUIRE(migrated(s2) == "a");
    CHECK(s2.migrate[0].attempt == 3);
  }
}

TEST_CASE("a running migration of this run found on resume is followed, not created again") {
  Snapshot s = cluster();
  add_vmi(s, "a");
  put_vmim(s, vmim("wu-1", "a", "Running", kRun));
  Run run(options({"LiveMigrate"}));
  Step s1 = run.step(s, 0s);
  CHECK(migrated(s1) == "");
  CHECK(run.state("a") == "Migrating");
  CHECK(run.tracker.unfinished_migrations() == std::vector<std::pair<std::string, std::string>>{{"ns", "wu-1"}});
}

TEST_CASE("an unschedulable target pod is reported once and named in the failure") {
  Snapshot s = cluster();
  add_vmi(s, "a", "node-1");
  Run run(options({"LiveMigrate"}));
  Step s1 = run.step(s, 0s);
  run.created(s1, "a", "wu-1");

  put_vmim(s, vmim("wu-1", "a", "Scheduling", kRun));
  LauncherPod target;
  target.namespace_ = "ns";
  target.name = "virt-launcher-a-target";
  target.node = "";
  target.vmi_name = "a";
  target.owner_vmi_uid = "uid-a";
  target.phase = "Pending";
  target.created = kWall + 1;
  target.migration_job_uid = "vmim-uid-wu-1";
  target.unschedulable = true;
  s.pods.push_back(target);
  LauncherPod unrelated = target;  // unschedulable, but the target of some other migration
  unrelated.name = "virt-launcher-a-other";
  unrelated.migration_job_uid = "vmim-uid-someone-else";
  s.pods.push_back(unrelated);

  Step s2 = run.step(s, 2s);
  const auto seen = events(s2, EventType::TargetPodUnschedulable, "a");
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].migration == "wu-1");
  CHECK(seen[0].pod == "virt-launcher-a-target");
  CHECK(seen[0].reason == "Unschedulable");
  CHECK(events(run.step(s, 3s), EventType::TargetPodUnschedulable).empty());

  std::erase_if(s.pods, [](const LauncherPod& p) { return p.name == "virt-launcher-a-target"; });
  Vmim failed = vmim("wu-1", "a", "Failed", kRun);
  failed.failure_reason = "migration target pod was not scheduled in time";
  put_vmim(s, failed);
  Step s4 = run.step(s, 300s);
  const auto f = events(s4, EventType::MigrationFailed, "a");
  REQUIRE(f.size() == 1);
  CHECK(has(f[0].message, "Unschedulable"));
  CHECK(has(f[0].message, "migration target pod was not scheduled in time"));
  REQUIRE(run.p("a").failures.size() == 1);
  CHECK(has(run.p("a").failures[0].reason, "target pod Unschedulable"));
}

TEST_CASE("a target pod that never left Pending is named in the failure (KubeVirt's catch-all timeout)") {
  Snapshot s = cluster();
  add_vmi(s, "a", "node-1");
  add_vmi(s, "b", "node-2");
  Run run(options({"LiveMigrate"}));
  Step s1 = run.step(s, 0s);
  run.created(s1, "a", "wu-a");
  run.created(s1, "b", "wu-b");
  put_vmim(s, vmim("wu-a", "a", "Scheduling", kRun));
  put_vmim(s, vmim("wu-b", "b", "Scheduling", kRun));
  auto target = [&](const std::string& vmi, const std::string& job, const std::string& phase) {
    LauncherPod p;
    p.namespace_ = "ns";
    p.name = "virt-launcher-" + vmi + "-target";
    p.node = "node-3";
    p.vmi_name = vmi;
    p.owner_vmi_uid = "uid-" + vmi;
    p.phase = phase;
    p.created = kWall + 1;
    p.migration_job_uid = job;
    return p;
  };
  s.pods.push_back(target("a", "vmim-uid-wu-a", "Pending"));  // scheduled, never Ready
  s.pods.push_back(target("b", "vmim-uid-wu-b", "Pending"));
  run.step(s, 1s);
  s.pods.back().phase = "Running";  // b's target got going, then the migration failed for another reason
  run.step(s, 2s);

  std::erase_if(s.pods, [](const LauncherPod& p) { return p.name == "virt-launcher-a-target"; });
  Vmim fa = vmim("wu-a", "a", "Failed", kRun);
  fa.failure_reason = "target pod gone";
  put_vmim(s, fa);
  Vmim fb = vmim("wu-b", "b", "Failed", kRun);
  fb.failure_reason = "migration failed";
  put_vmim(s, fb);
  Step s3 = run.step(s, 900s);
  const auto fail_a = events(s3, EventType::MigrationFailed, "a");
  REQUIRE(fail_a.size() == 1);
  CHECK(has(fail_a[0].message, "never left Pending"));
  CHECK(has(fail_a[0].message, "900 s"));
  CHECK(has(fail_a[0].message, "target pod gone"));
  const auto fail_b = events(s3, EventType::MigrationFailed, "b");
  REQUIRE(fail_b.size() == 1);
  CHECK_FALSE(has(fail_b[0].message, "Pending"));
}

TEST_CASE("a refused migration create is an attempt, with backoff, and Stuck after max-attempts") {
  Snapshot s = cluster();
  add_vmi(s, "a");
  RunOptions o = options({"LiveMigrate"});
  o.max_attempts = 2;
  Run run(o);
  Step s1 = run.step(s, 0s);
  REQUIRE(s1.migrate.size() == 1);
  const RunEvent e = run.tracker.migration_not_created(s1.migrate[0], "admission webhook denied", true, run.at(0s));
  CHECK(e.type == EventType::ActionFailed);
  CHECK(e.vmi == "a");
  CHECK(e.reason == "CreateFailed");
  CHECK(e.attempt == 1);
  CHECK(has(e.message, "admission webhook denied"));

  Step s2 = run.step(s, 10s);
  CHECK(migrated(s2) == "");
  REQUIRE(s2.wake_at);
  CHECK(*s2.wake_at == run.at(20s));
  Step s3 = run.step(s, 21s);
  REQUIRE(s3.migrate.size() == 1);
  CHECK(s3.migrate[0].attempt == 2);
  run.tracker.migration_not_created(s3.migrate[0], "admission webhook denied again", true, run.at(21s));

  Step s4 = run.step(s, 62s);  // after the doubled backoff
  CHECK(migrated(s4) == "");
  CHECK(run.state("a") == "Stuck");
  CHECK(run.p("a").reason == "MigrationFailed");
  CHECK(events(s4, EventType::VmiStuck, "a").size() == 1);
  CHECK(s4.done);
}

TEST_CASE("a transient create failure (429, 5xx, no answer) is retried after a backoff without using an attempt") {
  Snapshot s = cluster();
  add_vmi(s, "a");
  RunOptions o = options({"LiveMigrate"});
  o.max_attempts = 1;
  Run run(o);
  Step s1 = run.step(s, 0s);
  REQUIRE(s1.migrate.size() == 1);
  run.tracker.migration_not_created(s1.migrate[0], "Internal error occurred", false, run.at(0s));
  Step s2 = run.step(s, 5s);
  CHECK(migrated(s2) == "");
  CHECK(run.state("a") == "Waiting");
  Step s3 = run.step(s, 21s);
  REQUIRE(s3.migrate.size() == 1);
  CHECK(s3.migrate[0].attempt == 1);
  CHECK(run.p("a").failures.empty());
}

TEST_CASE("the next eviction batch waits the interval counted from the previous batch's start, as KubeVirt's") {
  // sync() in workload-updater.go sets lastDeletionBatch when a batch starts; the next one starts once
  // now is after lastDeletionBatch + batchEvictionInterval, however long the evictions took.
  Snapshot s = cluster();
  add_vmi(s, "a", "node-1", "Always", false);
  add_vmi(s, "b", "node-1", "Always", false);
  RunOptions o = options({"LiveMigrate", "Evict"});
  o.config.batch_eviction_size = 1;
  o.config.batch_eviction_interval_ns = 10LL * 1000 * 1000 * 1000;
  Run run(o);
  Step s1 = run.step(s, 0s);
  REQUIRE(s1.evict.size() == 1);
  CHECK(run.tracker.pacer().last_batch == kWall);
  Step s2 = run.step(s, 10s);
  CHECK(s2.evict.empty());
  Step s3 = run.step(s, 11s);
  REQUIRE(s3.evict.size() == 1);
  CHECK(run.tracker.pacer().last_batch == kWall + 11);
}

TEST_CASE("evictions go in batches when the pacer allows: batch size, interval, pacer.last_batch, wake-up") {
  Snapshot s = cluster();
  add_vmi(s, "a", "node-1", "Always", false);
  add_vmi(s, "b", "node-1", "Always", false);
  add_vmi(s, "c", "node-2", "Always", false);
  RunOptions o = options({"Evict"});
  o.config.batch_eviction_size = 2;
  o.config.batch_eviction_interval_ns = 60LL * 1000 * 1000 * 1000;
  Run run(o);

  Step s1 = run.step(s, 0s);
  CHECK(evicted(s1) == "a,b");
  CHECK(migrated(s1) == "");
  REQUIRE(s1.evict.size() == 2);
  CHECK(s1.evict[0].pod == "virt-launcher-a-abcde");
  CHECK(s1.evict[0].vmi_uid == "uid-a");
  CHECK_FALSE(s1.evict[0].expects_evacuation);
  const auto batch = events(s1, EventType::EvictionBatchStarted);
  REQUIRE(batch.size() == 1);
  REQUIRE(std::holds_alternative<BatchDetails>(batch[0].details));
  CHECK(std::get<BatchDetails>(batch[0].details).size == 2);
  CHECK(std::get<BatchDetails>(batch[0].details).waiting == 3);
  REQUIRE(run.tracker.pacer().last_batch);
  CHECK(*run.tracker.pacer().last_batch == kWall);
  REQUIRE(s1.wake_at);
  CHECK(*s1.wake_at == run.at(61s));  // strictly after last batch + interval
  CHECK(run.p("a").action == "Evict");

  const RunEvent ea = run.answered(s1, "a", EvictionResult::Started, 200, "", 0s);
  CHECK(ea.type == EventType::Evicted);
  CHECK(ea.pod == "virt-launcher-a-abcde");
  CHECK(ea.reason == "Started");
  run.answered(s1, "b", EvictionResult::AlreadyGone, 404, "", 0s);
  pod_of(s, "a").deleting = true;
  CHECK(run.state("a") == "ShuttingDown");

  Step s2 = run.step(s, 30s);  // inside the interval
  CHECK(evicted(s2) == "");
  CHECK(events(s2, EventType::EvictionBatchStarted).empty());
  CHECK(*run.tracker.pacer().last_batch == kWall);
  REQUIRE(s2.wake_at);
  CHECK(*s2.wake_at == run.at(61s));
  CHECK(run.state("a") == "ShuttingDown");
  CHECK(run.state("b") == "ShuttingDown");
  CHECK(run.state("c") == "Waiting");

  Step s3 = run.step(s, 60s);  // KubeVirt's pacing: not at last + interval exactly
  CHECK(evicted(s3) == "");

  Step s4 = run.step(s, 61s);
  CHECK(evicted(s4) == "c");
  CHECK(*run.tracker.pacer().last_batch == kWall + 61);
}

TEST_CASE("a VMI whose launcher pod is already terminating is followed, never evicted again") {
  Snapshot s = cluster();
  add_vmi(s, "a", "node-1", "Manual", false);
  add_vmi(s, "b", "node-1", "Manual", false);
  pod_of(s, "a").deleting = true;
  RunOptions o = options({"LiveMigrate", "Evict"});
  Run run(o);

  Step s1 = run.step(s, 0s);
  CHECK(evicted(s1) == "b");
  CHECK(run.state("a") == "ShuttingDown");

  vmi_of(s, "a").phase = "Succeeded";
  Step s2 = run.step(s, 1s);
  CHECK(evicted(s2) == "");
  CHECK(events(s2, EventType::VmiStaysDown, "a").size() == 1);
  CHECK(run.state("a") == "StaysDown");

  SUBCASE("alone, it uses no batch slot") {
    Snapshot only = cluster();
    add_vmi(only, "a", "node-1", "Manual", false);
    pod_of(only, "a").deleting = true;
    Run alone(o);
    Step st = alone.step(only, 0s);
    CHECK(evicted(st) == "");
    CHECK(events(st, EventType::EvictionBatchStarted).empty());
    CHECK_FALSE(alone.tracker.pacer().last_batch);
  }
}

TEST_CASE("only the VMIs confirmed at the start are evicted; the others are Skipped NotConfirmed") {
  Snapshot s = cluster();
  add_vmi(s, "a", "node-1", "Always", false);
  add_vmi(s, "b", "node-1", "Always", false);
  RunOptions o = options({"Evict"});
  o.confirmed_evictions = std::set<std::string>{"uid-a"};
  Run run(o);

  Step s1 = run.step(s, 0s);
  REQUIRE(evicted(s1) == "a");
  run.answered(s1, "a", EvictionResult::Started, 200, "", 0s);
  const auto skipped = events(s1, EventType::VmiSkipped, "b");
  REQUIRE(skipped.size() == 1);
  CHECK(skipped[0].reason == "NotConfirmed");
  CHECK(run.state("b") == "Skipped");

  Step s2 = run.step(s, 100s);
  CHECK(evicted(s2) == "");
  CHECK(events(s2, EventType::VmiSkipped).empty());  // not repeated

  SUBCASE("a VMI replaced under the same name (new UID) was not confirmed") {
    Snapshot again = cluster();
    add_vmi(again, "a", "node-1", "Always", false);
    vmi_of(again, "a").uid = "uid-a-new";
    pod_of(again, "a").owner_vmi_uid = "uid-a-new";
    Run fresh(o);
    Step st = fresh.step(again, 0s);
    CHECK(evicted(st) == "");
    CHECK(fresh.p("a").reason == "NotConfirmed");
  }
}

TEST_CASE("an eviction the webhook turns into a migration needs no shutdown confirmation") {
  // The confirmation prompt lists Evict decisions only (shutdowns); an EvictionTriggersMigration VMI is
  // live-migrated by KubeVirt and is not in that list, so a confirmed set must not hold it back.
  Snapshot s = cluster();
  add_vmi(s, "a", "node-1", "Always", false);                 // Evict: shut down, confirmed
  add_vmi(s, "m", "node-1", "Always", true, "LiveMigrate");   // eviction triggers a live migration
  RunOptions o = options({"Evict"});
  const wu::decide::Plan plan = wu::decide::make_plan(s, o.config);
  REQUIRE(plan.decisions.size() == 2);
  REQUIRE(plan.decisions[1].reason == wu::decide::Reason::EvictionTriggersMigration);
  std::set<std::string> confirmed;
  for (const auto& d : plan.decisions)
    if (d.action == wu::decide::Action::Evict) confirmed.insert(d.vmi->uid);  // what the prompt confirms
  o.confirmed_evictions = confirmed;
  Run run(o);
  Step s1 = run.step(s, 0s);
  CHECK(evicted(s1) == "a,m");
  CHECK(events(s1, EventType::VmiSkipped, "m").empty());
}

TEST_CASE("an evicted VMI whose VM has runStrategy Manual stays down") {
  Snapshot s = cluster();
  add_vmi(s, "a", "node-1", "Manual", false);
  add_vmi(s, "b", "node-1", "Manual", false);
  Run run(options({"Evict"}));
  Step s1 = run.step(s, 0s);
  REQUIRE(evicted(s1) == "a,b");
  run.answered(s1, "a", EvictionResult::Started, 201, "", 0s);
  run.answered(s1, "b", EvictionResult::Started, 201, "", 0s);

  vmi_of(s, "a").phase = "Succeeded";
  remove_vmi(s, "b");  // b is cleaned up before the watch showed it final
  Step s2 = run.step(s, 5s);
  const auto down = events(s2, EventType::VmiStaysDown, "a");
  REQUIRE(down.size() == 1);
  CHECK(down[0].reason == "StaysDown");
  CHECK(has(down[0].message, "Manual"));
  CHECK(run.state("a") == "StaysDown");
  CHECK(run.state("b") == "StaysDown");
  CHECK(events(s2, EventType::VmiGone).empty());
  CHECK(s2.done);
}

TEST_CASE("an evicted runStrategy Always VMI is followed until a new VMI runs the current image") {
  Snapshot s = cluster();
  add_vmi(s, "a", "node-1", "Always", false);
  Run run(options({"Evict"}));
  Step s1 = run.step(s, 0s);
  REQUIRE(evicted(s1) == "a");
  run.answered(s1, "a", EvictionResult::Started, 200, "", 0s);

  vmi_of(s, "a").phase = "Succeeded";
  Step s2 = run.step(s, 5s);
  CHECK(run.state("a") == "Restarting");
  CHECK_FALSE(s2.done);
  REQUIRE(s2.wake_at);
  CHECK(*s2.wake_at == run.at(605s));  // restart timeout
  CHECK(s2.events.empty());

  remove_vmi(s, "a");
  Step s3 = run.step(s, 6s);
  CHECK(run.state("a") == "Restarting");
  CHECK_FALSE(s3.done);

  add_vmi(s, "a", "node-2", "", false);  // the VM (still there) starts a new VMI on the current image
  vmi_of(s, "a").uid = "uid-a-2";
  vmi_of(s, "a").owner_vm = "a";
  pod_of(s, "a").owner_vmi_uid = "uid-a-2";
  update_vmi(s, "a");
  Step s4 = run.step(s, 30s);
  const auto back = events(s4, EventType::VmiRestarted, "a");
  REQUIRE(back.size() == 1);
  CHECK(run.state("a") == "Updated");
  CHECK(evicted(s4) == "");
  CHECK(s4.done);
}

TEST_CASE("an evicted runStrategy Always VMI not back within the restart timeout is Stuck NotRestarted") {
  Snapshot s = cluster();
  add_vmi(s, "a", "node-1", "Always", false);
  RunOptions o = options({"Evict"});
  o.restart_timeout = 60s;
  Run run(o);
  Step s1 = run.step(s, 0s);
  run.answered(s1, "a", EvictionResult::Started, 200, "", 0s);
  vmi_of(s, "a").phase = "Succeeded";
  CHECK_FALSE(run.step(s, 1s).done);
  CHECK_FALSE(run.step(s, 61s).done);
  CHECK(run.state("a") == "Restarting");
  Step s3 = run.step(s, 62s);
  CHECK(run.state("a") == "Stuck");
  CHECK(run.p("a").reason == "NotRestarted");
  const auto stuck = events(s3, EventType::VmiStuck, "a");
  REQUIRE(stuck.size() == 1);
  CHECK(stuck[0].reason == "NotRestarted");
  CHECK(s3.done);
}

TEST_CASE("a refused eviction (429 PDB) is retried in a later batch and Stuck EvictionRefused after max-attempts") {
  Snapshot s = cluster();
  add_vmi(s, "a", "node-1", "Always", false);
  RunOptions o = options({"Evict"});
  o.config.batch_eviction_interval_ns = 10LL * 1000 * 1000 * 1000;
  o.max_attempts = 2;
  Run run(o);
  const std::string pdb = "Cannot evict pod as it would violate the pod's disruption budget.";

  Step s1 = run.step(s, 0s);
  REQUIRE(evicted(s1) == "a");
  const RunEvent r1 = run.answered(s1, "a", EvictionResult::BlockedByPdb, 429, pdb, 0s);
  CHECK(r1.type == EventType::EvictionRefused);
  CHECK(r1.attempt == 1);
  CHECK(r1.reason == "BlockedByPdb");
  CHECK(r1.message == pdb);
  CHECK(r1.pod == "virt-launcher-a-abcde");
  CHECK(run.state("a") == "Waiting");

  Step s2 = run.step(s, 15s);  // the pacer would allow a batch, the backoff does not
  CHECK(evicted(s2) == "");
  REQUIRE(s2.wake_at);
  CHECK(*s2.wake_at == run.at(20s));

  Step s3 = run.step(s, 21s);
  REQUIRE(evicted(s3) == "a");
  CHECK(*run.tracker.pacer().last_batch == kWall + 21);
  const RunEvent r2 = run.answered(s3, "a", EvictionResult::BlockedByPdb, 429, pdb, 21s);
  CHECK(r2.attempt == 2);
  CHECK(*run.tracker.pacer().last_batch == kWall + 21);  // the slot stays used

  Step s4 = run.step(s, 22s);
  CHECK(evicted(s4) == "");
  // No attempt is left, so there is nothing to back off for: Stuck at once, and the run is done.
  CHECK(run.state("a") == "Stuck");

  Step s5 = run.step(s, 100s);
  CHECK(evicted(s5) == "");
  REQUIRE(run.state("a") == "Stuck");
  CHECK(run.p("a").reason == "EvictionRefused");
  CHECK(has(run.p("a").message, pdb));
  CHECK(run.p("a").failures.size() == 2);
  CHECK(events(s4, EventType::VmiStuck, "a").size() + events(s5, EventType::VmiStuck, "a").size() == 1);
  CHECK(s5.done);
}

TEST_CASE("an eviction answered with an evacuation (429) is followed as Evacuating until KubeVirt migrates it") {
  Snapshot s = cluster();
  add_vmi(s, "m", "node-1", "Always", true, "LiveMigrate");
  add_vmi(s, "n", "node-1", "Always", true, "LiveMigrate");
  Run run(options({"Evict"}));

  Step s1 = run.step(s, 0s);
  REQUIRE(evicted(s1) == "m,n");
  CHECK(s1.evict[0].expects_evacuation);
  CHECK(run.p("m").action == "Evict");
  const RunEvent e = run.answered(s1, "m", EvictionResult::EvacuationTriggered, 429,
                                  "Eviction triggered evacuation of VMI \"ns/m\"", 0s);
  CHECK(e.type == EventType::EvacuationStarted);
  CHECK(run.state("m") == "Evacuating");
  const RunEvent e2 = run.answered(s1, "n", EvictionResult::EvacuationInProgress, 429,
                                   "Evacuation in progress: Eviction triggered evacuation of VMI", 0s);
  CHECK(e2.type == EventType::EvacuationStarted);
  CHECK(run.state("n") == "Evacuating");

  vmi_of(s, "m").evacuation_node = "node-1";
  vmi_of(s, "n").evacuation_node = "node-1";
  Step s2 = run.step(s, 100s);
  CHECK(evicted(s2) == "");
  CHECK(run.state("m") == "Evacuating");
  CHECK_FALSE(s2.done);

  Vmim evac = vmim("kubevirt-evacuation-m", "m", "Running", "");
  evac.evacuation = true;
  put_vmim(s, evac);
  Step s3 = run.step(s, 200s);
  CHECK(evicted(s3) == "");
  CHECK(migrated(s3) == "");
  CHECK(run.state("m") == "Evacuating");
  CHECK(events(s3, EventType::VmiSkipped).empty());
  CHECK_FALSE(s3.done);

  evac.phase = "Succeeded";
  put_vmim(s, evac);
  for (const char* name : {"m", "n"}) {
    update_vmi(s, name);
    vmi_of(s, name).evacuation_node = "";
    vmi_of(s, name).node = "node-2";
  }
  Step s4 = run.step(s, 300s);
  const auto updated = events(s4, EventType::VmiUpdated, "m");
  REQUIRE(updated.size() == 1);
  CHECK(updated[0].reason == "Evacuated");  // our eviction, KubeVirt's migration
  CHECK(run.state("n") == "Updated");
  CHECK(run.p("n").reason == "Evacuated");
  CHECK(s4.done);
}

TEST_CASE("an eviction request that got no answer is not an attempt and is retried in the next batch") {
  Snapshot s = cluster();
  add_vmi(s, "a", "node-1", "Always", false);
  RunOptions o = options({"Evict"});
  o.config.batch_eviction_interval_ns = 10LL * 1000 * 1000 * 1000;
  Run run(o);
  Step s1 = run.step(s, 0s);
  REQUIRE(s1.evict.size() == 1);
  const RunEvent e = run.tracker.eviction_not_sent(s1.evict[0], "connection reset");
  CHECK(e.type == EventType::ActionFailed);
  CHECK(e.reason == "EvictionNotSent");
  CHECK(has(e.message, "connection reset"));
  CHECK(run.p("a").refused_evictions == 0);
  CHECK(evicted(run.step(s, 5s)) == "");
  CHECK(evicted(run.step(s, 11s)) == "a");
}

TEST_CASE("stopping starts nothing new and the run is not done") {
  Snapshot s = cluster();
  add_vmi(s, "a", "node-1", "Always", true);
  add_vmi(s, "b", "node-1", "Always", false);
  Run run(options({"LiveMigrate", "Evict"}));
  Step st = run.step(s, 0s, true);
  CHECK(st.migrate.empty());
  CHECK(st.evict.empty());
  CHECK_FALSE(st.done);
  CHECK(events(st, EventType::EvictionBatchStarted).empty());
  CHECK_FALSE(run.tracker.pacer().last_batch);

  Snapshot settled = cluster();
  add_vmi(settled, "c");
  update_vmi(settled, "c");
  Run idle(options({"LiveMigrate"}));
  CHECK_FALSE(idle.step(settled, 0s, true).done);
  CHECK(idle.step(settled, 1s).done);  // nothing outdated: done at once when not stopping
}

TEST_CASE("a Skip decision is reported with the decision's reason and message") {
  Snapshot s = cluster();
  add_vmi(s, "a", "node-1", "Always", false, "LiveMigrate");  // evictionStrategy LiveMigrate, not migratable
  RunOptions o = options({"LiveMigrate", "Evict"});
  Run run(o);
  const wu::decide::Plan plan = wu::decide::make_plan(s, o.config);
  REQUIRE(plan.decisions.size() == 1);
  REQUIRE(plan.decisions[0].reason == wu::decide::Reason::EvictionBlocked);

  Step s1 = run.step(s, 0s);
  const auto skipped = events(s1, EventType::VmiSkipped, "a");
  REQUIRE(skipped.size() == 1);
  CHECK(skipped[0].reason == "EvictionBlocked");
  CHECK(skipped[0].message == plan.decisions[0].message);
  CHECK(run.state("a") == "Skipped");
  CHECK(s1.migrate.empty());
  CHECK(s1.evict.empty());
  CHECK(s1.done);
  CHECK(events(run.step(s, 1s), EventType::VmiSkipped).empty());
}

TEST_CASE("a VMI deleted during the run is reported VmiGone; one being migrated waits for its VMIM first") {
  Snapshot s = cluster();
  add_vmi(s, "a", "node-1");
  add_vmi(s, "b", "node-2");
  RunOptions o = options({"LiveMigrate"});
  o.max_parallel = 1;
  Run run(o);
  Step s1 = run.step(s, 0s);
  REQUIRE(migrated(s1) == "a");
  run.created(s1, "a", "wu-a");
  put_vmim(s, vmim("wu-a", "a", "Running", kRun));
  Step s2 = run.step(s, 1s);
  CHECK(run.state("b") == "Waiting");

  remove_vmi(s, "b");
  Step s3 = run.step(s, 2s);
  const auto gone = events(s3, EventType::VmiGone, "b");
  REQUIRE(gone.size() == 1);
  CHECK(gone[0].reason == "Deleted");
  CHECK(run.state("b") == "Gone");
  CHECK_FALSE(s3.done);

  remove_vmi(s, "a");  // KubeVirt fails and removes its migration next
  Step s4 = run.step(s, 3s);
  CHECK(events(s4, EventType::VmiGone, "a").empty());
  CHECK_FALSE(s4.done);
  std::erase_if(s.vmims, [](const Vmim& m) { return m.name == "wu-a"; });
  Step s5 = run.step(s, 4s);
  CHECK(events(s5, EventType::VmiGone, "a").size() == 1);
  CHECK(run.state("a") == "Gone");
  CHECK(s5.done);
}

TEST_CASE("MigrationInProgress waits for someone else's VMIM; without any VMIM it is Skipped after a grace") {
  Snapshot s = cluster();
  add_vmi(s, "a", "node-1");
  add_vmi(s, "b", "node-2");
  put_vmim(s, vmim("someone-a", "a", "Running", ""));
  vmi_of(s, "b").migration_start = kWall - 30;  // a stale migrationState, no VMIM at all
  Run run(options({"LiveMigrate"}));

  Step s1 = run.step(s, 0s);
  CHECK(migrated(s1) == "");
  CHECK(run.state("a") == "Evacuating");
  CHECK_FALSE(is_settled(run.p("a").state));
  CHECK(events(s1, EventType::VmiSkipped, "a").empty());
  // A VMI's update can lag its VMIM's: "migrating with no VMIM" is waited out for a moment first.
  CHECK(events(s1, EventType::VmiSkipped, "b").empty());
  CHECK_FALSE(is_settled(run.p("b").state));
  REQUIRE(s1.wake_at);
  CHECK_FALSE(s1.done);

  put_vmim(s, vmim("someone-a", "a", "Succeeded", ""));
  update_vmi(s, "a");
  Step s2 = run.step(s, 10s);
  const auto up = events(s2, EventType::VmiUpdated, "a");
  REQUIRE(up.size() == 1);
  CHECK(up[0].reason == "UpdatedElsewhere");
  CHECK_FALSE(s2.done);  // b is still within its grace

  Step s3 = run.step(s, 16s);
  const auto skipped = events(s3, EventType::VmiSkipped, "b");
  REQUIRE(skipped.size() == 1);
  CHECK(skipped[0].reason == "MigrationInProgress");
  CHECK(s3.done);
}

TEST_CASE("current_vmi_pod is CurrentVMIPod: the newest pod the VMI's UID controls on its node") {
  Snapshot s = cluster();
  add_vmi(s, "a", "node-1");
  LauncherPod older = pod_of(s, "a");
  LauncherPod newer = older;
  newer.name = "virt-launcher-a-newer";
  newer.created = kWall - 60;
  LauncherPod elsewhere = older;  // a migration target on another node, newest of all
  elsewhere.name = "virt-launcher-a-target";
  elsewhere.node = "node-2";
  elsewhere.created = kWall;
  LauncherPod foreign = older;  // same name annotation, another VMI (an earlier incarnation) controls it
  foreign.name = "virt-launcher-a-foreign";
  foreign.owner_vmi_uid = "uid-someone-else";
  foreign.created = kWall;
  LauncherPod other_ns = newer;
  other_ns.namespace_ = "other";
  other_ns.name = "virt-launcher-a-other-ns";
  other_ns.created = kWall;
  LauncherPod uncontrolled = newer;  // the kubevirt.io/domain annotation alone does not make it the VMI's
  uncontrolled.name = "virt-launcher-a-uncontrolled";
  uncontrolled.owner_vmi_uid.clear();
  uncontrolled.created = kWall;
  s.pods = {older, newer, elsewhere, foreign, other_ns, uncontrolled};

  const LauncherPod* p = wu::decide::current_vmi_pod(s.pods, vmi_of(s, "a"));
  REQUIRE(p != nullptr);
  CHECK(p->name == "virt-launcher-a-newer");
  const auto index = wu::decide::pods_by_owner(s.pods);
  CHECK(wu::decide::current_vmi_pod(index, vmi_of(s, "a")) == p);

  Vmi unscheduled = vmi_of(s, "a");  // no node yet: the newest pod on any node
  unscheduled.node.clear();
  CHECK(wu::decide::current_vmi_pod(s.pods, unscheduled)->name == "virt-launcher-a-target");

  Vmi stranger = vmi_of(s, "a");
  stranger.name = "nobody";
  stranger.uid = "uid-nobody";
  CHECK(wu::decide::current_vmi_pod(s.pods, stranger) == nullptr);
}

TEST_CASE("state names and which states are settled") {
  CHECK(std::string(state_name(VmiState::ShuttingDown)) == "ShuttingDown");
  CHECK(std::string(state_name(VmiState::StaysDown)) == "StaysDown");
  for (VmiState st : {VmiState::Updated, VmiState::StaysDown, VmiState::Stuck, VmiState::Skipped, VmiState::Gone})
    CHECK(is_settled(st));
  for (VmiState st : {VmiState::Waiting, VmiState::Migrating, VmiState::Evacuating, VmiState::ShuttingDown,
                      VmiState::Restarting})
    CHECK_FALSE(is_settled(st));
}

TEST_CASE("KubeVirt not Deployed or rolling out pauses the run: Paused with the reason, nothing starts, Resumed") {
  Snapshot s = cluster();
  add_vmi(s, "a");
  add_vmi(s, "b", "node-1", "Always", false);
  Run run(options({"LiveMigrate", "Evict"}));
  s.kubevirts[0].phase = "Deploying";
  Step s1 = run.step(s, 0s);
  CHECK(migrated(s1) == "");
  CHECK(evicted(s1) == "");
  REQUIRE(events(s1, EventType::Paused).size() == 1);
  CHECK(events(s1, EventType::Paused)[0].reason == "KubeVirtNotDeployed");
  CHECK(has(s1.paused, "Deploying"));
  CHECK_FALSE(s1.done);
  Step s2 = run.step(s, 1s);
  CHECK(events(s2, EventType::Paused).empty());  // reported once

  s.kubevirts[0].phase = "Deployed";
  s.kubevirts[0].target_deployment_id = "d2";  // observed d1: still rolling out
  Step s3 = run.step(s, 2s);
  CHECK(migrated(s3) == "");
  REQUIRE(events(s3, EventType::Paused).size() == 1);
  CHECK(has(events(s3, EventType::Paused)[0].message, "observedDeploymentID"));

  s.kubevirts[0].observed_deployment_id = "d2";
  wu::cluster::DaemonSetRollout ds;
  ds.namespace_ = "kubevirt";
  ds.name = "virt-handler";
  ds.generation = ds.observed_generation = 4;
  ds.desired = 3;
  ds.updated = 2;
  ds.available = 3;
  s.virt_handler = ds;
  Step s4 = run.step(s, 3s);
  CHECK(migrated(s4) == "");
  REQUIRE(events(s4, EventType::Paused).size() == 1);
  CHECK(events(s4, EventType::Paused)[0].reason == "VirtHandlerRollingOut");

  s.virt_handler->updated = 3;
  Step s5 = run.step(s, 4s);
  REQUIRE(events(s5, EventType::Resumed).size() == 1);
  CHECK(s5.paused.empty());
  CHECK(migrated(s5) == "a");
  CHECK(evicted(s5) == "b");
}

TEST_CASE("KubeVirt's own updater switched on mid-run pauses it, unless --coexist") {
  Snapshot s = cluster();
  add_vmi(s, "a");
  s.kubevirts[0].update_methods = {"LiveMigrate"};
  Run run(options({"LiveMigrate"}));
  Step s1 = run.step(s, 0s);
  CHECK(migrated(s1) == "");
  REQUIRE(events(s1, EventType::Paused).size() == 1);
  CHECK(events(s1, EventType::Paused)[0].reason == "InClusterUpdaterActive");
  CHECK(has(events(s1, EventType::Paused)[0].message, "--coexist"));

  RunOptions o = options({"LiveMigrate"});
  o.coexist = true;
  Run together(o, "c0ex1st000");
  CHECK(migrated(together.step(s, 0s)) == "a");
}

TEST_CASE("a new launcher image mid-run: LauncherImageChanged, VMIs judged against it, Updated ones redone") {
  Snapshot s = cluster();
  add_vmi(s, "a");
  add_vmi(s, "b");
  Run run(options({"LiveMigrate"}));
  Step s1 = run.step(s, 0s);
  REQUIRE(migrated(s1) == "a,b");
  run.created(s1, "a", "wu-a1");
  run.created(s1, "b", "wu-b1");
  CHECK(s1.migrate[0].target_image == kNew);
  Vmim a1 = vmim("wu-a1", "a", "Succeeded", kRun);
  a1.target_image = kNew;
  put_vmim(s, a1);
  put_vmim(s, vmim("wu-b1", "b", "Running", kRun));
  update_vmi(s, "a");
  run.step(s, 1s);
  Step s2 = run.step(s, 20s);
  CHECK(run.state("a") == "Updated");

  const std::string next = "registry/virt-launcher:v1.9.1";
  s.launcher_image = next;  // a z-stream rollout finished during the window
  Step s3 = run.step(s, 21s);
  const auto changed = events(s3, EventType::LauncherImageChanged);
  REQUIRE(changed.size() == 1);
  CHECK(has(changed[0].message, kNew));
  CHECK(has(changed[0].message, next));
  CHECK(migrated(s3) == "a");  // outdated again against the new image: a second migration, to the new image
  CHECK(s3.migrate[0].target_image == next);
  CHECK_FALSE(s3.done);
}

TEST_CASE("a VMI that this run's successful migration to the current image left outdated is Stuck, not retried") {
  Snapshot s = cluster();
  add_vmi(s, "a");
  Run run(options({"LiveMigrate"}));
  Step s1 = run.step(s, 0s);
  run.created(s1, "a", "wu-a1");
  Vmim done = vmim("wu-a1", "a", "Succeeded", kRun);
  done.target_image = kNew;
  put_vmim(s, done);
  Step s2 = run.step(s, 1s);
  CHECK(migrated(s2) == "");  // the VMI's update may still be on its way
  Step s3 = run.step(s, 30s);  // it still runs the old image
  CHECK(migrated(s3) == "");
  CHECK(run.state("a") == "Stuck");
  CHECK(run.p("a").reason == "MigratedStillOutdated");
  REQUIRE(events(s3, EventType::VmiStuck, "a").size() == 1);
  CHECK(has(events(s3, EventType::VmiStuck, "a")[0].message, kOld));
  CHECK(s3.done);
}

TEST_CASE("other creators' Pending VMIMs do not block the run; its own unfinished ones hold slots") {
  Snapshot s = cluster();
  for (const char* n : {"a", "b", "c"}) add_vmi(s, n, std::string("node-") + n);
  for (int i = 0; i < 5; ++i) put_vmim(s, vmim("evac-" + std::to_string(i), "x" + std::to_string(i), "Pending", ""));
  RunOptions o = options({"LiveMigrate"});
  o.max_parallel = 2;
  Run run(o);
  Step s1 = run.step(s, 0s);
  CHECK(migrated(s1) == "a,b");
  run.created(s1, "a", "wu-a1");
  run.created(s1, "b", "wu-b1");
  put_vmim(s, vmim("wu-a1", "a", "Pending", kRun));  // KubeVirt has not counted it yet: still ours
  Step s2 = run.step(s, 1s);
  CHECK(migrated(s2) == "");
}

TEST_CASE("this run's VMIM Pending without a target pod past --pending-timeout is deleted and counted as failed") {
  Snapshot s = cluster();
  add_vmi(s, "a");
  RunOptions o = options({"LiveMigrate"});
  o.pending_timeout = 600s;
  Run run(o);
  Step s1 = run.step(s, 0s);
  run.created(s1, "a", "wu-a1");
  Vmim pending = vmim("wu-a1", "a", "Pending", kRun);
  pending.conditions = {"migrationRejectedByResourceQuota"};
  put_vmim(s, pending);
  Step s2 = run.step(s, 1s);
  CHECK(s2.delete_migrations.empty());
  Step s3 = run.step(s, 600s);
  CHECK(s3.delete_migrations.empty());
  Step s4 = run.step(s, 602s);
  REQUIRE(s4.delete_migrations.size() == 1);
  CHECK(s4.delete_migrations[0].name == "wu-a1");
  const auto deleted = events(s4, EventType::MigrationDeleted, "a");
  REQUIRE(deleted.size() == 1);
  CHECK(deleted[0].reason == "PendingTimeout");
  CHECK(has(deleted[0].message, "migrationRejectedByResourceQuota"));
  CHECK(run.p("a").attempts() == 1);
  CHECK(migrated(s4) == "");  // backoff first
  // KubeVirt fails the deleted VMIM: not a second failure.
  put_vmim(s, vmim("wu-a1", "a", "Failed", kRun));
  Step s5 = run.step(s, 603s);
  CHECK(events(s5, EventType::MigrationFailed).empty());
  CHECK(run.p("a").attempts() == 1);
  Step s6 = run.step(s, 630s);
  REQUIRE(migrated(s6) == "a");
  CHECK(s6.migrate[0].attempt == 2);
}

TEST_CASE("another creator's VMIM Pending without a target pod past --pending-timeout: stuck, left alone, the run ends") {
  Snapshot s = cluster();
  add_vmi(s, "a");
  add_vmi(s, "b", "node-2");
  Vmim foreign = vmim("admin-move-a", "a", "Pending", "");
  foreign.conditions = {"migrationRejectedByResourceQuota"};
  put_vmim(s, foreign);
  RunOptions o = options({"LiveMigrate"});
  o.pending_timeout = 600s;
  Run run(o);
  Step s1 = run.step(s, 0s);
  CHECK(migrated(s1) == "b");  // the Pending VMIM holds no slot of this run
  run.created(s1, "b", "wu-b1");
  CHECK(run.state("a") == "Evacuating");
  REQUIRE(s1.wake_at);
  CHECK(*s1.wake_at <= run.at(600s));
  put_vmim(s, vmim("wu-b1", "b", "Succeeded", kRun));
  vmi_of(s, "b").launcher_image = kNew;
  Step s2 = run.step(s, 300s);
  CHECK(run.state("a") == "Evacuating");
  CHECK_FALSE(s2.done);
  Step s3 = run.step(s, 601s);
  CHECK(run.state("a") == "Stuck");
  CHECK(run.p("a").reason == "ForeignMigrationPending");
  const auto stuck = events(s3, EventType::VmiStuck, "a");
  REQUIRE(stuck.size() == 1);
  CHECK(has(stuck[0].message, "admin-move-a"));
  CHECK(has(stuck[0].message, "migrationRejectedByResourceQuota"));
  CHECK(s3.delete_migrations.empty());  // not this run's to delete
  CHECK(s3.done);
}

TEST_CASE("another creator's VMIM that gets a target pod is followed, not timed out") {
  Snapshot s = cluster();
  add_vmi(s, "a");
  put_vmim(s, vmim("admin-move-a", "a", "Scheduling", ""));
  RunOptions o = options({"LiveMigrate"});
  o.pending_timeout = 60s;
  Run run(o);
  run.step(s, 0s);
  Step s2 = run.step(s, 120s);
  CHECK(run.state("a") == "Evacuating");
  CHECK_FALSE(s2.done);
}

TEST_CASE("an eviction KubeVirt turns into a migration goes in the eviction batch, as plan predicts") {
  Snapshot s = cluster();
  add_vmi(s, "a", "node-1", "Always", true, "LiveMigrate");
  add_vmi(s, "b", "node-1", "Always", false, "None");
  RunOptions o = options({"Evict"});
  o.config.batch_eviction_size = 1;
  Run run(o);
  const wu::decide::Plan plan = wu::decide::make_plan(s, o.config);
  Step s1 = run.step(s, 0s);
  REQUIRE(s1.evict.size() == 1);
  CHECK(s1.evict[0].vmi == "a");
  CHECK(s1.evict[0].expects_evacuation);
  CHECK(migrated(s1) == "");
  for (const auto& d : plan.decisions)
    if (d.vmi->name == "a") CHECK(d.batch == 1);
    else CHECK(d.batch == 2);
}

TEST_CASE("run rules: the chain's names, in order") {
  std::string names;
  for (const auto& r : run_rule_chain()) names += std::string(r.name) + " ";
  CHECK(names ==
        "Settled FollowEviction MigrationInFlight NoAction MigratingElsewhere DecisionSkip AttemptsUsedUp "
        "BackingOff MigratedStillOutdated NoTargetNode Migrate MarkedForEvacuation PodTerminating NoLauncherPod NotConfirmed Evict ");
  CHECK(std::string(run_reason_name(RunReason::PendingTimeout)) == "PendingTimeout");
  CHECK(std::string(event_name(EventType::LauncherImageChanged)) == "LauncherImageChanged");
}


TEST_CASE("a VMI no node can take is skipped NoTargetNode with no attempt, and migrated once a node fits") {
  Snapshot s = cluster();
  add_vmi(s, "a", "node-1");
  add_vmi(s, "rack", "node-1");
  // "rack" needs a node labelled rack=new; only its own node is.
  auto plain = [] {
    wu::cluster::PodPlacement p;
    p.node_selector = {{"kubevirt.io/schedulable", "true"}};
    return p;
  }();
  auto racked = plain;
  racked.node_selector.emplace_back("rack", "new");
  pod_of(s, "a").placement = wu::cluster::intern_placement(std::move(plain));
  pod_of(s, "rack").placement = wu::cluster::intern_placement(std::move(racked));
  for (const char* name : {"node-1", "node-2"}) {
    wu::cluster::Node n;
    n.name = name;
    n.ready = true;
    n.labels = {{"kubevirt.io/schedulable", "true"}, {"kubernetes.io/hostname", name}};
    if (n.name == "node-1") n.labels.emplace_back("rack", "new");
    s.nodes.push_back(n);
  }
  s.nodes_known = s.capacity_known = true;

  SUBCASE("skipped, then a candidate when node-2 is labelled") {
    Run run(options({"LiveMigrate"}));
    Step s1 = run.step(s, 0s);
    CHECK(migrated(s1) == "a");
    CHECK(run.state("rack") == "Skipped");
    CHECK(run.p("rack").reason == "NoTargetNode");
    CHECK(run.p("rack").attempts() == 0);
    const auto skipped = events(s1, EventType::VmiSkipped, "rack");
    REQUIRE(skipped.size() == 1);
    CHECK(has(skipped[0].message, "0/2 nodes can take it: 1 does not match nodeSelector rack=new, 1 is its own node"));
    run.created(s1, "a", "workload-update-aaaaa");

    s.nodes[1].labels.emplace_back("rack", "new");
    Step s2 = run.step(s, 1s);
    CHECK(migrated(s2) == "rack");
    CHECK(run.state("rack") == "Waiting");
  }
  SUBCASE("--try-unschedulable migrates it anyway") {
    RunOptions o = options({"LiveMigrate"});
    o.try_unschedulable = true;
    Run run(o);
    CHECK(migrated(run.step(s, 0s)) == "a,rack");
  }
}

}  // TEST_SUITE

#include <doctest/doctest.h>

#include "decide/eviction_pacer.hpp"
#include "update/migration_object.hpp"
#include "update/run_identity.hpp"

using namespace wu::update;
using wu::decide::EvictionPacer;

TEST_CASE("the migration object follows the rules for external tools") {
  const auto m = migration_for("prod", "db-1", "abc123");
  CHECK(m["kind"] == "VirtualMachineInstanceMigration");
  CHECK(m["metadata"]["generateName"] == "workload-update-");
  CHECK_FALSE(m["metadata"].contains("name"));
  CHECK(m["metadata"]["namespace"] == "prod");
  CHECK(m["metadata"]["labels"][kRunLabel] == "abc123");
  CHECK(m["metadata"]["labels"][kManagedByLabel] == kManagedByValue);
  CHECK(m["spec"]["vmiName"] == "db-1");
  CHECK_FALSE(m["spec"].contains("priority"));  // only virt-controller may set it
}

TEST_CASE("run ids are label-safe and differ") {
  const std::string a = new_run_id(), b = new_run_id();
  CHECK(a.size() == 10);
  CHECK(a.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(a != b);
}

TEST_CASE("this tool's VMIMs are told apart by its labels, and this run's by the run id too") {
  const std::vector<std::pair<std::string, std::string>> mine{{kManagedByLabel, kManagedByValue}, {kRunLabel, "r1"}};
  CHECK(made_by_this_tool(mine));
  CHECK(made_by_run(mine, "r1"));
  CHECK_FALSE(made_by_run(mine, "r2"));
  // The run label alone (someone copying it) is not enough.
  CHECK_FALSE(made_by_run({{kRunLabel, "r1"}}, "r1"));
  CHECK_FALSE(made_by_this_tool({{kManagedByLabel, "someone-else"}}));
}

TEST_CASE("eviction pacing: a batch per interval, strictly after, slot used even when evictions fail") {
  EvictionPacer p{3, 60, std::nullopt};
  CHECK(p.allowed(1000) == 3);  // the first batch goes at once
  p.start_batch(1000);
  CHECK(p.allowed(1030) == 0);
  CHECK(p.allowed(1060) == 0);  // strictly after last + interval
  CHECK(*p.next_batch_at(1030) == 1061);
  CHECK(p.allowed(1061) == 3);
  EvictionPacer none{0, 60, std::nullopt};
  CHECK(none.allowed(1000) == 0);
  CHECK_FALSE(none.next_batch_at(1000));
  EvictionPacer no_wait{2, 0, 1000};
  CHECK(no_wait.allowed(1000) == 2);
}

#include "update/progress_status.hpp"

TEST_CASE("status: creators, the last five attempts, stuck after N finished failures, lease holder") {
  wu::cluster::Snapshot s;
  s.launcher_image = "new";
  wu::cluster::KubeVirtCr kv;
  kv.phase = "Deployed";
  s.kubevirts.push_back(kv);
  wu::cluster::Vmi v;
  v.namespace_ = "ns";
  v.name = "a";
  v.phase = "Running";
  v.launcher_image = "old";
  v.live_migratable = "True";
  s.vmis.push_back(v);
  auto vmim = [&](const std::string& name, const std::string& phase, wu::cluster::Timestamp created) {
    wu::cluster::Vmim m;
    m.namespace_ = "ns";
    m.name = name;
    m.vmi_name = "a";
    m.phase = phase;
    m.created = created;
    m.failure_reason = phase == "Failed" ? "target pod unschedulable" : "";
    return m;
  };
  for (int i = 0; i < 6; ++i) {
    auto m = vmim("kv-" + std::to_string(i), "Failed", 100 + i);
    m.workload_update = true;
    s.vmims.push_back(m);
  }
  auto ours = vmim("ours", "Pending", 200);
  ours.labels = {{kManagedByLabel, kManagedByValue}, {kRunLabel, "r1"}};
  s.vmims.push_back(ours);
  wu::decide::PlanConfig c;
  c.methods = {"LiveMigrate"};
  const auto plan = wu::decide::make_plan(s, c);
  const auto st = make_status(s, plan, 3, nlohmann::json{{"spec", {{"holderIdentity", "alice-r1"}}}});
  CHECK(st.in_flight_this_tool == 1);
  CHECK(st.in_flight_kubevirt == 0);
  REQUIRE(st.vmis_with_attempts.size() == 1);
  const auto& a = st.vmis_with_attempts[0];
  CHECK(a.attempts.size() == 5);
  CHECK(a.attempts[0].name == "ours");             // newest first
  CHECK(a.attempts[0].creator == Creator::ThisTool);
  CHECK(a.attempts[1].creator == Creator::KubeVirt);
  CHECK(a.stuck);                                   // the in-flight retry does not clear it
  CHECK(a.stuck_reason == "the last 3 migrations failed: target pod unschedulable");
  CHECK(*st.lease_holder == "alice-r1");
  const auto relaxed = make_status(s, plan, 5, nlohmann::json());
  CHECK_FALSE(relaxed.vmis_with_attempts[0].stuck);  // only four finished attempts are kept
  CHECK_FALSE(relaxed.lease_holder);
}

#include "update/status_reader.hpp"

TEST_CASE("status --wait: done when nothing in scope is outdated; not done when the run ends with VMIs left") {
  ProgressStatus st;
  st.vmis = 10;
  st.outdated = 0;
  auto v = judge_wait(st, false);
  REQUIRE(v.end);
  CHECK(*v.end == WaitOutcome::Done);
  CHECK(v.why == "no VMI in scope is outdated");

  st.outdated = 3;
  st.stuck = 1;
  st.lease_holder = "alice-r1";
  v = judge_wait(st, true);
  CHECK_FALSE(v.end);  // the run is still at it
  CHECK(v.why == "3 outdated VMI(s); run alice-r1 is updating them");

  st.lease_holder.reset();
  v = judge_wait(st, true);  // it held the Lease during the wait and let it go
  REQUIRE(v.end);
  CHECK(*v.end == WaitOutcome::NotDone);
  CHECK(v.why.find("the run finished with 3 outdated VMI(s) left (1 stuck") == 0);

  v = judge_wait(st, false);  // no run seen: KubeVirt's updater, or a run yet to start, may still act
  CHECK_FALSE(v.end);
  st.updater.active = true;
  st.in_flight_kubevirt = 2;
  CHECK(judge_wait(st, false).why == "3 outdated VMI(s), 2 migrating; KubeVirt's updater is at work");
  CHECK(std::string(wait_outcome_name(WaitOutcome::TimedOut)) == "TimedOut");
  CHECK(std::string(wait_outcome_name(WaitOutcome::Interrupted)) == "Interrupted");
}

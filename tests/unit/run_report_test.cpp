// The end of a run: the report's categories, the exit status scripts rely on, and the -o json report.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

#include "decide/plan.hpp"
#include "update/run_identity.hpp"
#include "render/run_json.hpp"
#include "update/run_report.hpp"
#include "run_fixture.hpp"

using namespace wu::update;
using namespace std::chrono_literals;

namespace {

using namespace run_fixture;
const std::string kRun = "852329be3d";

wu::cluster::Vmim ours(const std::string& name, const std::string& vmi, const std::string& phase) {
  wu::cluster::Vmim m;
  m.namespace_ = "ns";
  m.name = name;
  m.uid = "vmim-uid-" + name;
  m.vmi_name = vmi;
  m.phase = phase;
  m.created = kWall;
  m.labels = {{kManagedByLabel, kManagedByValue}, {kRunLabel, kRun}};
  return m;
}

ReportEntry report_entry(const std::string& name, const std::string& state, const std::string& reason = "") {
  ReportEntry e;
  e.namespace_ = "ns";
  e.name = name;
  e.state = state;
  e.reason = reason;
  return e;
}

std::vector<std::string> names(const std::vector<ReportEntry>& list) {
  std::vector<std::string> out;
  for (const auto& e : list) out.push_back(e.name);
  return out;
}

}  // namespace

TEST_SUITE("run_report") {

TEST_CASE("make_report sorts every followed VMI into updated, stuck, stays down, skipped, gone and unfinished") {
  wu::cluster::Snapshot s = cluster();
  add_vmi(s, "a-updated", "node-1", "Always", true);
  add_vmi(s, "b-skipped", "node-1", "Always", false, "LiveMigrate");  // EvictionBlocked
  add_vmi(s, "c-staysdown", "node-1", "Manual", false);
  add_vmi(s, "d-stuck", "node-2", "Always", true);
  add_vmi(s, "e-gone", "node-3", "Always", true);
  add_vmi(s, "f-unfinished", "node-4", "Always", true);
  add_vmi(s, "g-current", "node-4", "Always", true);
  vmi_of(s, "g-current").launcher_image = kNew;  // never outdated: not part of the run

  RunOptions o;
  o.config.methods = {"LiveMigrate", "Evict"};
  o.max_parallel = 2;
  o.max_attempts = 1;
  o.retry_backoff = 20s;
  RunTracker tracker(o, kRun, EvictionPacer{10, 60, std::nullopt});
  const auto t0 = SteadyClock::now();
  auto step = [&](std::chrono::seconds at) {
    const wu::decide::Plan plan = wu::decide::make_plan(s, o.config);
    return tracker.step(StepInput{s, plan, t0 + at, kWall + at.count(), false});
  };

  Step s1 = step(0s);
  REQUIRE(s1.migrate.size() == 2);  // a-updated, d-stuck (max-parallel 2)
  REQUIRE(s1.evict.size() == 1);    // c-staysdown
  tracker.migration_created(s1.migrate[0], "wu-a");
  tracker.migration_created(s1.migrate[1], "wu-d");
  wu::kube::EvictionOutcome started;
  started.result = wu::kube::EvictionResult::Started;
  started.http_code = 201;
  tracker.eviction_answered(s1.evict[0], started, t0);

  s.vmims.push_back(ours("wu-a", "a-updated", "Succeeded"));
  vmi_of(s, "a-updated").launcher_image = kNew;
  auto failed = ours("wu-d", "d-stuck", "Failed");
  failed.failure_reason = "target node has no room";
  s.vmims.push_back(failed);
  std::erase_if(s.vmis, [](const wu::cluster::Vmi& v) { return v.name == "e-gone"; });
  vmi_of(s, "c-staysdown").phase = "Succeeded";
  Step s2 = step(5s);
  REQUIRE(s2.migrate.size() == 1);  // f-unfinished gets the freed slot
  CHECK(s2.migrate[0].vmi == "f-unfinished");
  tracker.migration_created(s2.migrate[0], "wu-f");
  step(26s);  // past d-stuck's backoff (5s + 20s)

  const RunReport r = make_report(tracker, RunOutcome::Completed, 62000ms);
  CHECK(r.run_id == kRun);
  CHECK(r.outcome == RunOutcome::Completed);
  CHECK_FALSE(r.dry_run);
  CHECK(r.elapsed == 62000ms);
  CHECK(names(r.updated) == std::vector<std::string>{"a-updated"});
  CHECK(names(r.stuck) == std::vector<std::string>{"d-stuck"});
  CHECK(names(r.stays_down) == std::vector<std::string>{"c-staysdown"});
  CHECK(names(r.skipped) == std::vector<std::string>{"b-skipped"});
  CHECK(names(r.gone) == std::vector<std::string>{"e-gone"});
  CHECK(names(r.unfinished) == std::vector<std::string>{"f-unfinished"});

  REQUIRE(r.updated.size() == 1);
  CHECK(r.updated[0].namespace_ == "ns");
  CHECK(r.updated[0].state == "Updated");
  CHECK(r.updated[0].action == "LiveMigrate");
  CHECK(r.updated[0].reason == "Migrated");
  REQUIRE(r.stuck.size() == 1);
  CHECK(r.stuck[0].state == "Stuck");
  CHECK(r.stuck[0].reason == "MigrationFailed");
  REQUIRE(r.stuck[0].failures.size() == 1);
  CHECK(r.stuck[0].failures[0].migration == "wu-d");
  CHECK(r.stuck[0].failures[0].result == "Failed");
  CHECK(r.stuck[0].failures[0].reason == "target node has no room");
  REQUIRE(r.stays_down.size() == 1);
  CHECK(r.stays_down[0].action == "Evict");
  CHECK(r.stays_down[0].reason == "StaysDown");
  REQUIRE(r.skipped.size() == 1);
  CHECK(r.skipped[0].reason == "EvictionBlocked");
  CHECK_FALSE(r.skipped[0].message.empty());
  REQUIRE(r.gone.size() == 1);
  CHECK(r.gone[0].state == "Gone");
  CHECK(r.gone[0].reason == "Deleted");
  REQUIRE(r.unfinished.size() == 1);
  CHECK(r.unfinished[0].state == "Migrating");

  CHECK(exit_code(r) == 1);
  const auto j = wu::render::report_json(r);
  CHECK(j["counts"] == nlohmann::json{{"updated", 1}, {"stuck", 1}, {"staysDown", 1},
                                      {"skipped", 1}, {"gone", 1}, {"unfinished", 1}});
  CHECK(j["stuck"][0]["failedAttempts"] ==
        nlohmann::json::array({{{"migration", "wu-d"}, {"result", "Failed"}, {"reason", "target node has no room"}}}));
}

TEST_CASE("exit status: 0 when everything is updated or stays down as confirmed, 1 otherwise, 130 interrupted") {
  RunReport done;
  done.updated = {report_entry("a", "Updated", "Migrated"), report_entry("b", "Updated", "Restarted")};
  done.stays_down = {report_entry("c", "StaysDown", "StaysDown")};
  CHECK(exit_code(done) == 0);

  RunReport nothing;  // nothing in scope was outdated
  CHECK(exit_code(nothing) == 0);

  RunReport stuck = done;
  stuck.stuck = {report_entry("d", "Stuck", "MigrationFailed")};
  CHECK(exit_code(stuck) == 1);

  RunReport skipped = done;
  skipped.skipped = {report_entry("e", "Skipped", "NotConfirmed")};
  CHECK(exit_code(skipped) == 1);

  RunReport timed_out = done;
  timed_out.outcome = RunOutcome::TimedOut;
  timed_out.unfinished = {report_entry("f", "Migrating")};
  CHECK(exit_code(timed_out) == 1);
  timed_out.unfinished.clear();
  CHECK(exit_code(timed_out) == 0);  // the timeout passed, but nothing was left

  RunReport interrupted = done;
  interrupted.outcome = RunOutcome::Interrupted;
  CHECK(exit_code(interrupted) == 130);
  interrupted.stuck = stuck.stuck;
  CHECK(exit_code(interrupted) == 130);
}

TEST_CASE("exit status of a dry run: 1 only when the server refused an action") {
  RunReport r;
  r.dry_run = true;
  r.dry_run_actions = {report_entry("a", "WouldMigrate", "Accepted"), report_entry("b", "WouldEvict", "Started")};
  r.skipped = {report_entry("c", "Skipped", "EvictionBlocked")};
  CHECK(exit_code(r) == 0);
  r.refused_dry_run_actions = 1;
  CHECK(exit_code(r) == 1);
  r.outcome = RunOutcome::Interrupted;
  CHECK(exit_code(r) == 130);
}

TEST_CASE("the -o json report: kind, result, runId, dryRun, elapsedSeconds, counts and the lists") {
  RunReport r;
  r.outcome = RunOutcome::TimedOut;
  r.run_id = kRun;
  r.elapsed = 10200ms;
  ReportEntry stuck = report_entry("d", "Stuck", "EvictionRefused");
  stuck.action = "Evict";
  stuck.message = "its last 2 evictions were refused";
  stuck.failures = {{"", "BlockedByPdb", "would violate the disruption budget"}, {"", "MultiplePdbs", "HTTP 500"}};
  r.stuck = {stuck};
  r.updated = {report_entry("a", "Updated", "Migrated")};
  r.unfinished = {report_entry("f", "Waiting")};

  const nlohmann::json j = wu::render::report_json(r);
  CHECK(j["kind"] == "WorkloadUpdateRunReport");
  CHECK(j["result"] == "TimedOut");
  CHECK(j["runId"] == kRun);
  CHECK(j["dryRun"] == false);
  CHECK(j["elapsedSeconds"].get<double>() == doctest::Approx(10.2));
  CHECK(j["counts"] == nlohmann::json{{"updated", 1}, {"stuck", 1}, {"staysDown", 0},
                                      {"skipped", 0}, {"gone", 0}, {"unfinished", 1}});
  for (const char* list : {"updated", "stuck", "staysDown", "skipped", "gone", "unfinished"}) {
    INFO(list);
    REQUIRE(j.contains(list));
    CHECK(j[list].is_array());
  }
  CHECK(j["staysDown"].empty());
  CHECK_FALSE(j.contains("actions"));  // dry runs only

  const nlohmann::json e = j["stuck"][0];
  CHECK(e == nlohmann::json{{"namespace", "ns"},
                            {"name", "d"},
                            {"state", "Stuck"},
                            {"action", "Evict"},
                            {"reason", "EvictionRefused"},
                            {"message", "its last 2 evictions were refused"},
                            {"failedAttempts",
                             {{{"migration", ""}, {"result", "BlockedByPdb"}, {"reason", "would violate the disruption budget"}},
                              {{"migration", ""}, {"result", "MultiplePdbs"}, {"reason", "HTTP 500"}}}}});
  CHECK(j["updated"][0]["failedAttempts"] == nlohmann::json::array());

  r.dry_run = true;
  r.dry_run_actions = {report_entry("a", "WouldMigrate", "LiveMigratable")};
  const nlohmann::json dry = wu::render::report_json(r);
  CHECK(dry["dryRun"] == true);
  REQUIRE(dry.contains("actions"));
  REQUIRE(dry["actions"].size() == 1);
  CHECK(dry["actions"][0]["state"] == "WouldMigrate");
}

TEST_CASE("outcome names") {
  CHECK(std::string(outcome_name(RunOutcome::Completed)) == "Completed");
  CHECK(std::string(outcome_name(RunOutcome::Interrupted)) == "Interrupted");
  CHECK(std::string(outcome_name(RunOutcome::TimedOut)) == "TimedOut");
}

}  // TEST_SUITE

// How `run` shows itself: event lines, JSON Lines, the live progress block, the confirmation list and
// the final report; with colour only when asked for.
#include <doctest/doctest.h>

#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "decide/plan.hpp"
#include "render/run_json.hpp"
#include "render/run_output.hpp"

using namespace wu::update;
using wu::render::Colour;

namespace {

const Colour kPlain{false};
const Colour kColour{true};

RunEvent event(EventType t, const std::string& vmi = "", const std::string& migration = "", const std::string& pod = "",
               int attempt = 0, const std::string& reason = "", const std::string& message = "") {
  RunEvent e;
  e.type = t;
  if (!vmi.empty()) e.namespace_ = "ns1";
  e.vmi = vmi;
  e.migration = migration;
  e.pod = pod;
  e.attempt = attempt;
  e.reason = reason;
  e.message = message;
  return e;
}

bool matches(const std::string& text, const std::string& pattern) { return std::regex_match(text, std::regex(pattern)); }

bool has_ansi(const std::string& text) { return text.find('\x1b') != std::string::npos; }

ReportEntry entry(const std::string& name, const std::string& state, const std::string& reason,
                  const std::string& message = "") {
  ReportEntry e;
  e.namespace_ = "ns";
  e.name = name;
  e.state = state;
  e.reason = reason;
  e.message = message;
  return e;
}

RunReport full_report() {
  RunReport r;
  r.run_id = "852329be3d";
  r.elapsed = std::chrono::milliseconds(62000);
  r.updated = {entry("a", "Updated", "Migrated", "live-migrated to a launcher pod with the current image")};
  ReportEntry failed = entry("d", "Stuck", "MigrationFailed", "its last 2 migration attempts failed: ...");
  failed.action = "LiveMigrate";
  failed.failures = {{"workload-update-abcde", "Failed", "target pod Unschedulable; KubeVirt deleted it"},
                     {"", "CreateFailed", "admission webhook denied"}};
  ReportEntry not_back =
      entry("g", "Stuck", "NotRestarted", "evicted; its VM (runStrategy Always) did not start it again in time");
  r.stuck = {failed, not_back};
  r.stays_down = {entry("c", "StaysDown", "StaysDown", "evicted; its VM (runStrategy Manual) does not start it again")};
  r.skipped = {entry("b", "Skipped", "EvictionBlocked", "evictionStrategy LiveMigrate but not live-migratable")};
  r.gone = {entry("e", "Gone", "Deleted", "the VMI was deleted during the run")};
  r.unfinished = {entry("f", "Migrating", "")};
  return r;
}

}  // namespace

TEST_SUITE("run_output") {

TEST_CASE("an event line: time, event, ns/vmi, VMIM, pod, attempt, reason, then the message") {
  const auto created = event(EventType::MigrationCreated, "vm-a", "workload-update-x7k2p", "", 1, "", "live migration started");
  CHECK(matches(wu::render::run_event_line(created, kPlain),
                R"(\d\d:\d\d:\d\d  MigrationCreated  ns1/vm-a  workload-update-x7k2p  attempt 1: live migration started)"));

  const auto refused = event(EventType::EvictionRefused, "vm-b", "", "virt-launcher-vm-b-abcde", 2, "BlockedByPdb",
                             "Cannot evict pod as it would violate the pod's disruption budget.");
  CHECK(matches(wu::render::run_event_line(refused, kPlain),
                R"(\d\d:\d\d:\d\d  EvictionRefused  ns1/vm-b  pod virt-launcher-vm-b-abcde  attempt 2  BlockedByPdb: )"
                R"(Cannot evict pod as it would violate the pod's disruption budget\.)"));

  // A reason that only repeats the event name is not printed twice.
  const auto failed = event(EventType::MigrationFailed, "vm-a", "workload-update-x7k2p", "", 1, "MigrationFailed", "boom");
  CHECK(matches(wu::render::run_event_line(failed, kPlain),
                R"(\d\d:\d\d:\d\d  MigrationFailed  ns1/vm-a  workload-update-x7k2p  attempt 1: boom)"));

  const auto stuck = event(EventType::VmiStuck, "vm-a", "", "", 0, "NotRestarted");
  CHECK(matches(wu::render::run_event_line(stuck, kPlain), R"(\d\d:\d\d:\d\d  VmiStuck  ns1/vm-a  NotRestarted)"));

  // Run-wide events have no VMI.
  auto batch = event(EventType::EvictionBatchStarted, "", "", "", 0, "", "evicting 2 of 3 waiting");
  batch.details = BatchDetails{2, 3};
  CHECK(matches(wu::render::run_event_line(batch, kPlain), R"(\d\d:\d\d:\d\d  EvictionBatchStarted: evicting 2 of 3 waiting)"));

  auto cancelled = event(EventType::MigrationCancelled, "", "workload-update-x7k2p");
  cancelled.namespace_ = "ns1";
  CHECK(matches(wu::render::run_event_line(cancelled, kPlain), R"(\d\d:\d\d:\d\d  MigrationCancelled  ns1  workload-update-x7k2p)"));

  for (const auto& e : {created, refused, failed, stuck, batch, cancelled}) {
    CHECK_FALSE(has_ansi(wu::render::run_event_line(e, kPlain)));
    CHECK(has_ansi(wu::render::run_event_line(e, kColour)));
  }
  CHECK(wu::render::run_event_line(refused, kColour).find("EvictionRefused") != std::string::npos);
}

TEST_CASE("an event as JSON: time and event, the fields that are set, empty ones left out") {
  const auto e = event(EventType::Evicted, "erp-always", "", "virt-launcher-erp-always-00030", 0, "Started",
                       "eviction accepted; the VM is shutting down");
  std::ostringstream out;
  wu::render::write_run_event_json(out, e);
  const std::string line = out.str();
  REQUIRE(!line.empty());
  CHECK(line.back() == '\n');
  CHECK(line.find('\n') == line.size() - 1);  // one line
  CHECK_FALSE(has_ansi(line));
  const auto j = nlohmann::json::parse(line);
  REQUIRE(j.contains("time"));
  CHECK(matches(j["time"].get<std::string>(), R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)"));
  CHECK(j["event"] == "Evicted");
  CHECK(j["namespace"] == "ns1");
  CHECK(j["vmi"] == "erp-always");
  CHECK(j["pod"] == "virt-launcher-erp-always-00030");
  CHECK(j["reason"] == "Started");
  CHECK(j["message"] == "eviction accepted; the VM is shutting down");
  CHECK_FALSE(j.contains("migration"));
  CHECK_FALSE(j.contains("attempt"));
  CHECK_FALSE(j.contains("data"));
  CHECK(j.size() == 7);
  // The documented line starts with the time (man page, JSON Lines example; run_output.hpp).
  CHECK(line.rfind("{\"time\":", 0) == 0);

  RunEvent started;
  started.type = EventType::RunStarted;
  started.message = "run 852329be3d";
  RunStartedDetails details;
  details.run_id = "852329be3d";
  details.max_attempts = 3;
  details.methods = {"LiveMigrate"};
  started.details = details;
  std::ostringstream out2;
  wu::render::write_run_event_json(out2, started);
  const auto j2 = nlohmann::json::parse(out2.str());
  CHECK(j2["event"] == "RunStarted");
  CHECK(j2["data"]["runId"] == "852329be3d");
  CHECK(j2["data"]["maxAttempts"] == 3);
  CHECK(j2["data"]["resumed"] == false);
  CHECK(j2["data"]["methods"] == nlohmann::json::array({"LiveMigrate"}));
  CHECK_FALSE(j2.contains("namespace"));
  CHECK_FALSE(j2.contains("vmi"));
}

TEST_CASE("event_json: attempt only when set, data only for run-wide details") {
  const auto j = wu::render::event_json(event(EventType::MigrationFailed, "a", "workload-update-1", "", 2, "MigrationFailed", "boom"));
  CHECK(j == nlohmann::json{{"event", "MigrationFailed"},
                            {"namespace", "ns1"},
                            {"vmi", "a"},
                            {"migration", "workload-update-1"},
                            {"attempt", 2},
                            {"reason", "MigrationFailed"},
                            {"message", "boom"}});
  CHECK(wu::render::event_json(event(EventType::RunFinished)) == nlohmann::json{{"event", "RunFinished"}});
  RunEvent changed = event(EventType::LauncherImageChanged);
  changed.details = ImageChangeDetails{"virt-launcher:v1.9.0", "virt-launcher:v1.9.1"};
  CHECK(wu::render::event_json(changed)["data"] ==
        nlohmann::json{{"from", "virt-launcher:v1.9.0"}, {"to", "virt-launcher:v1.9.1"}});
}

TEST_CASE("event names are the documented ones") {
  const std::vector<std::pair<EventType, const char*>> names = {
      {EventType::RunStarted, "RunStarted"},
      {EventType::MigrationCreated, "MigrationCreated"},
      {EventType::MigrationSucceeded, "MigrationSucceeded"},
      {EventType::MigrationFailed, "MigrationFailed"},
      {EventType::TargetPodUnschedulable, "TargetPodUnschedulable"},
      {EventType::EvictionBatchStarted, "EvictionBatchStarted"},
      {EventType::Evicted, "Evicted"},
      {EventType::EvacuationStarted, "EvacuationStarted"},
      {EventType::EvictionRefused, "EvictionRefused"},
      {EventType::VmiRestarted, "VmiRestarted"},
      {EventType::VmiStaysDown, "VmiStaysDown"},
      {EventType::VmiUpdated, "VmiUpdated"},
      {EventType::VmiStuck, "VmiStuck"},
      {EventType::VmiSkipped, "VmiSkipped"},
      {EventType::VmiGone, "VmiGone"},
      {EventType::ActionFailed, "ActionFailed"},
      {EventType::Interrupted, "Interrupted"},
      {EventType::MigrationCancelled, "MigrationCancelled"},
      {EventType::DryRunAction, "DryRunAction"},
      {EventType::RunFinished, "RunFinished"},
  };
  for (const auto& [t, name] : names) CHECK(std::string(event_name(t)) == name);
}

TEST_CASE("the live progress block: bar, k/n settled, elapsed, ETA, next batch, counts, current actions") {
  RunProgress p;
  p.followed = 10;
  p.updated = 3;
  p.migrating = 2;
  p.evicting = 1;
  p.waiting = 1;
  p.stuck = 1;
  p.stays_down = 1;
  p.skipped = 1;
  p.current = {"ns/a (wu-1)", "ns/b (wu-2)", "ns/c (ShuttingDown)", "ns/d", "ns/e", "ns/f", "ns/g"};
  p.eta = std::chrono::seconds(90);
  p.next_batch_in = std::chrono::seconds(30);
  p.elapsed = std::chrono::milliseconds(62000);

  const std::string frame = wu::render::run_progress_frame(p, kPlain, 80);
  const std::string expected = "[" + std::string(18, '#') + std::string(12, '.') +
                               "] 6/10 settled  elapsed 1m2s  ETA 1m30s  next eviction batch in 30s\n"
                               "updated 3  migrating 2  evicting 1  waiting 1  stuck 1  stays down 1  skipped 1\n"
                               "  → ns/a (wu-1)\n"
                               "  → ns/b (wu-2)\n"
                               "  → ns/c (ShuttingDown)\n"
                               "  → ns/d\n"
                               "  → ns/e\n"
                               "  … and 2 more\n";
  CHECK(frame == expected);
  CHECK(has_ansi(wu::render::run_progress_frame(p, kColour, 80)));

  RunProgress start;
  start.followed = 4;
  start.waiting = 4;
  const std::string first = wu::render::run_progress_frame(start, kPlain, 60);  // narrow: at least 10 wide
  CHECK(first == "[..........] 0/4 settled  elapsed 0s\n"
                 "updated 0  migrating 0  evicting 0  waiting 4  stuck 0  stays down 0  skipped 0\n");
}

TEST_CASE("the confirmation list: each eviction, its batch, and whether the VM comes back") {
  wu::cluster::Snapshot s;
  s.launcher_image = "new";
  wu::cluster::KubeVirtCr kv;
  kv.phase = "Deployed";
  s.kubevirts.push_back(kv);
  auto add = [&](const std::string& name, bool migratable, const std::string& run_strategy) {
    wu::cluster::Vmi v;
    v.namespace_ = "ns";
    v.name = name;
    v.uid = "uid-" + name;
    v.phase = "Running";
    v.node = "node-1";
    v.launcher_image = "old";
    v.live_migratable = migratable ? "True" : "False";
    if (!run_strategy.empty()) {
      v.owner_vm = name;
      wu::cluster::Vm vm;
      vm.namespace_ = "ns";
      vm.name = name;
      vm.run_strategy = run_strategy;
      s.vms.push_back(vm);
    }
    s.vmis.push_back(v);
    wu::cluster::LauncherPod p;
    p.namespace_ = "ns";
    p.name = "virt-launcher-" + name;
    p.node = "node-1";
    p.vmi_name = name;
    p.owner_vmi_uid = v.uid;
    s.pods.push_back(p);
  };
  add("a", true, "Always");   // live-migrates: not listed
  add("b", false, "Always");
  add("c", false, "Manual");
  add("d", false, "");
  wu::decide::PlanConfig c;
  c.methods = {"LiveMigrate", "Evict"};
  c.batch_eviction_size = 2;
  const auto plan = wu::decide::make_plan(s, c);

  std::ostringstream out;
  CHECK(wu::render::write_disruptive_actions(out, plan, kPlain) == 3);
  CHECK(out.str() ==
        "  evict ns/b (batch 1): restarts on the new launcher (runStrategy Always)\n"
        "  evict ns/c (batch 1): stays down (runStrategy Manual)\n"
        "  evict ns/d (batch 2): stays down (no VM)\n");
}

TEST_CASE("the final report: a summary line, then each non-empty section") {
  std::ostringstream out;
  wu::render::write_run_report(out, full_report(), kPlain);
  CHECK(out.str() ==
        "Run 852329be3d: Completed after 1m2s — 1 updated, 2 stuck, 1 stay down, 1 skipped, 1 deleted, 1 unfinished\n"
        "Stuck (2):\n"
        "  ns/d  MigrationFailed\n"
        "    workload-update-abcde: target pod Unschedulable; KubeVirt deleted it\n"
        "    CreateFailed: admission webhook denied\n"
        "  ns/g  NotRestarted\n"
        "    evicted; its VM (runStrategy Always) did not start it again in time\n"
        "Stay down (1):\n"
        "  ns/c  StaysDown: evicted; its VM (runStrategy Manual) does not start it again\n"
        "Skipped (1):\n"
        "  ns/b  EvictionBlocked: evictionStrategy LiveMigrate but not live-migratable\n"
        "Deleted during the run (1):\n"
        "  ns/e  Deleted: the VMI was deleted during the run\n"
        "Unfinished (1):\n"
        "  ns/f\n");

  std::ostringstream coloured;
  wu::render::write_run_report(coloured, full_report(), kColour);
  CHECK(has_ansi(coloured.str()));

  RunReport clean;
  clean.run_id = "852329be3d";
  clean.outcome = RunOutcome::Interrupted;
  clean.elapsed = std::chrono::milliseconds(3723000);
  clean.updated = {entry("a", "Updated", "Migrated")};
  std::ostringstream short_out;
  wu::render::write_run_report(short_out, clean, kPlain);
  CHECK(short_out.str() == "Run 852329be3d: Interrupted after 1h2m — 1 updated, 0 stuck, 0 stay down, 0 skipped\n");
}

TEST_CASE("a dry run's report lists the actions and the skipped VMIs") {
  RunReport r;
  r.dry_run = true;
  r.run_id = "852329be3d";
  r.dry_run_actions = {entry("a", "WouldMigrate", "LiveMigratable", "would create a live migration (wave 1)"),
                       entry("b", "WouldEvict", "Started", "would evict its launcher pod (batch 1)")};
  r.skipped = {entry("c", "Skipped", "EvictionBlocked", "never updated")};
  std::ostringstream out;
  wu::render::write_run_report(out, r, kPlain);
  CHECK(out.str() ==
        "Dry run: 2 action(s), nothing changed\n"
        "  WouldMigrate  ns/a  LiveMigratable: would create a live migration (wave 1)\n"
        "  WouldEvict  ns/b  Started: would evict its launcher pod (batch 1)\n"
        "Skipped (1):\n"
        "  ns/c  EvictionBlocked: never updated\n");
}

}  // TEST_SUITE

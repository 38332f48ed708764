#pragma once
// The end of a run: every VMI it followed, by outcome (updated, stuck with the reasons of its attempts,
// stays down, skipped with the decision's reason, deleted, unfinished), and the exit status scripts
// rely on: 0 all updated (or shut down as confirmed), 1 some stuck, skipped or unfinished, 130 interrupted
// or aborted (`abort`).
#include <chrono>
#include <string>
#include <vector>

#include "update/run_tracker.hpp"

namespace wu::update {

enum class RunOutcome { Completed, Interrupted, TimedOut, Aborted };
const char* outcome_name(RunOutcome o);

struct ReportEntry {
  std::string namespace_, name;
  std::string state;    // state_name()
  std::string action;   // LiveMigrate / Evict / ""
  std::string reason;   // stable code
  std::string message;
  std::vector<Attempt> failures;
};

struct RunReport {
  RunOutcome outcome = RunOutcome::Completed;
  std::string run_id;
  bool dry_run = false;
  std::chrono::milliseconds elapsed{0};
  std::vector<ReportEntry> updated, stuck, stays_down, skipped, gone, unfinished;
  std::vector<ReportEntry> dry_run_actions;  // --dry-run: what would be done (with the server's answer)
  int refused_dry_run_actions = 0;           // --dry-run=server answers that were not accepted
};

RunReport make_report(const RunTracker& tracker, RunOutcome outcome, std::chrono::milliseconds elapsed);

// 0, 1 or 130 (errors are 2, decided by the caller).
int exit_code(const RunReport& report);

}  // namespace wu::update

#include "update/run_report.hpp"

namespace wu::update {

const char* outcome_name(RunOutcome o) {
  switch (o) {
    case RunOutcome::Completed: return "Completed";
    case RunOutcome::Interrupted: return "Interrupted";
    case RunOutcome::TimedOut: return "TimedOut";
    case RunOutcome::Aborted: return "Aborted";
  }
  return "Completed";
}

RunReport make_report(const RunTracker& tracker, RunOutcome outcome, std::chrono::milliseconds elapsed) {
  RunReport r;
  r.outcome = outcome;
  r.run_id = tracker.run_id();
  r.elapsed = elapsed;
  for (const auto& [key, p] : tracker.progress()) {
    ReportEntry e{p.namespace_, p.name, state_name(p.state), p.action, p.reason, p.message, p.failures};
    switch (p.state) {
      case VmiState::Updated: r.updated.push_back(std::move(e)); break;
      case VmiState::Stuck: r.stuck.push_back(std::move(e)); break;
      case VmiState::StaysDown: r.stays_down.push_back(std::move(e)); break;
      case VmiState::Skipped: r.skipped.push_back(std::move(e)); break;
      case VmiState::Gone: r.gone.push_back(std::move(e)); break;
      default: r.unfinished.push_back(std::move(e)); break;
    }
  }
  return r;
}

int exit_code(const RunReport& r) {
  if (r.outcome == RunOutcome::Interrupted || r.outcome == RunOutcome::Aborted) return 130;
  if (r.dry_run) return r.refused_dry_run_actions > 0 ? 1 : 0;
  return r.stuck.empty() && r.skipped.empty() && r.unfinished.empty() ? 0 : 1;
}

}  // namespace wu::update

#include "render/run_output.hpp"

#include <chrono>
#include <ctime>
#include <sstream>

#include "render/run_json.hpp"
#include "util/rfc3339.hpp"

namespace wu::render {

namespace {

// RFC 3339 (UTC) for JSON lines; its time of day for event lines.
std::string clock_now(bool with_date) {
  const std::string now = util::format_rfc3339(std::time(nullptr));
  return with_date ? now : now.substr(11, 8);
}

std::string human(std::chrono::seconds s) {
  const auto n = s.count();
  if (n < 60) return std::to_string(n) + "s";
  if (n < 3600) return std::to_string(n / 60) + "m" + (n % 60 ? std::to_string(n % 60) + "s" : "");
  return std::to_string(n / 3600) + "h" + std::to_string((n % 3600) / 60) + "m";
}

std::string coloured_event(update::EventType t, const std::string& name, const Colour& c) {
  using update::EventType;
  switch (t) {
    case EventType::VmiUpdated:
    case EventType::VmiRestarted:
    case EventType::MigrationSucceeded: return c.green(name);
    case EventType::VmiStuck:
    case EventType::MigrationFailed:
    case EventType::ActionFailed:
    case EventType::EvictionRefused: return c.red(name);
    case EventType::Evicted:
    case EventType::VmiStaysDown:
    case EventType::TargetPodUnschedulable:
    case EventType::VmiSkipped:
    case EventType::Interrupted: return c.yellow(name);
    case EventType::Aborted: return c.yellow(name);
    default: return c.cyan(name);
  }
}

void section(std::ostream& out, const std::string& title, const std::vector<update::ReportEntry>& list, const Colour& c,
             bool with_failures) {
  if (list.empty()) return;
  out << c.bold(title) << " (" << list.size() << "):\n";
  for (const auto& e : list) {
    out << "  " << e.namespace_ << "/" << e.name;
    if (!e.reason.empty()) out << "  " << e.reason;
    if (!e.message.empty() && !with_failures) out << ": " << e.message;
    out << "\n";
    if (with_failures) {
      if (e.failures.empty() && !e.message.empty()) out << "    " << e.message << "\n";
      for (const auto& f : e.failures)
        out << "    " << (f.migration.empty() ? f.result : f.migration) << ": " << f.reason << "\n";
    }
  }
}

}  // namespace

std::string run_event_line(const update::RunEvent& e, const Colour& c) {
  std::string line = c.dim(clock_now(false)) + "  " + coloured_event(e.type, update::event_name(e.type), c);
  if (!e.vmi.empty()) line += "  " + e.namespace_ + "/" + e.vmi;
  else if (!e.namespace_.empty()) line += "  " + e.namespace_;
  if (!e.migration.empty()) line += "  " + e.migration;
  if (!e.pod.empty()) line += "  pod " + e.pod;
  if (e.attempt > 0) line += "  attempt " + std::to_string(e.attempt);
  if (!e.reason.empty() && e.reason != update::event_name(e.type)) line += "  " + e.reason;
  if (!e.message.empty()) line += ": " + e.message;
  return line;
}

void write_run_event_json(std::ostream& out, const update::RunEvent& e) {
  // "time" and "event" first, then the rest: easier to read in a terminal and with grep.
  nlohmann::ordered_json j;
  j["time"] = clock_now(true);
  const nlohmann::json fields = event_json(e);
  j["event"] = fields["event"];
  for (const auto& [k, v] : fields.items())
    if (k != "event") j[k] = v;
  out << j.dump() << "\n";
}

std::string run_progress_frame(const update::RunProgress& p, const Colour& c, int width) {
  const int bar = std::max(10, std::min(40, width - 50));
  const int done = p.updated + p.stays_down + p.stuck + p.skipped + p.gone;
  const int filled = p.followed > 0 ? bar * done / p.followed : bar;
  std::ostringstream out;
  out << "[" << c.green(std::string(static_cast<std::size_t>(filled), '#'))
      << std::string(static_cast<std::size_t>(bar - filled), '.') << "] " << done << "/" << p.followed << " settled  "
      << c.dim("elapsed " + human(std::chrono::duration_cast<std::chrono::seconds>(p.elapsed)));
  if (p.eta) out << c.dim("  ETA " + human(*p.eta));
  if (p.next_batch_in) out << c.dim("  next eviction batch in " + human(*p.next_batch_in));
  out << "\n";
  if (!p.paused.empty()) out << c.yellow("paused: ") << p.paused << "\n";
  out << "updated " << c.green(std::to_string(p.updated)) << "  migrating " << p.migrating << "  evicting "
      << p.evicting << "  waiting " << p.waiting << "  stuck " << (p.stuck ? c.red(std::to_string(p.stuck)) : "0")
      << "  stays down " << p.stays_down << "  skipped " << p.skipped << "\n";
  const std::size_t shown = std::min<std::size_t>(p.current.size(), 5);
  for (std::size_t i = 0; i < shown; ++i) out << "  " << c.cyan("→") << " " << p.current[i] << "\n";
  if (p.current.size() > shown) out << "  … and " << (p.current.size() - shown) << " more\n";
  return out.str();
}

int write_disruptive_actions(std::ostream& out, const decide::Plan& plan, const Colour& c) {
  int n = 0;
  for (const auto& d : plan.decisions) {
    if (d.execution != decide::Execution::EvictAndShutDown) continue;
    ++n;
    const std::string after = d.after_eviction == decide::AfterEviction::Restart
                                  ? "restarts on the new launcher (runStrategy Always)"
                                  : c.yellow(d.run_strategy.empty() ? "stays down (no VM)"
                                                                    : "stays down (runStrategy " + d.run_strategy + ")");
    out << "  evict " << d.vmi->namespace_ << "/" << d.vmi->name << " (batch " << d.batch << "): " << after << "\n";
  }
  return n;
}

void write_run_report(std::ostream& out, const update::RunReport& r, const Colour& c) {
  if (r.dry_run) {
    out << c.bold("Dry run") << ": " << r.dry_run_actions.size() << " action(s), nothing changed\n";
    for (const auto& e : r.dry_run_actions)
      out << "  " << e.state << "  " << e.namespace_ << "/" << e.name << "  " << e.reason << ": " << e.message << "\n";
    section(out, "Skipped", r.skipped, c, false);
    return;
  }
  out << c.bold("Run " + r.run_id) << ": " << update::outcome_name(r.outcome) << " after "
      << human(std::chrono::duration_cast<std::chrono::seconds>(r.elapsed)) << " — " << r.updated.size() << " updated, "
      << r.stuck.size() << " stuck, " << r.stays_down.size() << " stay down, " << r.skipped.size() << " skipped";
  if (!r.gone.empty()) out << ", " << r.gone.size() << " deleted";
  if (!r.unfinished.empty()) out << ", " << r.unfinished.size() << " unfinished";
  out << "\n";
  section(out, "Stuck", r.stuck, c, true);
  section(out, "Stay down", r.stays_down, c, false);
  section(out, "Skipped", r.skipped, c, false);
  section(out, "Deleted during the run", r.gone, c, false);
  section(out, "Unfinished", r.unfinished, c, false);
}

}  // namespace wu::render

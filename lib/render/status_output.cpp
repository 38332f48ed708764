#include "render/status_output.hpp"

#include <algorithm>
#include <string>
#include <vector>

namespace wu::render {

void write_status_table(std::ostream& out, const update::ProgressStatus& st, const Colour& colour) {
  const int in_flight = st.in_flight_this_tool + st.in_flight_kubevirt + st.in_flight_other;
  out << "Outdated VMIs: " << st.outdated << " of " << st.vmis << ". Migrations in flight: " << in_flight
      << " (workload-update " << st.in_flight_this_tool << ", KubeVirt " << st.in_flight_kubevirt << ", other "
      << st.in_flight_other << "). Stuck: " << st.stuck << ".";
  if (st.blocked > 0) out << " Blocked in KubeVirt's migration controller: " << st.blocked << ".";
  out << "\n";
  out << "Run lease: " << (st.lease_holder ? "held by " + *st.lease_holder : std::string("not held")) << ".\n";
  out << "KubeVirt's workload updater: "
      << (st.updater.active ? std::string("active") : colour.yellow("not active") + " (" + st.updater.reason + ")")
      << ".\n";
  if (st.vmis_with_attempts.empty()) return;
  std::vector<std::vector<std::string>> rows{{"NAMESPACE", "NAME", "STATE", "LAST ATTEMPTS (newest first)"}};
  for (const auto& v : st.vmis_with_attempts) {
    std::string attempts;
    for (const auto& a : v.attempts) {
      if (!attempts.empty()) attempts += ", ";
      attempts += a.phase + " (" + update::creator_name(a.creator) + ")";
    }
    rows.push_back({v.namespace_, v.name, v.stuck ? "Stuck" : !v.controller_blockers.empty() ? "Blocked" : "-",
                    attempts.empty() ? "-" : attempts});
  }
  std::vector<std::size_t> widths(4, 0);
  for (const auto& r : rows)
    for (std::size_t i = 0; i < 3; ++i) widths[i] = std::max(widths[i], r[i].size());
  out << "\n";
  for (std::size_t r = 0; r < rows.size(); ++r) {
    std::string line;
    for (std::size_t i = 0; i < 4; ++i) {
      std::string cell = rows[r][i];
      if (i < 3) cell.resize(widths[i] + 3, ' ');
      line += (r > 0 && i == 2 && rows[r][i] == "Stuck") ? colour.red(cell) : cell;
    }
    out << line << "\n";
  }
  for (const auto& v : st.vmis_with_attempts) {
    if (!v.stuck) continue;
    out << colour.red("stuck: ") << v.namespace_ << "/" << v.name << ": " << v.stuck_reason << "\n";
    if (!v.scheduling_message.empty()) out << "  " << v.scheduling_message << "\n";
    if (!v.placement_message.empty()) out << "  no node can take its next target pod: " << v.placement_message << "\n";
  }
  for (const auto& v : st.vmis_with_attempts) {
    if (v.stuck || v.controller_blockers.empty()) continue;
    std::string why;
    for (const auto& b : v.controller_blockers) why += (why.empty() ? "" : ", ") + b.code + " (" + b.message + ")";
    out << colour.yellow("blocked: ") << v.namespace_ << "/" << v.name << ": " << why << "\n";
  }
}

std::string status_wait_line(const update::ProgressStatus& st, const update::WaitVerdict& verdict, const Colour& c) {
  const int in_flight = st.in_flight_this_tool + st.in_flight_kubevirt + st.in_flight_other;
  std::string line = "outdated " + std::to_string(st.outdated) + "/" + std::to_string(st.vmis) + "  migrating " +
                     std::to_string(in_flight) + "  stuck " +
                     (st.stuck ? c.red(std::to_string(st.stuck)) : std::string("0")) + ": ";
  if (!verdict.end) return line + verdict.why;
  const bool done = *verdict.end == update::WaitOutcome::Done;
  return line + (done ? c.green(update::wait_outcome_name(*verdict.end)) : c.yellow(update::wait_outcome_name(*verdict.end))) +
         ", " + verdict.why;
}

}  // namespace wu::render

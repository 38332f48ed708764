#include "run_confirmation.hpp"

#include <cstdio>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include "render/run_output.hpp"

namespace wu::cmd {

std::optional<std::set<std::string>> confirm_evictions(const decide::Plan& plan, const std::string& pause) {
  std::set<std::string> uids;
  for (const auto& d : plan.decisions)
    if (d.execution == decide::Execution::EvictAndShutDown) uids.insert(d.vmi->uid);
  if (uids.empty()) return uids;
  FILE* tty = std::fopen("/dev/tty", "r+");
  if (!tty)
    throw std::runtime_error(std::to_string(uids.size()) +
                             " VMI(s) would be shut down by eviction and there is no terminal to ask on: review them "
                             "with `plan`, then pass --yes (or --dry-run=client to see the actions)");
  std::ostringstream text;
  const render::Colour c{render::colour_wanted_for_fd(fileno(tty))};
  text << "This run shuts down " << uids.size() << " VMI(s) by eviction (in batches of "
       << plan.config.batch_eviction_size << "):\n";
  render::write_disruptive_actions(text, plan, c);
  if (plan.summary.stays_down > 0)
    text << plan.summary.stays_down << " of them will stay down: their VMs do not restart them.\n";
  if (!pause.empty()) text << "Also: " << pause << ".\n";
  text << "Proceed? [y/N] ";
  std::fputs(text.str().c_str(), tty);
  std::fflush(tty);
  char line[64] = {};
  const bool got = std::fgets(line, sizeof line, tty) != nullptr;
  std::fclose(tty);
  const std::string answer = got ? std::string(line) : "";
  if (answer.rfind("y", 0) == 0 || answer.rfind("Y", 0) == 0) return uids;
  return std::nullopt;
}

}  // namespace wu::cmd

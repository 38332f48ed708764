#pragma once
// The question `run` asks before it shuts VMs down: the evictions, and which VMs stay down after. It is
// asked on the terminal (/dev/tty), so it works with stdout piped; without a terminal the user must
// pass --yes.
#include <set>
#include <string>

#include "decide/plan.hpp"

namespace wu::cmd {

// Returns the UIDs of the VMIs confirmed for eviction (empty when the plan evicts nothing). Throws
// std::runtime_error when there is no terminal to ask on; returns nullopt when the user says no.
// `pause`: the --pause-cluster-updater change, shown before the question ("" = none).
std::optional<std::set<std::string>> confirm_evictions(const decide::Plan& plan, const std::string& pause = {});

}  // namespace wu::cmd

#pragma once
// What happens to a VM after its VMI stops, as the VM controller decides (sync in vm.go): Always (or
// running: true) starts it again; RerunOnFailure only after Failed, and a clean eviction ends
// Succeeded, so it stays down; the others leave it down.
#include <string>

#include "decide/decision.hpp"

namespace wu::decide {

// `run_strategy` is the owning VM's resolved strategy; "" for a standalone VMI.
AfterEviction after_eviction(const std::string& run_strategy);

// Whether the VM starts a VMI again that ended in `phase` (Succeeded or Failed).
bool restarts_after(const std::string& run_strategy, const std::string& phase);

}  // namespace wu::decide

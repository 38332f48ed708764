#pragma once
// What happens to a VM after its VMI is evicted (KubeVirt reference §5): only runStrategy Always
// (or running: true) brings it back; a clean eviction ends Succeeded, so RerunOnFailure stays down.
#include <string>

#include "decide/decision.hpp"

namespace wu::decide {

// `run_strategy` is the owning VM's resolved strategy; "" for a standalone VMI.
AfterEviction after_eviction(const std::string& run_strategy);

}  // namespace wu::decide

#include "decide/run_strategy.hpp"

namespace wu::decide {

AfterEviction after_eviction(const std::string& run_strategy) {
  return run_strategy == "Always" ? AfterEviction::Restart : AfterEviction::StaysDown;
}

bool restarts_after(const std::string& run_strategy, const std::string& phase) {
  if (run_strategy == "Always") return true;
  return run_strategy == "RerunOnFailure" && phase == "Failed";
}

}  // namespace wu::decide

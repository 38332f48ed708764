#include "decide/run_strategy.hpp"

namespace wu::decide {

AfterEviction after_eviction(const std::string& run_strategy) {
  return run_strategy == "Always" ? AfterEviction::Restart : AfterEviction::StaysDown;
}

}  // namespace wu::decide

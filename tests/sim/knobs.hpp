// Free-form cluster knobs from scenario files and /_sim/knobs (for example
// timeScale, migrationDuration, podTerminationSeconds), read by controllers.
#pragma once

#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

namespace sim {

class Knobs {
 public:
  void merge(const nlohmann::json& values);  // top-level keys replace
  nlohmann::json snapshot() const;
  double number(const std::string& name, double def) const;

 private:
  mutable std::mutex mu_;
  nlohmann::json values_ = nlohmann::json::object();
};

}  // namespace sim

#include "knobs.hpp"

#include "sim_clock.hpp"

namespace sim {

void Knobs::merge(const nlohmann::json& values) {
  std::lock_guard lk(mu_);
  for (auto& [k, v] : values.items()) values_[k] = v;
  if (values.contains("timeScale") && values["timeScale"].is_number()) simClock().setScale(values["timeScale"].get<double>());
}

nlohmann::json Knobs::snapshot() const {
  std::lock_guard lk(mu_);
  return values_;
}

double Knobs::number(const std::string& name, double def) const {
  std::lock_guard lk(mu_);
  auto it = values_.find(name);
  return it != values_.end() && it->is_number() ? it->get<double>() : def;
}

}  // namespace sim

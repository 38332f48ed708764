#include "knobs.hpp"

namespace sim {

void Knobs::merge(const nlohmann::json& values) {
  std::lock_guard lk(mu_);
  for (auto& [k, v] : values.items()) values_[k] = v;
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

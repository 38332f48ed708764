#include "cluster/placement_interner.hpp"

#include <mutex>
#include <string>
#include <unordered_map>

namespace wu::cluster {

namespace {

// A key that is equal exactly when the placements are: every field, length-prefixed.
void put(std::string& key, const std::string& text) {
  key += std::to_string(text.size());
  key += ':';
  key += text;
}

std::string key_of(const PodPlacement& p) {
  std::string key;
  key += 'S';
  for (const auto& [k, v] : p.node_selector) put(key, k), put(key, v);
  key += p.required_affinity ? 'A' : 'a';
  for (const auto& term : p.required_terms) {
    key += 'T';
    for (const auto* list : {&term.match_expressions, &term.match_fields}) {
      key += 'L';
      for (const auto& r : *list) {
        put(key, r.key), put(key, r.op);
        key += std::to_string(r.values.size());
        for (const auto& v : r.values) put(key, v);
      }
    }
  }
  key += 'O';
  for (const auto& t : p.tolerations) put(key, t.key), put(key, t.op), put(key, t.value), put(key, t.effect);
  key += 'R';
  for (const auto& r : p.requests) put(key, r.name), key += std::to_string(r.milli), key += ';';
  return key;
}

}  // namespace

std::shared_ptr<const PodPlacement> intern_placement(PodPlacement&& placement) {
  static std::mutex mu;
  static std::unordered_map<std::string, std::shared_ptr<const PodPlacement>> pool;
  std::string key = key_of(placement);
  std::lock_guard lock(mu);
  auto [it, inserted] = pool.try_emplace(std::move(key));
  if (inserted) it->second = std::make_shared<const PodPlacement>(std::move(placement));
  return it->second;
}

}  // namespace wu::cluster

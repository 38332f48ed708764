#pragma once
// The configuration a decision depends on, after defaulting and what-if overrides.
#include <cstdint>
#include <string>
#include <vector>

namespace wu::decide {

struct PlanConfig {
  std::vector<std::string> methods;  // as configured (unknown strings included, for display)
  std::int64_t batch_eviction_size = 10;
  std::int64_t batch_eviction_interval_ns = 60LL * 1000 * 1000 * 1000;
  std::uint32_t parallel_migrations_per_cluster = 5;
  std::uint32_t parallel_outbound_migrations_per_node = 2;
  std::string cluster_eviction_strategy;  // KubeVirt's spec.configuration.evictionStrategy; "" = unset
  bool pre_upgrade = false;               // treat every running VMI as outdated

  bool live_migrate_enabled() const;
  bool evict_enabled() const;
};

}  // namespace wu::decide

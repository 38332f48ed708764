#pragma once
// Where a plan's configuration comes from: the HyperConverged CR when there is one (HCO defaults),
// else the KubeVirt CR (KubeVirt defaults: no methods). Migration limits come from HCO's
// liveMigrationConfig or KubeVirt's spec.configuration.migrations, else KubeVirt's defaults (5, 2).
// What-if overrides from the command line win over everything.
#include <optional>
#include <string>
#include <vector>

#include "cluster/snapshot.hpp"
#include "decide/plan_config.hpp"

namespace wu::cluster {

struct ConfigOverrides {
  std::optional<std::vector<std::string>> methods;
  std::optional<std::int64_t> batch_eviction_size;
  std::optional<std::int64_t> batch_eviction_interval_ns;
  std::optional<std::uint32_t> parallel_migrations_per_cluster;
  std::optional<std::uint32_t> parallel_outbound_migrations_per_node;
  std::optional<std::string> eviction_strategy;
  bool pre_upgrade = false;
};

struct PlanConfigSource {
  decide::PlanConfig config;
  std::string from;  // "HyperConverged openshift-cnv/kubevirt-hyperconverged", "KubeVirt kubevirt/kubevirt", "defaults"
  std::vector<std::string> problems;  // the configuration object is invalid; values fell back to defaults
};

PlanConfigSource plan_config_from(const Snapshot& snapshot, const ConfigOverrides& overrides);

}  // namespace wu::cluster

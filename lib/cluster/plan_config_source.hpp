#pragma once
// Where a plan's configuration comes from: the KubeVirt CR, which is what virt-controller reads
// (kv.Spec.WorkloadUpdateStrategy in workload-updater.go, spec.configuration.migrations through its
// cluster config), with KubeVirt's defaults (no methods, 10, 1m0s; limits 5 and 2). Where the
// HyperConverged CR says otherwise, each differing field is a KubeVirtDrift warning. Only an input
// without a KubeVirt CR falls back to the HyperConverged CR and HCO's defaults, and says so.
// What-if overrides from the command line win over everything.
#include <optional>
#include <string>
#include <vector>

#include "cluster/snapshot.hpp"
#include "decide/plan.hpp"
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
  std::vector<decide::PlanWarning> warnings;  // KubeVirtDrift per field; NoKubeVirtCR for the HCO fallback
};

PlanConfigSource plan_config_from(const Snapshot& snapshot, const ConfigOverrides& overrides);

}  // namespace wu::cluster

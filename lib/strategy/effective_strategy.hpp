#pragma once
// The workload-update configuration after defaulting: what the cluster will actually use.
// HCO and a bare KubeVirt CR default differently (HCO: [LiveMigrate], 10, 1m0s; KubeVirt: no
// methods, i.e. no automation), and so do their migration limits.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace wu::strategy {

enum class ConfigSource { HyperConverged, KubeVirt };

const char* config_source_name(ConfigSource s);  // "HyperConverged" | "KubeVirt"

struct MigrationSettings {
  std::optional<std::uint32_t> parallel_migrations_per_cluster;
  std::optional<std::uint32_t> parallel_outbound_migrations_per_node;
  std::optional<std::string> bandwidth_per_migration;
  std::optional<std::int64_t> completion_timeout_per_gib;
  std::optional<std::int64_t> progress_timeout;
  std::optional<std::string> network;
  std::optional<bool> allow_auto_converge;
  std::optional<bool> allow_post_copy;
  std::optional<bool> allow_workload_disruption;
};

struct EffectiveStrategy {
  ConfigSource source = ConfigSource::HyperConverged;
  // nullopt when the value given is invalid (the cluster would reject the object).
  std::optional<std::vector<std::string>> workload_update_methods;
  std::optional<std::int64_t> batch_eviction_size;
  std::optional<std::int64_t> batch_eviction_interval_ns;
  std::string batch_eviction_interval_written;  // as in the input, before canonicalisation
  MigrationSettings migrations;
  std::optional<std::string> eviction_strategy;  // nullopt: unset
};

// The defaults each source applies when a field is absent.
EffectiveStrategy hco_defaults();
EffectiveStrategy kubevirt_defaults();

// Methods KubeVirt acts on; anything else in the list is ignored by the workload updater.
bool method_enables_live_migration(const std::vector<std::string>& methods);
bool method_enables_eviction(const std::vector<std::string>& methods);

// {workloadUpdateMethods, batchEvictionSize, batchEvictionInterval, liveMigration, evictionStrategy,
//  kubevirt: what the KubeVirt CR receives}. Durations in Go's canonical form.
nlohmann::json to_json(const EffectiveStrategy& s);

// HCO's projection into the KubeVirt CR (HCO reference §7): the methods key is dropped when the
// list is empty, durations are canonical, and unset pointers stay unset.
nlohmann::json kubevirt_projection(const EffectiveStrategy& s);

}  // namespace wu::strategy

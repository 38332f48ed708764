#include "strategy/effective_strategy.hpp"

#include <algorithm>

#include "util/go_duration.hpp"

namespace wu::strategy {

using util::DurationError;
using util::format_go_duration;
using util::parse_go_duration;

namespace {
constexpr std::int64_t kOneMinuteNs = 60LL * 1000 * 1000 * 1000;

template <typename T>
nlohmann::json opt(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}
}  // namespace

const char* config_source_name(ConfigSource s) {
  return s == ConfigSource::HyperConverged ? "HyperConverged" : "KubeVirt";
}

EffectiveStrategy hco_defaults() {
  EffectiveStrategy s;
  s.source = ConfigSource::HyperConverged;
  s.workload_update_methods = std::vector<std::string>{"LiveMigrate"};
  s.batch_eviction_size = 10;
  s.batch_eviction_interval_ns = kOneMinuteNs;
  s.batch_eviction_interval_written = "1m0s";
  // HCO 1.19+ schema defaults (HCO reference §2.2, §2.5).
  s.migrations.parallel_migrations_per_cluster = 5;
  s.migrations.parallel_outbound_migrations_per_node = 1;
  s.migrations.completion_timeout_per_gib = 20;
  s.migrations.progress_timeout = 150;
  s.migrations.allow_auto_converge = false;
  s.migrations.allow_post_copy = false;
  s.migrations.allow_workload_disruption = false;
  return s;
}

EffectiveStrategy kubevirt_defaults() {
  EffectiveStrategy s;
  s.source = ConfigSource::KubeVirt;
  s.workload_update_methods = std::vector<std::string>{};  // no automation
  // The workload updater's built-in fallbacks when the fields are nil.
  s.batch_eviction_size = 10;
  s.batch_eviction_interval_ns = kOneMinuteNs;
  s.batch_eviction_interval_written = "1m0s";
  // KubeVirt's virt-config defaults (KubeVirt reference §6).
  s.migrations.parallel_migrations_per_cluster = 5;
  s.migrations.parallel_outbound_migrations_per_node = 2;
  s.migrations.bandwidth_per_migration = "0Mi";
  s.migrations.completion_timeout_per_gib = 150;
  s.migrations.progress_timeout = 150;
  s.migrations.allow_auto_converge = false;
  s.migrations.allow_post_copy = false;
  s.eviction_strategy = "None";
  return s;
}

bool method_enables_live_migration(const std::vector<std::string>& m) {
  return std::find(m.begin(), m.end(), "LiveMigrate") != m.end();
}

bool method_enables_eviction(const std::vector<std::string>& m) {
  return std::find(m.begin(), m.end(), "Evict") != m.end();
}

static nlohmann::json migrations_json(const MigrationSettings& m) {
  nlohmann::json j;
  j["parallelMigrationsPerCluster"] = opt(m.parallel_migrations_per_cluster);
  j["parallelOutboundMigrationsPerNode"] = opt(m.parallel_outbound_migrations_per_node);
  j["bandwidthPerMigration"] = opt(m.bandwidth_per_migration);
  j["completionTimeoutPerGiB"] = opt(m.completion_timeout_per_gib);
  j["progressTimeout"] = opt(m.progress_timeout);
  j["network"] = opt(m.network);
  j["allowAutoConverge"] = opt(m.allow_auto_converge);
  j["allowPostCopy"] = opt(m.allow_post_copy);
  // KubeVirt: an unset allowWorkloadDisruption follows allowPostCopy.
  j["allowWorkloadDisruption"] = m.allow_workload_disruption ? nlohmann::json(*m.allow_workload_disruption)
                                                             : opt(m.allow_post_copy);
  return j;
}

static nlohmann::json interval_json(const EffectiveStrategy& s) {
  return s.batch_eviction_interval_ns ? nlohmann::json(format_go_duration(*s.batch_eviction_interval_ns))
                                      : nlohmann::json(nullptr);
}

nlohmann::json to_json(const EffectiveStrategy& s) {
  nlohmann::json j;
  j["source"] = config_source_name(s.source);
  j["workloadUpdateMethods"] = opt(s.workload_update_methods);
  j["batchEvictionSize"] = opt(s.batch_eviction_size);
  j["batchEvictionInterval"] = interval_json(s);
  j["batchEvictionIntervalAsWritten"] = s.batch_eviction_interval_written;
  j["liveMigration"] = migrations_json(s.migrations);
  j["evictionStrategy"] = opt(s.eviction_strategy);
  j["kubevirt"] = kubevirt_projection(s);
  return j;
}

nlohmann::json kubevirt_projection(const EffectiveStrategy& s) {
  nlohmann::json wus = nlohmann::json::object();
  if (s.workload_update_methods && !s.workload_update_methods->empty())
    wus["workloadUpdateMethods"] = *s.workload_update_methods;
  if (s.batch_eviction_size) wus["batchEvictionSize"] = *s.batch_eviction_size;
  if (s.batch_eviction_interval_ns) wus["batchEvictionInterval"] = format_go_duration(*s.batch_eviction_interval_ns);
  nlohmann::json migrations = nlohmann::json::object();
  const auto& m = s.migrations;
  auto put = [&](const char* key, const auto& value) {
    if (value) migrations[key] = *value;
  };
  put("parallelMigrationsPerCluster", m.parallel_migrations_per_cluster);
  put("parallelOutboundMigrationsPerNode", m.parallel_outbound_migrations_per_node);
  put("bandwidthPerMigration", m.bandwidth_per_migration);
  put("completionTimeoutPerGiB", m.completion_timeout_per_gib);
  put("progressTimeout", m.progress_timeout);
  put("network", m.network);
  put("allowAutoConverge", m.allow_auto_converge);
  put("allowPostCopy", m.allow_post_copy);
  put("allowWorkloadDisruption", m.allow_workload_disruption);
  nlohmann::json config = nlohmann::json::object();
  config["migrations"] = migrations;
  if (s.eviction_strategy) config["evictionStrategy"] = *s.eviction_strategy;
  return {{"workloadUpdateStrategy", wus}, {"configuration", config}};
}

}  // namespace wu::strategy

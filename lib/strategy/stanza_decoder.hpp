#pragma once
// Decodes the three stanzas into typed values, reporting every value the cluster would reject
// (HCO reference §10 and §12.3): JSON types, Go durations, uint32 ranges, quantities, the
// evictionStrategy enum, null list items and unknown fields.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "strategy/decode_context.hpp"
#include "yaml/node.hpp"

namespace wu::strategy {

template <typename T>
struct Field {
  bool present = false;  // the key exists (possibly null)
  bool null = false;
  bool valid = true;     // false when the cluster would reject the value
  std::optional<T> value;
  yaml::Mark mark;
};

struct MethodItem {
  std::string value;
  bool null = false;
  yaml::Mark mark;
};

struct StrategyStanza {
  bool present = false;  // the workloadUpdateStrategy key exists and is not null
  yaml::Mark mark;
  std::string path;
  bool methods_present = false;
  bool methods_null = false;
  bool methods_valid = true;
  yaml::Mark methods_mark;
  std::vector<MethodItem> methods;
  Field<std::int64_t> batch_eviction_size;
  Field<std::int64_t> batch_eviction_interval_ns;
  std::string batch_eviction_interval_text;
};

struct MigrationStanza {
  bool present = false;
  yaml::Mark mark;
  std::string path;
  Field<std::uint32_t> parallel_migrations_per_cluster;
  Field<std::uint32_t> parallel_outbound_migrations_per_node;
  Field<std::string> bandwidth_per_migration;
  bool bandwidth_negative = false;
  Field<std::int64_t> completion_timeout_per_gib;
  Field<std::int64_t> progress_timeout;
  Field<std::string> network;
  Field<bool> allow_auto_converge;
  Field<bool> allow_post_copy;
  Field<bool> allow_workload_disruption;
};

struct EvictionStrategyField {
  Field<std::string> value;
  std::string path;
};

// `node` may be nullptr (absent). `path` is the full field path of the stanza.
StrategyStanza decode_strategy(const yaml::Node* node, const std::string& path, DecodeContext& ctx);
MigrationStanza decode_migrations(const yaml::Node* node, const std::string& path, DecodeContext& ctx);
EvictionStrategyField decode_eviction_strategy(const yaml::Node* node, const std::string& path, DecodeContext& ctx);

// The four evictionStrategy values the HCO CRD allows.
const std::vector<std::string>& eviction_strategy_values();

}  // namespace wu::strategy

#include "strategy/stanza_decoder.hpp"

#include <cmath>
#include <limits>

#include "util/go_duration.hpp"
#include "strategy/quantity.hpp"
#include "util/did_you_mean.hpp"
#include "util/utf8_truncate.hpp"
#include "yaml/document_loader.hpp"

namespace wu::strategy {

using util::DurationError;
using util::format_go_duration;
using util::parse_go_duration;

using yaml::Kind;
using yaml::Node;

namespace {

// A value as quoted in a message or hint: at most 80 bytes, never half a UTF-8 character.
std::string shown(const std::string& value) { return util::utf8_truncate(value, 80); }

const std::vector<std::string> kStrategyFields{"workloadUpdateMethods", "batchEvictionSize", "batchEvictionInterval"};
const std::vector<std::string> kHcoMigrationFields{
    "allowAutoConverge", "allowPostCopy",    "allowWorkloadDisruption",      "bandwidthPerMigration",
    "completionTimeoutPerGiB", "network", "parallelMigrationsPerCluster", "parallelOutboundMigrationsPerNode",
    "progressTimeout"};
// KubeVirt's MigrationConfiguration has options HCO does not expose (kubevirt00.crd.yaml).
const std::vector<std::string> kKubeVirtMigrationFields{
    "allowAutoConverge",  "allowPostCopy",     "allowWorkloadDisruption", "bandwidthPerMigration",
    "completionTimeoutPerGiB", "disableTLS", "matchSELinuxLevelOnMigration", "maxDowntimeMs", "network",
    "nodeDrainTaintKey",  "parallelMigrationsPerCluster", "parallelOutboundMigrationsPerNode", "progressTimeout",
    "unsafeMigrationOverride", "utilityVolumesTimeout"};

std::string json_type_word(const Node& n) {
  if (n.kind == Kind::Float && n.integral_float) return "integer";
  return yaml::kind_name(n.kind);
}

// "the string \"10\"", "the number 1.5", "an array"
std::string what_it_is(const Node& n) {
  switch (n.kind) {
    case Kind::String: return "the string " + yaml::describe_value(n);
    case Kind::Int:
    case Kind::Float: return "the number " + shown(n.text);
    case Kind::Bool: return std::string("the boolean ") + (n.boolean ? "true" : "false");
    case Kind::Null: return "null";
    case Kind::Seq: return "an array";
    case Kind::Map: return "an object";
  }
  return "a value";
}

bool is_integer_node(const Node& n) { return n.kind == Kind::Int || (n.kind == Kind::Float && n.integral_float); }

std::string schema_type_message(const std::string& path, const Node& n, const char* type) {
  return path + ": Invalid value: \"" + json_type_word(n) + "\": " + path + " in body must be of type " + type +
         ": \"" + json_type_word(n) + "\"";
}

void wrong_type(DecodeContext& ctx, const std::string& path, const Node& n, const char* expected,
                std::string hint) {
  std::string message = path.substr(path.rfind('.') + 1) + " must be " + expected +
                         ", not " + what_it_is(n) + "; ";
  const char* schema_type = expected;
  if (std::string_view(expected).find("integer") != std::string_view::npos) schema_type = "integer";
  else if (std::string_view(expected).find("string") != std::string_view::npos) schema_type = "string";
  else if (std::string_view(expected).find("boolean") != std::string_view::npos) schema_type = "boolean";
  else if (std::string_view(expected).find("array") != std::string_view::npos) schema_type = "array";
  else if (std::string_view(expected).find("object") != std::string_view::npos) schema_type = "object";
  message += ctx.flavor == Flavor::Hco ? ctx.decode_rejection()
                                       : ctx.schema_rejection(schema_type_message(path, n, schema_type));
  ctx.error("InvalidType", path, n.mark, std::move(message), std::move(hint));
}

std::string unquote_hint(const Node& n, const std::string& key) {
  if (n.kind == Kind::String) return "remove the quotes: " + key + ": " + shown(n.text);
  return {};
}

template <typename T>
Field<T> start_field(const Node* parent, const std::string& key) {
  Field<T> f;
  if (!parent) return f;
  const Node* n = parent->find(key);
  if (!n) return f;
  f.present = true;
  f.mark = n->mark;
  f.null = n->is_null();
  return f;
}

// Integers: Go decodes into int/int64/uint32 from a JSON integer. A YAML whole float (10.0, 1e3)
// reaches the server as an integer, so it is accepted; a fraction is a type error.
Field<std::int64_t> decode_integer(const Node* parent, const std::string& key, const std::string& path,
                                   DecodeContext& ctx, std::int64_t min, std::int64_t max, const char* go_type) {
  auto f = start_field<std::int64_t>(parent, key);
  if (!f.present || f.null) return f;
  const Node& n = *parent->find(key);
  if (!is_integer_node(n)) {
    f.valid = false;
    std::string hint = unquote_hint(n, key);
    if (n.kind == Kind::String) {
      bool numeric = !n.text.empty();
      for (char c : n.text) numeric = numeric && ((c >= '0' && c <= '9') || c == '-' || c == '+');
      if (!numeric) hint = "write a whole number, e.g. " + key + ": 10";
    } else if (n.kind == Kind::Float) {
      hint = "write a whole number";
    }
    wrong_type(ctx, path, n, "an integer", hint);
    return f;
  }
  const bool fits = n.int_value && *n.int_value >= min && *n.int_value <= max;
  if (!fits) {
    f.valid = false;
    ctx.error("IntegerOutOfRange", path, n.mark,
              key + " is " + shown(n.text) + ", outside the " + go_type + " range " + std::to_string(min) + ".." +
                  std::to_string(max) + "; " + ctx.decode_rejection(),
              min == 0 && n.int_value && *n.int_value < 0 ? "use 0 or a positive number" : "use a smaller number");
    return f;
  }
  f.value = *n.int_value;
  return f;
}

Field<std::uint32_t> decode_uint32(const Node* parent, const std::string& key, const std::string& path,
                                   DecodeContext& ctx) {
  auto wide = decode_integer(parent, key, path, ctx, 0, std::numeric_limits<std::uint32_t>::max(), "uint32");
  Field<std::uint32_t> f;
  f.present = wide.present;
  f.null = wide.null;
  f.valid = wide.valid;
  f.mark = wide.mark;
  if (wide.value) f.value = static_cast<std::uint32_t>(*wide.value);
  return f;
}

Field<std::string> decode_string(const Node* parent, const std::string& key, const std::string& path,
                                 DecodeContext& ctx, std::string hint_if_wrong = {}) {
  auto f = start_field<std::string>(parent, key);
  if (!f.present || f.null) return f;
  const Node& n = *parent->find(key);
  if (n.kind != Kind::String) {
    f.valid = false;
    if (hint_if_wrong.empty() && n.is_scalar()) hint_if_wrong = "quote it: " + key + ": \"" + shown(n.text) + "\"";
    wrong_type(ctx, path, n, "a string", hint_if_wrong);
    return f;
  }
  f.value = n.text;
  return f;
}

Field<bool> decode_bool(const Node* parent, const std::string& key, const std::string& path, DecodeContext& ctx) {
  auto f = start_field<bool>(parent, key);
  if (!f.present || f.null) return f;
  const Node& n = *parent->find(key);
  if (n.kind != Kind::Bool) {
    f.valid = false;
    std::string hint = (n.kind == Kind::String && (n.text == "true" || n.text == "false"))
                           ? "remove the quotes: " + key + ": " + n.text
                           : "write true or false";
    wrong_type(ctx, path, n, "a boolean", hint);
    return f;
  }
  f.value = n.boolean;
  return f;
}

bool check_object(const Node* n, const std::string& path, DecodeContext& ctx) {
  if (!n || n->is_null()) return false;
  if (!n->is_map()) {
    wrong_type(ctx, path, *n, "an object", "");
    return false;
  }
  return true;
}

void decode_methods(const Node& stanza, StrategyStanza& s, DecodeContext& ctx) {
  const Node* n = stanza.find("workloadUpdateMethods");
  if (!n) return;
  const std::string path = yaml::join_path(s.path, "workloadUpdateMethods");
  s.methods_present = true;
  s.methods_mark = n->mark;
  if (n->is_null()) {
    s.methods_null = true;
    return;
  }
  if (!n->is_seq()) {
    s.methods_valid = false;
    std::string hint = n->kind == Kind::String ? "write a list: workloadUpdateMethods: [" + n->text + "]" : "";
    wrong_type(ctx, path, *n, "an array of strings", hint);
    return;
  }
  for (std::size_t i = 0; i < n->items.size(); ++i) {
    const Node& item = n->items[i];
    const std::string item_path = path + "[" + std::to_string(i) + "]";
    if (item.is_null()) {
      // Go decodes null as "", so HCO's webhook lets it through; the schema then refuses it.
      s.methods_valid = false;
      ctx.error("NullListItem", item_path, item.mark,
                "list item is null; " +
                    ctx.schema_rejection(item_path + ": Invalid value: \"null\": " + item_path +
                                         " in body must be of type string: \"null\""),
                "remove the empty \"-\" entry or name a method (LiveMigrate or Evict)");
      s.methods.push_back({"", true, item.mark});
      continue;
    }
    if (item.kind != Kind::String) {
      s.methods_valid = false;
      wrong_type(ctx, item_path, item, "a string", "methods are LiveMigrate and Evict");
      continue;
    }
    s.methods.push_back({item.text, false, item.mark});
  }
}

}  // namespace

const std::vector<std::string>& eviction_strategy_values() {
  static const std::vector<std::string> values{"None", "LiveMigrate", "LiveMigrateIfPossible", "External"};
  return values;
}

StrategyStanza decode_strategy(const Node* node, const std::string& path, DecodeContext& ctx) {
  StrategyStanza s;
  s.path = path;
  if (node) s.mark = node->mark;
  if (!check_object(node, path, ctx)) return s;
  s.present = true;
  ctx.check_unknown_fields(*node, path, kStrategyFields);
  decode_methods(*node, s, ctx);
  s.batch_eviction_size =
      decode_integer(node, "batchEvictionSize", yaml::join_path(path, "batchEvictionSize"), ctx,
                     std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max(), "int64");

  const std::string interval_path = yaml::join_path(path, "batchEvictionInterval");
  const Node* interval = node->find("batchEvictionInterval");
  std::string interval_hint;
  if (interval && is_integer_node(*interval))
    interval_hint = "write a duration string, e.g. batchEvictionInterval: \"" + interval->text + "s\"";
  auto text = decode_string(node, "batchEvictionInterval", interval_path, ctx, interval_hint);
  s.batch_eviction_interval_ns.present = text.present;
  s.batch_eviction_interval_ns.null = text.null;
  s.batch_eviction_interval_ns.valid = text.valid;
  s.batch_eviction_interval_ns.mark = text.mark;
  if (text.value) {
    s.batch_eviction_interval_text = *text.value;
    auto parsed = parse_go_duration(*text.value);
    if (auto* err = std::get_if<DurationError>(&parsed)) {
      s.batch_eviction_interval_ns.valid = false;
      std::string hint = "use Go duration units h, m, s, ms, us or ns, e.g. \"1m0s\" or \"90s\"";
      if (err->message.find("unknown unit \"d\"") != std::string::npos)
        hint = "Go durations have no day unit: write hours, e.g. \"24h\"";
      else if (err->message.find("missing unit") != std::string::npos)
        hint = "add a unit, e.g. \"" + *text.value + "s\"";
      ctx.error("InvalidDuration", interval_path, text.mark, err->message + "; " + ctx.decode_rejection(), hint);
    } else {
      s.batch_eviction_interval_ns.value = std::get<std::int64_t>(parsed);
    }
  }
  return s;
}

MigrationStanza decode_migrations(const Node* node, const std::string& path, DecodeContext& ctx) {
  MigrationStanza m;
  m.path = path;
  if (node) m.mark = node->mark;
  if (!check_object(node, path, ctx)) return m;
  m.present = true;
  const bool kubevirt = ctx.flavor == Flavor::KubeVirt;
  ctx.check_unknown_fields(*node, path, kubevirt ? kKubeVirtMigrationFields : kHcoMigrationFields);
  auto p = [&](const char* key) { return yaml::join_path(path, key); };
  m.parallel_migrations_per_cluster =
      decode_uint32(node, "parallelMigrationsPerCluster", p("parallelMigrationsPerCluster"), ctx);
  m.parallel_outbound_migrations_per_node =
      decode_uint32(node, "parallelOutboundMigrationsPerNode", p("parallelOutboundMigrationsPerNode"), ctx);
  constexpr auto kMin = std::numeric_limits<std::int64_t>::min();
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  m.completion_timeout_per_gib =
      decode_integer(node, "completionTimeoutPerGiB", p("completionTimeoutPerGiB"), ctx, kMin, kMax, "int64");
  m.progress_timeout = decode_integer(node, "progressTimeout", p("progressTimeout"), ctx, kMin, kMax, "int64");
  m.network = decode_string(node, "network", p("network"), ctx);
  m.allow_auto_converge = decode_bool(node, "allowAutoConverge", p("allowAutoConverge"), ctx);
  m.allow_post_copy = decode_bool(node, "allowPostCopy", p("allowPostCopy"), ctx);
  m.allow_workload_disruption = decode_bool(node, "allowWorkloadDisruption", p("allowWorkloadDisruption"), ctx);
  if (kubevirt) {
    (void)decode_bool(node, "disableTLS", p("disableTLS"), ctx);
    (void)decode_bool(node, "matchSELinuxLevelOnMigration", p("matchSELinuxLevelOnMigration"), ctx);
    (void)decode_bool(node, "unsafeMigrationOverride", p("unsafeMigrationOverride"), ctx);
    (void)decode_string(node, "nodeDrainTaintKey", p("nodeDrainTaintKey"), ctx);
    (void)decode_integer(node, "utilityVolumesTimeout", p("utilityVolumesTimeout"), ctx, kMin, kMax, "int64");
    auto downtime = decode_integer(node, "maxDowntimeMs", p("maxDowntimeMs"), ctx, kMin, kMax, "int64");
    if (downtime.value && (*downtime.value < 1 || *downtime.value > 2000000))
      ctx.error("IntegerOutOfRange", p("maxDowntimeMs"), downtime.mark,
                "maxDowntimeMs is " + std::to_string(*downtime.value) + "; " +
                    ctx.schema_rejection(p("maxDowntimeMs") + ": Invalid value: " + std::to_string(*downtime.value) +
                                         ": " + p("maxDowntimeMs") + " in body should be " +
                                         (*downtime.value < 1 ? "greater than or equal to 1"
                                                              : "less than or equal to 2000000")),
                "use a value from 1 to 2000000 milliseconds");
  }

  // bandwidthPerMigration: a string for HCO; int-or-string (a Quantity) for KubeVirt.
  const std::string bw_path = p("bandwidthPerMigration");
  const Node* bw = node->find("bandwidthPerMigration");
  if (bw && kubevirt && is_integer_node(*bw)) {
    m.bandwidth_per_migration.present = true;
    m.bandwidth_per_migration.mark = bw->mark;
    m.bandwidth_per_migration.value = bw->text;
    m.bandwidth_negative = bw->int_value && *bw->int_value < 0;
    return m;
  }
  m.bandwidth_per_migration =
      decode_string(node, "bandwidthPerMigration", bw_path, ctx,
                    bw && bw->is_scalar() ? "write a quantity string, e.g. bandwidthPerMigration: \"" + shown(bw->text) + "Mi\""
                                          : "");
  if (m.bandwidth_per_migration.value) {
    const std::string& q = *m.bandwidth_per_migration.value;
    const yaml::Mark mark = m.bandwidth_per_migration.mark;
    if (!matches_quantity_pattern(q)) {
      m.bandwidth_per_migration.valid = false;
      ctx.error("QuantityPattern", bw_path, mark,
                "\"" + shown(q) + "\" is not a Kubernetes quantity; " +
                    ctx.schema_rejection(bw_path + ": Invalid value: \"" + shown(q) + "\": " + bw_path +
                                         " in body should match '" + kQuantityPattern + "'"),
                "write bytes per second as a quantity, e.g. \"64Mi\" or \"1Gi\" (binary suffixes end in i)");
    } else {
      auto parsed = parse_quantity(q);
      if (!parsed.ok) {
        m.bandwidth_per_migration.valid = false;
        const std::string go_error = "failed to parse the LiveMigrationConfig.bandwidthPerMigration field; " + parsed.error;
        ctx.error("InvalidQuantity", bw_path, mark,
                  "\"" + shown(q) + "\" matches the CRD pattern but does not parse: " +
                      (kubevirt ? parsed.error + "; " + ctx.decode_rejection()
                                : "HCO's validating webhook denies it: " + go_error),
                  "exponents must be whole numbers, e.g. \"1e6\"; or use a suffix such as \"64Mi\"");
      } else {
        m.bandwidth_negative = parsed.negative;
      }
    }
  }
  return m;
}

EvictionStrategyField decode_eviction_strategy(const Node* parent, const std::string& path, DecodeContext& ctx) {
  EvictionStrategyField e;
  e.path = path;
  const std::string key = path.substr(path.rfind('.') == std::string::npos ? 0 : path.rfind('.') + 1);
  e.value = decode_string(parent, key, path, ctx);
  if (!e.value.value) return e;
  const std::string& v = *e.value.value;
  const auto& allowed = eviction_strategy_values();
  bool known = false;
  for (const auto& a : allowed) known = known || a == v;
  if (known) return e;
  std::string hint = "use one of None, LiveMigrate, LiveMigrateIfPossible, External";
  if (auto near = util::did_you_mean(v, allowed)) hint = "did you mean \"" + *near + "\"?";
  if (ctx.flavor == Flavor::Hco) {
    e.value.valid = false;
    ctx.error("UnsupportedEvictionStrategy", path, e.value.mark,
              "evictionStrategy \"" + v + "\" is not supported; " +
                  ctx.schema_rejection(path + ": Unsupported value: \"" + v +
                                       "\": supported values: \"None\", \"LiveMigrate\", \"LiveMigrateIfPossible\", "
                                       "\"External\""),
              hint);
  } else {
    // The KubeVirt CRD has no enum here (only HCO's has), so the value is stored as written.
    ctx.advise("UnknownEvictionStrategy", path, e.value.mark,
               "evictionStrategy \"" + v + "\" is not a strategy KubeVirt knows; the KubeVirt CRD accepts it, but "
               "it matches none of None, LiveMigrate, LiveMigrateIfPossible and External, so it will not "
               "protect VMIs the way you intended",
               hint);
  }
  return e;
}

}  // namespace wu::strategy

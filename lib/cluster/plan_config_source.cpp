#include "cluster/plan_config_source.hpp"

#include "strategy/document_validator.hpp"
#include "yaml/from_json.hpp"

namespace wu::cluster {

namespace {

const nlohmann::json* at(const nlohmann::json& j, std::initializer_list<const char*> path) {
  const nlohmann::json* cur = &j;
  for (const char* key : path) {
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(key);
    if (it == cur->end() || it->is_null()) return nullptr;
    cur = &*it;
  }
  return cur;
}

std::string label(const nlohmann::json& o, const char* kind) {
  const auto* ns = at(o, {"metadata", "namespace"});
  const auto* name = at(o, {"metadata", "name"});
  std::string out = kind;
  out += " ";
  if (ns && ns->is_string()) out += ns->get<std::string>() + "/";
  if (name && name->is_string()) out += name->get<std::string>();
  return out;
}

// The object's effective strategy through the same code as `validate`, plus its error messages.
std::optional<strategy::EffectiveStrategy> effective_of(const nlohmann::json& o, std::vector<std::string>& problems,
                                                         const std::string& what) {
  yaml::Document doc;
  doc.root = yaml::from_json(o);
  strategy::ValidateOptions options;
  options.field_validation = strategy::FieldValidation::Ignore;
  auto report = strategy::validate_object(what, doc, options);
  for (const auto& f : report.findings)
    if (f.severity == strategy::Severity::Error) problems.push_back(what + ": " + f.path + ": " + f.message);
  if (report.documents.empty() || !report.documents[0].effective) return std::nullopt;
  return report.documents[0].effective;
}

std::optional<std::uint32_t> uint32_at(const nlohmann::json* v) {
  if (!v || !v->is_number_integer()) return std::nullopt;
  const auto n = v->get<std::int64_t>();
  if (n < 0 || n > 4294967295LL) return std::nullopt;
  return static_cast<std::uint32_t>(n);
}

}  // namespace

PlanConfigSource plan_config_from(const Snapshot& s, const ConfigOverrides& overrides) {
  PlanConfigSource out;
  decide::PlanConfig& c = out.config;
  const nlohmann::json* hco = s.hyperconverged_objects.empty() ? nullptr : &s.hyperconverged_objects.front();
  const nlohmann::json* kv = s.kubevirt_objects.empty() ? nullptr : &s.kubevirt_objects.front();

  std::optional<strategy::EffectiveStrategy> eff;
  if (hco) {
    out.from = label(*hco, "HyperConverged");
    eff = effective_of(*hco, out.problems, out.from);
  } else if (kv) {
    out.from = label(*kv, "KubeVirt");
    eff = effective_of(*kv, out.problems, out.from);
  } else {
    out.from = "defaults (no HyperConverged or KubeVirt CR found)";
    eff = strategy::kubevirt_defaults();
  }
  const strategy::EffectiveStrategy defaults = hco ? strategy::hco_defaults() : strategy::kubevirt_defaults();
  if (eff) {
    c.methods = eff->workload_update_methods.value_or(*defaults.workload_update_methods);
    c.batch_eviction_size = eff->batch_eviction_size.value_or(*defaults.batch_eviction_size);
    c.batch_eviction_interval_ns = eff->batch_eviction_interval_ns.value_or(*defaults.batch_eviction_interval_ns);
  }

  // Limits: the HyperConverged CR's liveMigrationConfig, else KubeVirt's migrations, else 5 and 2.
  const nlohmann::json* hco_migrations = nullptr;
  if (hco) {
    const auto* api = at(*hco, {"apiVersion"});
    hco_migrations = api && *api == "hco.kubevirt.io/v1" ? at(*hco, {"spec", "virtualization", "liveMigrationConfig"})
                                                         : at(*hco, {"spec", "liveMigrationConfig"});
  }
  const nlohmann::json* kv_migrations = kv ? at(*kv, {"spec", "configuration", "migrations"}) : nullptr;
  auto limit = [&](const char* key, std::uint32_t fallback) {
    if (hco_migrations)
      if (auto v = uint32_at(at(*hco_migrations, {key}))) return *v;
    if (kv_migrations)
      if (auto v = uint32_at(at(*kv_migrations, {key}))) return *v;
    return fallback;
  };
  c.parallel_migrations_per_cluster = limit("parallelMigrationsPerCluster", 5);
  c.parallel_outbound_migrations_per_node = limit("parallelOutboundMigrationsPerNode", 2);

  // The cluster-wide evictionStrategy KubeVirt applies is the KubeVirt CR's (HCO copies its own there).
  if (kv) {
    if (const auto* e = at(*kv, {"spec", "configuration", "evictionStrategy"}); e && e->is_string())
      c.cluster_eviction_strategy = e->get<std::string>();
  } else if (eff && eff->eviction_strategy) {
    c.cluster_eviction_strategy = *eff->eviction_strategy;
  }

  if (overrides.methods) c.methods = *overrides.methods;
  if (overrides.batch_eviction_size) c.batch_eviction_size = *overrides.batch_eviction_size;
  if (overrides.batch_eviction_interval_ns) c.batch_eviction_interval_ns = *overrides.batch_eviction_interval_ns;
  if (overrides.parallel_migrations_per_cluster) c.parallel_migrations_per_cluster = *overrides.parallel_migrations_per_cluster;
  if (overrides.parallel_outbound_migrations_per_node)
    c.parallel_outbound_migrations_per_node = *overrides.parallel_outbound_migrations_per_node;
  if (overrides.eviction_strategy) c.cluster_eviction_strategy = *overrides.eviction_strategy;
  c.pre_upgrade = overrides.pre_upgrade;
  return out;
}

}  // namespace wu::cluster

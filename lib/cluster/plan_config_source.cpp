#include "cluster/plan_config_source.hpp"

#include "cluster/config_objects.hpp"
#include "strategy/document_validator.hpp"
#include "strategy/kubevirt_drift.hpp"
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
  const nlohmann::json* hco = hyperconverged_objects(s).empty() ? nullptr : &hyperconverged_objects(s).front();
  const nlohmann::json* kv = kubevirt_objects(s).empty() ? nullptr : &kubevirt_objects(s).front();

  std::optional<strategy::EffectiveStrategy> eff;
  std::optional<strategy::EffectiveStrategy> hco_eff;
  std::string hco_from;
  if (hco) {
    hco_from = label(*hco, "HyperConverged");
    std::vector<std::string> hco_problems;
    hco_eff = effective_of(*hco, kv ? hco_problems : out.problems, hco_from);
  }
  if (kv) {
    out.from = label(*kv, "KubeVirt");
    eff = effective_of(*kv, out.problems, out.from);
  } else if (hco) {
    out.from = hco_from + " (no KubeVirt CR found)";
    eff = hco_eff;
    out.warnings.push_back(
        {"NoKubeVirtCR", "",
         "no KubeVirt CR in the input: predicted from the HyperConverged CR and HCO's defaults, which HCO copies into "
         "the KubeVirt CR that KubeVirt really reads",
         "include the KubeVirt CR (oc get kubevirt -A -o json) for an exact prediction"});
  } else {
    out.from = "defaults (no HyperConverged or KubeVirt CR found)";
    eff = strategy::kubevirt_defaults();
  }
  const strategy::EffectiveStrategy defaults = kv || !hco ? strategy::kubevirt_defaults() : strategy::hco_defaults();
  if (eff) {
    c.methods = eff->workload_update_methods.value_or(*defaults.workload_update_methods);
    c.batch_eviction_size = eff->batch_eviction_size.value_or(*defaults.batch_eviction_size);
    c.batch_eviction_interval_ns = eff->batch_eviction_interval_ns.value_or(*defaults.batch_eviction_interval_ns);
  }

  // Limits: the KubeVirt CR's spec.configuration.migrations (HCO's liveMigrationConfig only without a
  // KubeVirt CR), else KubeVirt's defaults 5 and 2.
  const nlohmann::json* migrations = nullptr;
  if (kv) {
    migrations = at(*kv, {"spec", "configuration", "migrations"});
  } else if (hco) {
    const auto* api = at(*hco, {"apiVersion"});
    migrations = api && *api == "hco.kubevirt.io/v1" ? at(*hco, {"spec", "virtualization", "liveMigrationConfig"})
                                                     : at(*hco, {"spec", "liveMigrationConfig"});
  }
  auto limit = [&](const char* key, std::uint32_t fallback) {
    if (migrations)
      if (auto v = uint32_at(at(*migrations, {key}))) return *v;
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

  // HCO rebuilds the KubeVirt CR from the HyperConverged CR; a field that differs is what KubeVirt
  // really uses, and the admin must know the HyperConverged CR does not show it.
  if (kv && hco_eff) {
    const auto* jsonpatch = at(*hco, {"metadata", "annotations", "kubevirt.kubevirt.io/jsonpatch"});
    for (auto& f : strategy::find_kubevirt_drift({*hco_eff, *kv, jsonpatch != nullptr}))
      out.warnings.push_back({f.code, f.path, f.message, f.hint});
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

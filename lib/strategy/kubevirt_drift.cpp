#include "strategy/kubevirt_drift.hpp"

#include <variant>

#include "util/go_duration.hpp"
#include "strategy/quantity.hpp"

namespace wu::strategy {

using util::DurationError;
using util::format_go_duration;
using util::parse_go_duration;

namespace {

std::string show(const nlohmann::json* v) { return v ? v->dump() : "unset"; }

bool is_zero_quantity(const nlohmann::json* v) {
  if (!v) return true;  // KubeVirt: unset bandwidth means 0, no limit
  if (v->is_number()) return *v == 0;
  return v->is_string() && parse_quantity(v->get<std::string>()).zero;
}

// Durations compare by value: "1m" and "1m0s" are the same setting.
bool same_value(const nlohmann::json* want, const nlohmann::json* have, bool duration) {
  if (!want || !have) return !want && !have;
  if (duration && want->is_string() && have->is_string()) {
    auto a = parse_go_duration(want->get<std::string>());
    auto b = parse_go_duration(have->get<std::string>());
    if (std::holds_alternative<std::int64_t>(a) && std::holds_alternative<std::int64_t>(b))
      return std::get<std::int64_t>(a) == std::get<std::int64_t>(b);
  }
  return *want == *have;
}

}  // namespace

std::vector<Finding> find_kubevirt_drift(const DriftInput& in) {
  std::vector<Finding> out;
  const nlohmann::json projected = kubevirt_projection(in.hco);
  const nlohmann::json& spec = in.kubevirt.contains("spec") ? in.kubevirt["spec"] : nlohmann::json::object();
  enum class Compare { Exact, Duration, Quantity, FollowsPostCopy };
  struct Field {
    std::vector<const char*> path;  // under KubeVirt spec
    Compare compare = Compare::Exact;
  };
  const std::vector<Field> fields{
      {{"workloadUpdateStrategy", "workloadUpdateMethods"}},
      {{"workloadUpdateStrategy", "batchEvictionSize"}},
      {{"workloadUpdateStrategy", "batchEvictionInterval"}, Compare::Duration},
      {{"configuration", "migrations", "parallelMigrationsPerCluster"}},
      {{"configuration", "migrations", "parallelOutboundMigrationsPerNode"}},
      {{"configuration", "migrations", "bandwidthPerMigration"}, Compare::Quantity},
      {{"configuration", "migrations", "completionTimeoutPerGiB"}},
      {{"configuration", "migrations", "progressTimeout"}},
      {{"configuration", "migrations", "network"}},
      {{"configuration", "migrations", "allowAutoConverge"}},
      {{"configuration", "migrations", "allowPostCopy"}},
      {{"configuration", "migrations", "allowWorkloadDisruption"}, Compare::FollowsPostCopy},
      {{"configuration", "evictionStrategy"}},
  };
  auto lookup = [](const nlohmann::json& root, const std::vector<const char*>& path) -> const nlohmann::json* {
    const nlohmann::json* cur = &root;
    for (const char* key : path) {
      if (!cur->is_object() || !cur->contains(key)) return nullptr;
      cur = &(*cur)[key];
    }
    return cur->is_null() ? nullptr : cur;
  };
  for (const auto& f : fields) {
    const nlohmann::json* want = lookup(projected, f.path);
    const nlohmann::json* have = lookup(spec, f.path);
    // Differences KubeVirt cannot tell apart are not drift: an unset bandwidth is 0 (no limit), and an
    // unset allowWorkloadDisruption follows allowPostCopy.
    if (f.compare == Compare::Quantity && is_zero_quantity(want) && is_zero_quantity(have)) continue;
    if (f.compare == Compare::FollowsPostCopy) {
      const nlohmann::json* want_pc = lookup(projected, {"configuration", "migrations", "allowPostCopy"});
      const nlohmann::json* have_pc = lookup(spec, {"configuration", "migrations", "allowPostCopy"});
      auto resolved = [](const nlohmann::json* v, const nlohmann::json* post_copy) {
        if (v && v->is_boolean()) return v->get<bool>();
        return post_copy && post_copy->is_boolean() && post_copy->get<bool>();
      };
      if (resolved(want, want_pc) == resolved(have, have_pc)) continue;
    }
    if (same_value(want, have, f.compare == Compare::Duration)) continue;
    std::string path = "spec";
    for (const char* key : f.path) path += std::string(".") + key;
    Finding d;
    d.severity = Severity::Warning;
    d.code = "KubeVirtDrift";
    d.path = path;
    d.message = "the KubeVirt CR has " + path + " = " + show(have) + ", but the HyperConverged CR sets " + show(want) +
                "; HCO normally overwrites the KubeVirt CR on every reconcile, so KubeVirt is running with a "
                "setting the HyperConverged CR does not show";
    d.hint = in.hco_has_jsonpatch
                 ? "the HyperConverged CR has a kubevirt.kubevirt.io/jsonpatch annotation, which can cause this; "
                   "check it"
                 : "check that HCO is reconciling (its ReconcileComplete condition) and edit the HyperConverged "
                   "CR, not the KubeVirt CR";
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace wu::strategy

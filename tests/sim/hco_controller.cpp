#include "hco_controller.hpp"

#include <cmath>
#include <cstdint>
#include <cstdio>

#include "cluster_writer.hpp"
#include "durations.hpp"
#include "patch.hpp"
#include "resources.hpp"
#include "services.hpp"
#include "status_errors.hpp"

namespace sim {

using nlohmann::json;

namespace hco {

namespace {

constexpr const char* kHcoName = "kubevirt-hyperconverged";            // hcoutil.HyperConvergedName
constexpr const char* kKubeVirtName = "kubevirt-kubevirt-hyperconverged";  // NewKubeVirtWithNameOnly

const ResourceInfo& hyperconvergeds() { return *findResource("hco.kubevirt.io", "v1beta1", "hyperconvergeds"); }
const ResourceInfo& kubevirts() { return *findResource("kubevirt.io", "v1", "kubevirts"); }

bool present(const json& o, const char* key) { return o.is_object() && o.contains(key) && !o[key].is_null(); }

// time.Duration.String() for the part below one second: "1.5ms", "500µs", "250ns".
std::string fraction(int64_t v, int64_t unit, const char* suffix) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(v / unit));
  std::string out = buf;
  int64_t rest = v % unit;
  if (rest) {
    std::string digits;
    for (int64_t d = unit / 10; d >= 1; d /= 10) {
      digits += static_cast<char>('0' + rest / d);
      rest %= d;
    }
    while (!digits.empty() && digits.back() == '0') digits.pop_back();
    out += "." + digits;
  }
  return out + suffix;
}

}  // namespace

std::string goDuration(double seconds) {
  const int64_t ns = static_cast<int64_t>(std::llround(seconds * 1e9));
  if (ns == 0) return "0s";
  const bool neg = ns < 0;
  const int64_t u = neg ? -ns : ns;
  std::string out;
  if (u < 1000) out = std::to_string(u) + "ns";
  else if (u < 1000000) out = fraction(u, 1000, "\u00b5s");
  else if (u < 1000000000) out = fraction(u, 1000000, "ms");
  else {
    const int64_t h = u / 3600000000000LL, m = (u / 60000000000LL) % 60;
    const std::string sec = fraction(u % 60000000000LL, 1000000000, "s");
    if (h) out = std::to_string(h) + "h" + std::to_string(m) + "m" + sec;
    else if (m) out = std::to_string(m) + "m" + sec;
    else out = sec;
  }
  return neg ? "-" + out : out;
}

std::optional<json> desiredKubeVirt(const json& hc, const json& kv, std::string* error) {
  const json spec = hc.value("spec", json::object());

  // spec.workloadUpdateStrategy: the HyperConverged CRD's defaults (api/v1beta1 hyperconverged_types.go:
  // {"workloadUpdateMethods": ["LiveMigrate"], "batchEvictionSize": 10, "batchEvictionInterval": "1m0s"}, and the
  // same per field in HyperConvergedWorkloadUpdateStrategy), then hcWorkloadUpdateStrategyToKv: interval and size
  // copied, the methods only when the list is not empty (an empty list leaves the KubeVirt key out).
  json hs = present(spec, "workloadUpdateStrategy") ? spec["workloadUpdateStrategy"] : json::object();
  if (!present(hs, "workloadUpdateMethods")) hs["workloadUpdateMethods"] = {"LiveMigrate"};
  if (!present(hs, "batchEvictionSize")) hs["batchEvictionSize"] = 10;
  if (!present(hs, "batchEvictionInterval")) hs["batchEvictionInterval"] = "1m0s";
  json ws = json::object();
  if (auto d = parseDurationSeconds(hs["batchEvictionInterval"]); d && hs["batchEvictionInterval"].is_string())
    ws["batchEvictionInterval"] = goDuration(*d);  // a metav1.Duration marshals as Duration.String()
  else
    ws["batchEvictionInterval"] = hs["batchEvictionInterval"];
  ws["batchEvictionSize"] = hs["batchEvictionSize"];
  if (hs["workloadUpdateMethods"].is_array() && !hs["workloadUpdateMethods"].empty())
    ws["workloadUpdateMethods"] = hs["workloadUpdateMethods"];

  // spec.liveMigrationConfig: CRD defaults (completionTimeoutPerGiB 20, parallelMigrationsPerCluster 5,
  // parallelOutboundMigrationsPerNode 1, progressTimeout 150, allowAutoConverge/allowPostCopy/allowWorkloadDisruption
  // false), then hcLiveMigrationToKv copies each field to spec.configuration.migrations.
  json lm = present(spec, "liveMigrationConfig") ? spec["liveMigrationConfig"] : json::object();
  const json lmDefaults = {{"completionTimeoutPerGiB", 20}, {"parallelMigrationsPerCluster", 5},
                           {"parallelOutboundMigrationsPerNode", 1}, {"progressTimeout", 150},
                           {"allowAutoConverge", false}, {"allowPostCopy", false}, {"allowWorkloadDisruption", false}};
  for (auto& [k, v] : lmDefaults.items())
    if (!present(lm, k.c_str())) lm[k] = v;
  json migrations = json::object();
  for (const char* k : {"bandwidthPerMigration", "completionTimeoutPerGiB", "parallelOutboundMigrationsPerNode",
                        "parallelMigrationsPerCluster", "progressTimeout", "network", "allowAutoConverge",
                        "allowPostCopy", "allowWorkloadDisruption"})
    if (present(lm, k)) migrations[k] = lm[k];

  // spec.evictionStrategy: getKVConfig copies it; unset, the HCO mutating webhook
  // (mutateV1beta1EvictionStrategy) makes it LiveMigrate on a highly available infrastructure, None otherwise,
  // once status.infrastructureHighlyAvailable is known.
  json eviction;
  if (present(spec, "evictionStrategy")) eviction = spec["evictionStrategy"];
  else if (hc.contains("/status/infrastructureHighlyAvailable"_json_pointer) &&
           hc["status"]["infrastructureHighlyAvailable"].is_boolean())
    eviction = hc["status"]["infrastructureHighlyAvailable"].get<bool>() ? "LiveMigrate" : "None";

  json out = kv;
  out["spec"]["workloadUpdateStrategy"] = ws;
  out["spec"]["configuration"]["migrations"] = migrations;
  if (eviction.is_null()) out["spec"]["configuration"].erase("evictionStrategy");
  else out["spec"]["configuration"]["evictionStrategy"] = eviction;

  // NewKubeVirt -> operands.ApplyPatchToSpec: the annotation is an RFC 6902 patch whose every path must be
  // under /spec/ ("can only modify spec fields"), applied to the KubeVirt object.
  const json& annotations = hc.value("/metadata/annotations"_json_pointer, json::object());
  if (annotations.is_object() && annotations.contains(kJsonPatchAnnotation)) {
    const json& raw = annotations[kJsonPatchAnnotation];
    json ops = raw.is_string() ? json::parse(raw.get<std::string>(), nullptr, false) : json();
    std::string why;
    if (ops.is_discarded() || !ops.is_array()) why = "the annotation is not a JSON patch";
    else
      for (const auto& op : ops)
        if (!op.is_object() || !op.contains("path") || !op["path"].is_string() ||
            op["path"].get<std::string>().rfind("/spec/", 0) != 0)
          why = "can only modify spec fields";
    if (why.empty()) {
      try {
        out = applyJsonPatch(out, ops);
      } catch (const PatchError& e) {
        why = e.what();
      }
    }
    if (!why.empty()) {
      if (error) *error = std::string("invalid jsonPatch in the ") + kJsonPatchAnnotation + " annotation: " + why;
      return std::nullopt;
    }
  }
  return out;
}

}  // namespace hco

void HcoController::observe(const StoreEvent& ev) {
  const std::string& p = ev.resource->plural;
  if (p == "hyperconvergeds" || p == "kubevirts") dirty_ = true;
}

void HcoController::tick(Services& s, std::chrono::system_clock::time_point) {
  auto k = s.knobs.snapshot();
  if (k.contains("hcoReconcile") && k["hcoReconcile"] == false) {
    dirty_ = true;  // reconciled again as soon as the knob is switched back on
    return;
  }
  if (!dirty_.exchange(false)) return;
  reconcile(s);
}

void HcoController::reconcile(Services& s) {
  if (auto k = s.knobs.snapshot(); k.contains("hcoReconcile") && k["hcoReconcile"] == false) return;
  // The HCO reconciles the HyperConverged CR named kubevirt-hyperconverged (in its own namespace).
  std::optional<json> hc;
  int found = 0;
  for (auto& o : s.store.all(hco::hyperconvergeds()))
    if (o["metadata"].value("name", "") == hco::kHcoName && !o["metadata"].contains("deletionTimestamp")) {
      hc = std::move(o);
      ++found;
    }
  if (found != 1) return;
  // It owns the KubeVirt CR kubevirt-kubevirt-hyperconverged in the same namespace. Scenarios (and the generated
  // fleet) may name it otherwise: then the one KubeVirt CR of the cluster, if there is exactly one.
  const std::string ns = hc->value("/metadata/namespace"_json_pointer, "");
  ObjPtr owned = s.store.get(hco::kubevirts(), ns, hco::kKubeVirtName);
  if (!owned) {
    auto all = s.store.list(hco::kubevirts(), {}).items;
    if (all.size() != 1) return;
    owned = all[0];
  }
  json kv = owned->parse();
  if (kv["metadata"].contains("deletionTimestamp")) return;
  std::string error;
  auto want = hco::desiredKubeVirt(*hc, kv, &error);
  if (!want || (*want)["spec"] == kv["spec"]) return;  // an invalid patch: HCO's reconcile fails, nothing is written
  ClusterWriter w(s, "hco");
  const json spec = (*want)["spec"];
  try {
    // KVHandler UpdateCR: the whole spec replaced by the opinionated one (Client.Update).
    w.modify(hco::kubevirts(), owned->ns, owned->name, [&](json& o) {
      if (o["spec"] == spec) return;
      o["spec"] = spec;
      o["metadata"]["generation"] = o["metadata"].value("generation", 0) + 1;
    }, "reconciled from HyperConverged " + ns + "/" + hco::kHcoName, "");
  } catch (const ApiError&) {
    // A conflicting write; the store event marks the pair dirty again.
  }
}

}  // namespace sim

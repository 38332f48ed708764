#include "update/updater_pause.hpp"

#include <chrono>
#include <thread>

#include "cluster/config_objects.hpp"
#include "cluster/resources.hpp"
#include "kube/api_error.hpp"
#include "kube/errors.hpp"

namespace wu::update {

namespace {

const char* kMethodsPath = "/spec/workloadUpdateStrategy/workloadUpdateMethods";

kube::ResourceRef ref_of(const UpdaterPause& p) {
  return (p.kind == "HyperConverged" ? cluster::kHyperConvergeds : cluster::kKubeVirts).in(p.namespace_).named(p.name);
}

std::string label_of(const UpdaterPause& p) { return p.kind + " " + p.namespace_ + "/" + p.name; }

std::string methods_text(const std::optional<std::vector<std::string>>& m) {
  if (!m) return "unset (the default)";
  std::string s = "[";
  for (std::size_t i = 0; i < m->size(); ++i) s += (i ? ", " : "") + (*m)[i];
  return s + "]";
}

std::optional<std::vector<std::string>> methods_of(const nlohmann::json& o) {
  const auto spec = o.value("spec", nlohmann::json::object());
  const auto strategy = spec.value("workloadUpdateStrategy", nlohmann::json::object());
  const auto it = strategy.find("workloadUpdateMethods");
  if (it == strategy.end() || !it->is_array()) return std::nullopt;
  std::vector<std::string> out;
  for (const auto& m : *it)
    if (m.is_string()) out.push_back(m.get<std::string>());
  return out;
}

bool has_strategy(const nlohmann::json& o) {
  return o.value("spec", nlohmann::json::object()).contains("workloadUpdateStrategy");
}

}  // namespace

std::optional<UpdaterPause> pause_target(const cluster::Snapshot& config) {
  const nlohmann::json* o = nullptr;
  UpdaterPause p;
  if (const auto& hcos = cluster::hyperconverged_objects(config); !hcos.empty()) {
    o = &hcos.front();
    p.kind = "HyperConverged";
  } else if (const auto& kvs = cluster::kubevirt_objects(config); !kvs.empty()) {
    o = &kvs.front();
    p.kind = "KubeVirt";
  } else {
    return std::nullopt;
  }
  const auto md = o->value("metadata", nlohmann::json::object());
  p.namespace_ = md.value("namespace", "");
  p.name = md.value("name", "");
  p.methods = methods_of(*o);
  // An absent field means HCO's default [LiveMigrate] (the KubeVirt CR's default is no methods).
  if (p.methods ? p.methods->empty() : p.kind == "KubeVirt") return std::nullopt;
  return p;
}

std::string to_annotation(const UpdaterPause& p) {
  nlohmann::json j = {{"kind", p.kind}, {"namespace", p.namespace_}, {"name", p.name}};
  j["methods"] = p.methods ? nlohmann::json(*p.methods) : nlohmann::json(nullptr);
  return j.dump();
}

std::optional<UpdaterPause> pause_from_annotation(const std::string& value) {
  const auto j = nlohmann::json::parse(value, nullptr, false);
  if (!j.is_object() || !j.contains("kind") || !j["kind"].is_string() || !j.contains("name")) return std::nullopt;
  UpdaterPause p;
  p.kind = j["kind"].get<std::string>();
  if (p.kind != "HyperConverged" && p.kind != "KubeVirt") return std::nullopt;
  p.namespace_ = j.value("namespace", "");
  p.name = j.value("name", "");
  if (j.contains("methods") && j["methods"].is_array()) {
    std::vector<std::string> m;
    for (const auto& x : j["methods"])
      if (x.is_string()) m.push_back(x.get<std::string>());
    p.methods = m;
  }
  return p;
}

std::string describe_pause(const UpdaterPause& p) {
  return "workloadUpdateMethods " + methods_text(p.methods) + " on " + label_of(p) +
         " is set to [] for the run (KubeVirt's updater switched off) and restored when it ends";
}

void apply_pause(kube::Client& client, const UpdaterPause& p) {
  const auto ref = ref_of(p);
  nlohmann::json patch = nlohmann::json::array();
  if (p.methods) {
    patch.push_back({{"op", "test"}, {"path", kMethodsPath}, {"value", *p.methods}});
    patch.push_back({{"op", "replace"}, {"path", kMethodsPath}, {"value", nlohmann::json::array()}});
  } else {
    // Absent: add it (and the strategy object when that is absent too), tested by a fresh read.
    const nlohmann::json current = client.get(ref);
    if (methods_of(current)) throw kube::KubeError(label_of(p) + ": workloadUpdateMethods was set meanwhile; run again");
    if (has_strategy(current))
      patch.push_back({{"op", "add"}, {"path", kMethodsPath}, {"value", nlohmann::json::array()}});
    else
      patch.push_back({{"op", "add"},
                       {"path", "/spec/workloadUpdateStrategy"},
                       {"value", {{"workloadUpdateMethods", nlohmann::json::array()}}}});
  }
  try {
    client.patch(ref, kube::PatchType::Json, patch);
  } catch (const kube::ApiError& e) {
    if (e.code() == 422 || e.code() == 409 || e.code() == 400)
      throw kube::KubeError(label_of(p) + ": workloadUpdateMethods changed since it was read (" + e.what() +
                            "); nothing was paused, run again");
    throw;
  }
}

bool wait_until_kubevirt_paused(kube::Client& client, int timeout_seconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  for (;;) {
    bool paused = true;
    for (const auto& kv : client.list(cluster::kKubeVirts)) {
      // Absent is empty on the KubeVirt CR: HCO's [] arrives as nothing (KubeVirtWorkloadUpdateStrategy in
      // staging/src/kubevirt.io/api/core/v1/types.go: workloadUpdateMethods is omitempty).
      const auto m = methods_of(kv);
      paused = paused && (!m || m->empty());
    }
    if (paused) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
}

RestoreResult restore_pause(kube::Client& client, const UpdaterPause& p) {
  RestoreResult r;
  const auto ref = ref_of(p);
  nlohmann::json patch = nlohmann::json::array({{{"op", "test"}, {"path", kMethodsPath}, {"value", nlohmann::json::array()}}});
  if (p.methods) patch.push_back({{"op", "replace"}, {"path", kMethodsPath}, {"value", *p.methods}});
  else patch.push_back({{"op", "remove"}, {"path", kMethodsPath}});
  try {
    client.patch(ref, kube::PatchType::Json, patch);
    r.restored = true;
    r.message = "workloadUpdateMethods on " + label_of(p) + " restored to " + methods_text(p.methods);
  } catch (const kube::ApiError& e) {
    if (e.code() == 422 || e.code() == 409 || e.code() == 400) {
      std::string now = "something else";
      try {
        now = methods_text(methods_of(client.get(ref)));
      } catch (const std::exception&) {
      }
      r.changed_meanwhile = true;
      r.message = "workloadUpdateMethods on " + label_of(p) + " was changed during the run (now " + now +
                  "); left as it is, not restored to " + methods_text(p.methods);
    } else {
      r.message = "could not restore workloadUpdateMethods on " + label_of(p) + " to " + methods_text(p.methods) +
                  " (" + e.what() + "); set it back by hand, or run `abort` to try again";
    }
  } catch (const std::exception& e) {
    r.message = "could not restore workloadUpdateMethods on " + label_of(p) + " to " + methods_text(p.methods) +
                " (" + e.what() + "); set it back by hand, or run `abort` to try again";
  }
  return r;
}

}  // namespace wu::update

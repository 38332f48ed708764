#include "kubevirt_model.hpp"

#include <algorithm>

#include "ids.hpp"

namespace sim::kv {

using nlohmann::json;

namespace {
const ResourceInfo& res(const char* g, const char* v, const char* p) { return *findResource(g, v, p); }
}  // namespace

const ResourceInfo& vmis() { return res("kubevirt.io", "v1", "virtualmachineinstances"); }
const ResourceInfo& vmims() { return res("kubevirt.io", "v1", "virtualmachineinstancemigrations"); }
const ResourceInfo& vms() { return res("kubevirt.io", "v1", "virtualmachines"); }
const ResourceInfo& pods() { return res("", "v1", "pods"); }
const ResourceInfo& nodes() { return res("", "v1", "nodes"); }
const ResourceInfo& kubevirts() { return res("kubevirt.io", "v1", "kubevirts"); }
const ResourceInfo& deployments() { return res("apps", "v1", "deployments"); }
const ResourceInfo& events() { return res("", "v1", "events"); }

std::string str(const json& j, const std::string& pointer) {
  const json::json_pointer p(pointer);
  return j.contains(p) && j.at(p).is_string() ? j.at(p).get<std::string>() : "";
}

bool hasAnnotation(const json& obj, const std::string& key) {
  auto md = obj.find("metadata");
  if (md == obj.end() || !md->contains("annotations") || !(*md)["annotations"].is_object()) return false;
  return (*md)["annotations"].contains(key);
}

std::string annotation(const json& obj, const std::string& key) {
  if (!hasAnnotation(obj, key)) return "";
  const json& v = obj["metadata"]["annotations"][key];
  return v.is_string() ? v.get<std::string>() : "";
}

bool isFinal(const std::string& phase) { return phase == "Succeeded" || phase == "Failed"; }

bool migrationPhaseIsRunning(const std::string& p) {
  return !(p.empty() || p == "Pending" || p == "Failed" || p == "Succeeded" || p == "WaitingForSync" ||
           p == "Synchronizing");
}

int priorityRank(const std::string& p) {
  if (p == "system-critical") return 100;
  if (p == "user-triggered") return 50;
  if (p == "system-maintenance") return 20;
  return 0;
}

bool vmiIsMigrating(const json& vmi, std::chrono::system_clock::time_point now) {
  std::chrono::system_clock::time_point start, end;
  if (!parseRfc3339(str(vmi, "/status/migrationState/startTimestamp"), start) || start > now) return false;
  const std::string e = str(vmi, "/status/migrationState/endTimestamp");
  return e.empty() || (parseRfc3339(e, end) && end > now);
}

bool vmiHasCondition(const json& vmi, const std::string& type, const char* status) {
  const json::json_pointer p("/status/conditions");
  if (!vmi.contains(p) || !vmi.at(p).is_array()) return false;
  for (const auto& c : vmi.at(p))
    if (c.value("type", "") == type) return !status || c.value("status", "") == status;
  return false;
}

std::optional<json> kubevirtCR(const Store& s) {
  auto all = s.all(kubevirts());
  if (all.size() != 1) return std::nullopt;
  return all[0];
}

std::string currentLauncherImage(const Store& s) {
  for (const auto& d : s.all(deployments())) {
    if (d["metadata"].value("name", "") != "virt-controller") continue;
    // During a rollout the old virt-controller still leads (rollout_controller.cpp).
    const std::string running = annotation(d, "sim.kubevirt.io/running-launcher-image");
    if (!running.empty()) return running;
    const json::json_pointer cp("/spec/template/spec/containers");
    if (!d.contains(cp)) continue;
    for (const auto& c : d.at(cp)) {
      std::vector<std::string> args;
      for (const char* k : {"command", "args"})
        if (c.contains(k) && c[k].is_array())
          for (const auto& a : c[k])
            if (a.is_string()) args.push_back(a.get<std::string>());
      for (size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--launcher-image" && i + 1 < args.size()) return args[i + 1];
        if (args[i].rfind("--launcher-image=", 0) == 0) return args[i].substr(17);
      }
    }
  }
  return "";
}

MigrationLimits migrationLimits(const std::optional<json>& kv) {
  MigrationLimits l;
  if (!kv) return l;
  const json::json_pointer p("/spec/configuration/migrations");
  if (!kv->contains(p) || !kv->at(p).is_object()) return l;
  const json& m = kv->at(p);
  if (m.contains("parallelMigrationsPerCluster") && m["parallelMigrationsPerCluster"].is_number_integer())
    l.perCluster = m["parallelMigrationsPerCluster"].get<int>();
  if (m.contains("parallelOutboundMigrationsPerNode") && m["parallelOutboundMigrationsPerNode"].is_number_integer())
    l.perNode = m["parallelOutboundMigrationsPerNode"].get<int>();
  return l;
}

std::vector<json> podsOf(const Store& s, const json& vmi) {
  const std::string uid = str(vmi, "/metadata/uid");
  const LabelSelector sel = LabelSelector::parse("kubevirt.io/created-by=" + uid);
  Store::ListQuery q;
  q.ns = str(vmi, "/metadata/namespace");
  q.labels = &sel;
  std::vector<json> out;
  for (const auto& o : s.list(pods(), q).items) {
    json p = o->parse();
    bool controlled = false;
    if (p["metadata"].contains("ownerReferences"))
      for (const auto& r : p["metadata"]["ownerReferences"])
        if (r.value("controller", false) && r.value("uid", "") == uid) controlled = true;
    if (controlled) out.push_back(std::move(p));
  }
  return out;
}

std::optional<json> currentPod(const std::vector<json>& pods, const json& vmi) {
  const std::string node = str(vmi, "/status/nodeName");
  std::optional<json> best;
  for (const auto& p : pods) {
    if (!node.empty() && str(p, "/spec/nodeName") != node) continue;
    if (!best || str(p, "/metadata/creationTimestamp") >= str(*best, "/metadata/creationTimestamp")) best = p;
  }
  return best;
}

bool podTerminal(const json& pod) {
  const std::string ph = str(pod, "/status/phase");
  return ph == "Succeeded" || ph == "Failed";
}

int activePodCount(const std::vector<json>& pods) {
  int n = 0;
  for (const auto& p : pods)
    if (!podTerminal(p)) ++n;
  return n;
}

}  // namespace sim::kv

#include "cluster_writer.hpp"

#include <map>
#include <mutex>
#include <tuple>

#include "admission.hpp"
#include "auth.hpp"
#include "eviction.hpp"
#include "ids.hpp"
#include "kubevirt_model.hpp"
#include "services.hpp"
#include "sim_clock.hpp"
#include "status_errors.hpp"

namespace sim {

using nlohmann::json;

namespace {
// Event aggregation (involved uid, type, reason, message) -> event name, process-wide like the cluster.
std::mutex gEventMu;
std::map<std::tuple<std::string, std::string, std::string, std::string>, std::string> gEvents;
}  // namespace

void ClusterWriter::audit(const std::string& verb, const ResourceInfo& r, const std::string& ns,
                          const std::string& name, const std::string& subresource, int code, const ObjPtr& obj,
                          const std::string& detail) {
  json rec = {{"user", kSimControllerUser},
              {"controller", controller_},
              {"impersonatedUser", ""},
              {"impersonatedGroups", json::array()},
              {"userAgent", std::string("kubevirt-sim/") + controller_},
              {"verb", verb},
              {"method", ""},
              {"path", ""},
              {"query", ""},
              {"resource", r.plural},
              {"apiGroup", r.group},
              {"subresource", subresource},
              {"namespace", ns},
              {"name", name},
              {"code", code},
              {"dryRun", false},
              {"injectedFault", ""},
              {"latencyMs", 0},
              {"mutation", code < 300},
              {"simTime", rfc3339Millis(simNow())}};
  if (obj && obj->rv) rec["resourceVersion"] = std::to_string(obj->rv);
  if (!detail.empty()) rec["detail"] = detail;
  s_.audit.append(std::move(rec));
}

ObjPtr ClusterWriter::create(const ResourceInfo& r, json obj, const std::string& detail) {
  json& md = obj["metadata"];
  md["creationTimestamp"] = nowRfc3339();
  if (r.plural == "virtualmachineinstancemigrations") {
    User sa{kv::kControllerUser, {"system:serviceaccounts", "system:serviceaccounts:kubevirt"}, false};
    admitCreate(s_, r, obj, sa, false);
  }
  const bool generated = md.value("name", "").empty();
  for (int attempt = 0;; ++attempt) {
    if (generated) md["name"] = md.value("generateName", "") + s_.store.newSuffix();
    try {
      ObjPtr out = s_.store.create(r, obj, false);
      audit("create", r, out->ns, out->name, "", 201, out, detail);
      return out;
    } catch (const ApiError& e) {
      if (!generated || e.code() != 409 || attempt > 5) throw;
    }
  }
}

ObjPtr ClusterWriter::modify(const ResourceInfo& r, const std::string& ns, const std::string& name,
                             const Store::Mutator& fn, const std::string& detail, const std::string& subresource) {
  ObjPtr before = s_.store.get(r, ns, name);
  ObjPtr out = s_.store.modify(r, ns, name, fn, false);
  if (out != before) audit("patch", r, ns, name, subresource, 200, out, detail);
  return out;
}

bool ClusterWriter::remove(const ResourceInfo& r, const std::string& ns, const std::string& name,
                           const std::string& detail) {
  try {
    auto res = deleteObject(s_, r, ns, name, json::object(), false);
    audit("delete", r, ns, name, "", 200, res.object, detail);
    return true;
  } catch (const ApiError& e) {
    if (e.code() == 404) return false;
    throw;
  }
}

int ClusterWriter::evict(const std::string& ns, const std::string& pod, std::string* message) {
  int code = 201;
  std::string side;
  ObjPtr obj;
  try {
    obj = evictPod(s_, ns, pod, json::object(), json::object(), false, &side).object;
  } catch (const ApiError& e) {
    code = e.code();
    if (message) *message = e.what();
  }
  audit("evict", kv::pods(), ns, pod, "eviction", code, obj, side);
  return code;
}

void ClusterWriter::event(const json& obj, const std::string& type, const std::string& reason,
                          const std::string& message) {
  const json& md = obj["metadata"];
  const std::string ns = md.value("namespace", "default");
  const std::string uid = md.value("uid", "");
  const std::string now = nowRfc3339();
  auto key = std::make_tuple(uid, type, reason, message);
  std::string existing;
  {
    std::lock_guard lk(gEventMu);
    if (auto it = gEvents.find(key); it != gEvents.end()) existing = it->second;
  }
  try {
    if (!existing.empty() && s_.store.get(kv::events(), ns, existing)) {
      ObjPtr out = s_.store.modify(kv::events(), ns, existing, [&](json& e) {
        e["count"] = e.value("count", 1) + 1;
        e["lastTimestamp"] = now;
      }, false);
      audit("patch", kv::events(), ns, existing, "", 200, out, reason);
      return;
    }
    char suffix[24];
    std::snprintf(suffix, sizeof suffix, ".%llx",
                  static_cast<unsigned long long>(simNow().time_since_epoch().count()) ^
                      std::hash<std::string>{}(reason + message));
    json ev = {{"apiVersion", "v1"},
               {"kind", "Event"},
               {"metadata", {{"name", md.value("name", "") + suffix}, {"namespace", ns}}},
               {"involvedObject",
                {{"apiVersion", obj.value("apiVersion", "")}, {"kind", obj.value("kind", "")}, {"namespace", ns},
                 {"name", md.value("name", "")}, {"uid", uid}, {"resourceVersion", md.value("resourceVersion", "")}}},
               {"type", type},
               {"reason", reason},
               {"message", message},
               {"source", {{"component", "virt-controller"}}},
               {"reportingComponent", "virt-controller"},
               {"reportingInstance", ""},
               {"firstTimestamp", now},
               {"lastTimestamp", now},
               {"count", 1}};
    ObjPtr out = s_.store.create(kv::events(), ev, false);
    audit("create", kv::events(), ns, out->name, "", 201, out, reason);
    std::lock_guard lk(gEventMu);
    gEvents[key] = out->name;
  } catch (const ApiError&) {
    // Events are best effort, as with client-go's recorder.
  }
}

}  // namespace sim

#include "evacuation_controller.hpp"

#include "cluster_writer.hpp"
#include "ids.hpp"
#include "kubevirt_model.hpp"
#include "services.hpp"
#include "status_errors.hpp"

namespace sim {

using nlohmann::json;
using kv::str;

namespace {

// "Migratable on eviction": LiveMigrate yes, LiveMigrateIfPossible when migratable, anything else no.
bool migratableOnEviction(const json& vmi, const std::string& clusterStrategy) {
  std::string strategy = str(vmi, "/spec/evictionStrategy");
  if (strategy.empty()) strategy = clusterStrategy;
  if (strategy == "LiveMigrate") return true;
  if (strategy == "LiveMigrateIfPossible") return kv::vmiHasCondition(vmi, "LiveMigratable", "True");
  return false;
}

bool hasUnfinishedMigration(const Store& s, const std::string& ns, const std::string& vmiName) {
  const LabelSelector sel = LabelSelector::parse("kubevirt.io/vmi-name=" + vmiName);
  Store::ListQuery q;
  q.ns = ns;
  q.labels = &sel;
  for (const auto& o : s.list(kv::vmims(), q).items)
    if (!kv::isFinal(str(o->parse(), "/status/phase"))) return true;
  return false;
}

}  // namespace

void EvacuationController::observe(const StoreEvent& ev) {
  if (ev.resource->plural != "virtualmachineinstances" || ev.type == EventType::Deleted) return;
  if (ev.object->raw.find("\"evacuationNodeName\"") == std::string::npos) return;
  std::lock_guard lk(mu_);
  marked_.emplace(ev.object->ns, ev.object->name);
}

void EvacuationController::tick(Services& s, std::chrono::system_clock::time_point now) {
  if (auto k = s.knobs.snapshot(); k.contains("kubevirtControllers") && k["kubevirtControllers"] == false) return;
  std::set<std::pair<std::string, std::string>> work;
  {
    std::lock_guard lk(mu_);
    if (!scanned_) {
      scanned_ = true;
      for (const auto& o : s.store.list(kv::vmis(), {}).items)
        if (o->raw.find("\"evacuationNodeName\"") != std::string::npos) marked_.emplace(o->ns, o->name);
    }
    work = marked_;
  }
  // The deprecated drain-taint path: every VMI on a tainted node.
  std::set<std::string> drained;
  for (const auto& n : s.store.all(kv::nodes()))
    if (n.contains("/spec/taints"_json_pointer))
      for (const auto& t : n["spec"]["taints"])
        if (t.value("key", "") == "kubevirt.io/drain" && t.value("effect", "") == "NoSchedule")
          drained.insert(str(n, "/metadata/name"));
  for (const auto& node : drained) {
    const LabelSelector sel = LabelSelector::parse("kubevirt.io/nodeName=" + node);
    Store::ListQuery q;
    q.labels = &sel;
    for (const auto& o : s.store.list(kv::vmis(), q).items) work.emplace(o->ns, o->name);
  }
  if (work.empty()) return;

  std::string clusterStrategy;
  if (auto cr = kv::kubevirtCR(s.store)) clusterStrategy = str(*cr, "/spec/configuration/evictionStrategy");
  ClusterWriter w(s, "evacuation");
  std::set<std::pair<std::string, std::string>> done;
  for (const auto& key : work) {
    const auto& [ns, name] = key;
    ObjPtr o = s.store.get(kv::vmis(), ns, name);
    if (!o) {
      done.insert(key);
      continue;
    }
    json vmi = o->parse();
    const std::string node = str(vmi, "/status/nodeName");
    std::string evacuate = str(vmi, "/status/evacuationNodeName");
    if (drained.count(node)) evacuate = node;
    if (evacuate.empty() || node != evacuate) {  // unmarked, or already moved
      if (!drained.count(node)) done.insert(key);
      continue;
    }
    if (!str(vmi, "/status/evacuationNodeName").empty() && !kv::vmiHasCondition(vmi, "EvictionRequested")) {
      // virt-controller reports the mark as a condition while it is set.
      w.modify(kv::vmis(), ns, name, [&](json& v) {
        json& cs = v["status"]["conditions"];
        if (!cs.is_array()) cs = json::array();
        cs.push_back({{"type", "EvictionRequested"}, {"status", "True"}, {"lastProbeTime", nullptr},
                      {"lastTransitionTime", rfc3339(now)}, {"reason", "EvictionRequested"},
                      {"message", "Eviction requested: evacuating from " + evacuate}});
      }, "condition EvictionRequested");
    }
    if (kv::vmiIsMigrating(vmi, now)) continue;
    if (kv::isFinal(str(vmi, "/status/phase")) || vmi["metadata"].contains("deletionTimestamp")) continue;
    if (!migratableOnEviction(vmi, clusterStrategy) || !kv::vmiHasCondition(vmi, "LiveMigratable", "True")) continue;
    if (hasUnfinishedMigration(s.store, ns, name)) continue;
    if (kv::activePodCount(kv::podsOf(s.store, vmi)) > 1) continue;
    const bool descheduler = kv::annotation(vmi, "kubevirt.io/eviction-source") == "descheduler";
    json mig = {{"apiVersion", "kubevirt.io/v1"},
                {"kind", "VirtualMachineInstanceMigration"},
                {"metadata",
                 {{"generateName", "kubevirt-evacuation-"},
                  {"namespace", ns},
                  {"annotations", {{kv::kEvacuationAnnotation, evacuate}}}}},
                {"spec", {{"vmiName", name}, {"priority", descheduler ? "system-maintenance" : "system-critical"}}}};
    try {
      ObjPtr created = w.create(kv::vmims(), mig, "evacuation of " + ns + "/" + name + " from " + evacuate);
      w.event(vmi, "Normal", "SuccessfulCreate", "Created Migration " + created->name);
    } catch (const ApiError& e) {
      w.event(vmi, "Warning", "FailedCreate", std::string("Error creating a Migration: ") + e.what());
    }
  }
  std::lock_guard lk(mu_);
  for (const auto& k : done) marked_.erase(k);
}

}  // namespace sim

#include "scheduler_controller.hpp"

#include <algorithm>

#include "cluster_writer.hpp"
#include "ids.hpp"
#include "kubevirt_model.hpp"
#include "services.hpp"
#include "status_errors.hpp"

namespace sim {

using nlohmann::json;
using kv::str;

namespace {

// A pod the simulator's scheduler places: a virt-launcher pod without a node that still needs one.
bool wantsScheduling(const json& pod) {
  return str(pod, "/metadata/labels/kubevirt.io") == "virt-launcher" && str(pod, "/spec/nodeName").empty() &&
         str(pod, "/status/phase") == "Pending" && !pod["metadata"].contains("deletionTimestamp") &&
         kv::annotation(pod, "sim.kubevirt.io/scheduling") != "Unschedulable" &&
         pod.value("/spec/schedulerName"_json_pointer, "default-scheduler") == "default-scheduler";
}

std::string scheduledMessage(const json& pod) {
  if (!pod.contains("/status/conditions"_json_pointer)) return "";
  for (const auto& c : pod["status"]["conditions"])
    if (c.value("type", "") == "PodScheduled" && c.value("status", "") == "False") return c.value("message", "");
  return "";
}

}  // namespace

void SchedulerController::observe(const StoreEvent& ev) {
  const std::string& plural = ev.resource->plural;
  if (ev.resource->group != "" || (plural != "pods" && plural != "nodes")) return;
  std::lock_guard lk(mu_);
  if (plural == "nodes") nodesChanged_ = true;
  else changedPods_.insert({ev.object->ns, ev.object->name});
}

void SchedulerController::refreshPod(Services& s, const Key& key) {
  bound_.erase(key);
  pending_.erase(key);
  ObjPtr o = s.store.get(kv::pods(), key.first, key.second);
  if (!o) return;
  json pod = o->parse();
  // The scheduler's informer ignores terminal pods (status.phase!=Succeeded,status.phase!=Failed).
  if (kv::podTerminal(pod)) return;
  if (!str(pod, "/spec/nodeName").empty()) bound_[key] = sched::boundPod(pod);
  else if (wantsScheduling(pod)) pending_[key] = std::move(pod);
}

void SchedulerController::tick(Services& s, std::chrono::system_clock::time_point) {
  std::set<Key> changed;
  bool nodesChanged;
  {
    std::lock_guard lk(mu_);
    changed.swap(changedPods_);
    nodesChanged = nodesChanged_;
    nodesChanged_ = false;
  }
  if (!initialised_) {
    for (const auto& o : s.store.all(kv::pods())) changed.insert({str(o, "/metadata/namespace"), str(o, "/metadata/name")});
    initialised_ = true;
    nodesChanged = true;
  }
  if (changed.empty() && !nodesChanged) return;  // nothing can have become schedulable
  for (const auto& key : changed) refreshPod(s, key);
  if (nodesChanged) {
    nodes_.clear();
    for (const auto& n : s.store.all(kv::nodes())) nodes_.push_back(sched::nodeInfo(n));
  }
  if (pending_.empty()) return;
  std::vector<sched::NodeInfo> nodes = nodes_;
  std::map<std::string, sched::NodeInfo*> byName;
  for (auto& n : nodes) byName[n.name] = &n;
  for (const auto& [_, p] : bound_) {
    const auto it = byName.find(p.node);
    if (it == byName.end()) continue;
    for (const auto& [k, v] : p.requests) it->second->requested[k] += v;
    ++it->second->podCount;
  }
  // The scheduling queue: oldest first (every launcher pod has the same priority).
  std::vector<std::pair<std::string, Key>> queue;
  for (const auto& [key, pod] : pending_) queue.push_back({str(pod, "/metadata/creationTimestamp"), key});
  std::sort(queue.begin(), queue.end());
  std::vector<const sched::BoundPod*> pods;  // into bound_ (std::map: stable while entries are added)
  pods.reserve(bound_.size());
  for (const auto& [_, p] : bound_) pods.push_back(&p);
  for (const auto& [_, key] : queue) {
    try {
      attempt(s, key, pending_[key], nodes, pods);
    } catch (const ApiError&) {
      // A concurrent write; the pod's change event brings it back next tick.
    }
  }
}

void SchedulerController::attempt(Services& s, const Key& key, json& pod, std::vector<sched::NodeInfo>& nodes,
                                  std::vector<const sched::BoundPod*>& pods) {
  const sched::Decision d = sched::schedule(pod, nodes, pods);
  ClusterWriter w(s, "scheduler");
  const std::string ts = nowRfc3339();
  if (!d.node.empty()) {
    // The binding subresource: spec.nodeName, and the scheduler's PodScheduled=True condition.
    ObjPtr out = w.modify(kv::pods(), key.first, key.second, [&](json& p) {
      p["spec"]["nodeName"] = d.node;
      json conds = json::array();
      if (p.contains("/status/conditions"_json_pointer))
        for (const auto& c : p["status"]["conditions"])
          if (c.value("type", "") != "PodScheduled") conds.push_back(c);
      conds.push_back({{"type", "PodScheduled"}, {"status", "True"}, {"lastProbeTime", nullptr}, {"lastTransitionTime", ts}});
      p["status"]["conditions"] = conds;
    }, "bound to " + d.node, "binding");
    w.event(pod, "Normal", "Scheduled", "Successfully assigned " + key.first + "/" + key.second + " to " + d.node);
    if (out) {
      json bound = out->parse();
      sched::BoundPod& b = bound_[key] = sched::boundPod(bound);
      sched::account(nodes, b);
      pods.push_back(&b);
    }
    pending_.erase(key);  // pod is a reference into pending_: nothing may use it from here
    return;
  }
  if (scheduledMessage(pod) == d.message) return;  // unchanged: nothing to write
  ObjPtr out = w.modify(kv::pods(), key.first, key.second, [&](json& p) {
    json conds = json::array();
    if (p.contains("/status/conditions"_json_pointer))
      for (const auto& c : p["status"]["conditions"])
        if (c.value("type", "") != "PodScheduled") conds.push_back(c);
    conds.push_back({{"type", "PodScheduled"}, {"status", "False"}, {"reason", "Unschedulable"},
                     {"message", d.message}, {"lastProbeTime", nullptr}, {"lastTransitionTime", ts}});
    p["status"]["conditions"] = conds;
  }, "unschedulable: " + d.message);
  w.event(pod, "Warning", "FailedScheduling", d.message);
  if (out) pod = out->parse();
}

}  // namespace sim

// kube-scheduler for the virt-launcher pods the simulated KubeVirt creates
// (migration target pods, restarted VMIs' pods, loaded Pending launcher pods):
// each pod without spec.nodeName is bound to the best feasible node
// (scheduler.hpp), or keeps PodScheduled=False reason Unschedulable with the
// scheduler's message and a FailedScheduling event. Like the real scheduler,
// an unschedulable pod is tried again whenever a node or a pod changes.
#pragma once

#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "controllers.hpp"
#include "scheduler.hpp"

namespace sim {

class SchedulerController : public Controller {
 public:
  const char* name() const override { return "scheduler"; }
  void observe(const StoreEvent& ev) override;
  void tick(Services& s, std::chrono::system_clock::time_point now) override;

 private:
  using Key = std::pair<std::string, std::string>;  // namespace, name
  void refreshPod(Services& s, const Key& key);
  void attempt(Services& s, const Key& key, nlohmann::json& pod, std::vector<sched::NodeInfo>& nodes,
               std::vector<const sched::BoundPod*>& pods);

  std::mutex mu_;
  std::set<Key> changedPods_;
  bool nodesChanged_ = true;
  bool initialised_ = false;
  // The scheduler's cache: bound non-terminal pods, and the launcher pods waiting for a node.
  std::map<Key, sched::BoundPod> bound_;
  std::map<Key, nlohmann::json> pending_;
  std::vector<sched::NodeInfo> nodes_;  // without the bound pods' requests
};

}  // namespace sim

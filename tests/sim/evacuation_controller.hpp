// virt-controller's evacuation controller (kubevirt-workload-update.md §4.2):
// VMIs marked with status.evacuationNodeName (by the eviction webhook) that are
// still on that node, or VMIs on a node tainted kubevirt.io/drain:NoSchedule,
// get a kubevirt-evacuation- migration; the migration controller applies limits.
#pragma once

#include <mutex>
#include <set>
#include <string>
#include <utility>

#include "controllers.hpp"

namespace sim {

class EvacuationController : public Controller {
 public:
  const char* name() const override { return "evacuation"; }
  void observe(const StoreEvent& ev) override;
  void tick(Services& s, std::chrono::system_clock::time_point now) override;

 private:
  std::mutex mu_;
  std::set<std::pair<std::string, std::string>> marked_;  // ns/name of VMIs with evacuationNodeName
  bool scanned_ = false;  // objects loaded before start-up are found by one full scan
};

}  // namespace sim

// What happens to a VMI whose launcher pod goes away, and to its VM
// (kubevirt-workload-update.md §5): the VMI becomes final (Succeeded for a
// clean shutdown, or Failed), then the VM's runStrategy decides: Always (or
// running: true) deletes it and starts a new VMI with the current launcher
// image after restartDelay; RerunOnFailure only when Failed; Halted deletes it;
// Manual and Once leave it final; a standalone VMI stays final.
//
// Only changes seen while running count: the launcher pod of a live VMI being
// removed, or a VMI turning final; final VMIs loaded from a scenario are left as they are.
#pragma once

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "controllers.hpp"

namespace sim {

class VmController : public Controller {
 public:
  const char* name() const override { return "vm"; }
  void observe(const StoreEvent& ev) override;
  void tick(Services& s, std::chrono::system_clock::time_point now) override;

 private:
  using time_point = std::chrono::system_clock::time_point;
  struct PodGone {
    std::string ns, vmi, vmiUid, node;
  };
  void shutDown(Services& s, const PodGone& p);
  void afterFinal(Services& s, const std::string& ns, const std::string& name, time_point now);
  bool start(Services& s, const std::string& ns, const std::string& name, time_point now);

  std::mutex mu_;
  std::vector<PodGone> podsGone_;
  std::set<std::pair<std::string, std::string>> turnedFinal_;
  std::map<std::pair<std::string, std::string>, time_point> starting_;  // new VMI -> Running at
};

}  // namespace sim

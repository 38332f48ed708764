// virt-controller's migration controller over simulated time
// (kubevirt-workload-update.md §3): phases with their timestamps, the target
// launcher pod, the cluster and per-node limits, target-pod timeouts, failures,
// backoff, garbage collection, and the VMI moving to the target on success.
#pragma once

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "controllers.hpp"

namespace sim {

class ClusterWriter;

class MigrationController : public Controller {
 public:
  const char* name() const override { return "migration"; }
  void tick(Services& s, std::chrono::system_clock::time_point now) override;

 private:
  using time_point = std::chrono::system_clock::time_point;
  struct Track {
    time_point seen{};          // first time this controller saw the VMIM
    time_point nextCheck{};     // a waiting Pending VMIM is looked at again from here
    time_point podReadyAt{};    // when the target pod becomes Ready (normal pods)
    time_point prepareUntil{};  // PreparingTarget ends
    time_point runUntil{};      // Running ends
    time_point lastWarning{};   // last migrationTargetPodUnschedulable / MigrationBackoff event
    bool backoffEvent = false;
    int quotaFailures = 0;      // target pod creations refused for quota since the last success
    int renderFailures = 0;     // target pods that could not be rendered (host-model CPU without node labels)
  };
  struct Ctx;
  void reconcile(Ctx& c, const nlohmann::json& stored);
  bool pendingStep(Ctx& c, nlohmann::json& m, nlohmann::json& vmi, Track& t);
  bool pendingPodTimeout(Ctx& c, nlohmann::json& m, const nlohmann::json& vmi, const nlohmann::json& pod, Track& t);
  void alertIfHostModelIsUnschedulable(Ctx& c, const nlohmann::json& vmi, const nlohmann::json& pod);
  void schedulingStep(Ctx& c, nlohmann::json& m, nlohmann::json& vmi, nlohmann::json& pod, Track& t);
  void setPhase(Ctx& c, nlohmann::json& m, const std::string& phase, const std::string& detail,
                const std::function<void(nlohmann::json&)>& extra = nullptr);
  void fail(Ctx& c, nlohmann::json& m, const std::string& reason, bool deleteTarget = false);
  void succeed(Ctx& c, nlohmann::json& m, nlohmann::json& vmi);
  void garbageCollect(Ctx& c, const std::string& ns, const std::string& vmiName);
  double backoffRemaining(Ctx& c, const nlohmann::json& m);

  std::map<std::string, Track> tracks_;  // by VMIM uid
  std::map<std::string, int> attempts_;  // migrations started per ns/vmi (for fail-migrations: N)
  std::set<std::string> gcDone_;         // final VMIMs whose VMI was garbage collected
};

}  // namespace sim

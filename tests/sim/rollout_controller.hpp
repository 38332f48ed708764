// virt-operator rolling out a new KubeVirt version (pkg/virt-operator/kubevirt.go syncInstallation,
// resource/apply/update.go updateKubeVirtSystem), started with POST /_sim/rollout or the knob `rollout`:
// the KubeVirt CR gets new target* status fields (observedDeploymentID != targetDeploymentID) and the
// Updating conditions; virt-handler's DaemonSet rolls first, then virt-controller's Deployment gets the new
// --launcher-image; once the new virt-controller leads, its image is the current one (and the VMI
// controller relabels outdated VMIs); at the end the observed fields follow the target ones.
#pragma once

#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "controllers.hpp"

namespace sim {

// The virt-controller Deployment annotation naming the launcher image the running (old) virt-controller
// still uses while the new Deployment rolls out; kv::currentLauncherImage prefers it.
constexpr const char* kRunningLauncherImageAnnotation = "sim.kubevirt.io/running-launcher-image";

class RolloutController : public Controller {
 public:
  const char* name() const override { return "virt-operator"; }
  void tick(Services& s, std::chrono::system_clock::time_point now) override;
  // Starts a rollout: {"launcherImage": IMAGE, "durationSeconds": N (simulated, default 60)}. Returns what
  // was started; throws ApiError (400 bad body, 409 a rollout in progress or no single KubeVirt CR).
  nlohmann::json start(Services& s, const nlohmann::json& body);
  nlohmann::json state() const;

 private:
  using time_point = std::chrono::system_clock::time_point;
  void step(Services& s, time_point now);
  mutable std::mutex mu_;
  bool active_ = false;
  int stage_ = 0;  // 0 handler rolling, 1 controller rolling, 2 controller leading, 3 done
  time_point started_{};
  double duration_ = 60;
  std::string image_, oldImage_, version_, registry_, targetId_;
  std::string kvNs_, kvName_;
  nlohmann::json lastKnob_;
};

}  // namespace sim

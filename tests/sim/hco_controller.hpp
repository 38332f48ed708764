// The HyperConverged Cluster Operator's KubeVirt operand (hyperconverged-cluster-operator
// controllers/handlers/kubevirt.go): whenever the HyperConverged CR or the KubeVirt CR it owns changes,
// the KubeVirt CR's spec.workloadUpdateStrategy, spec.configuration.migrations and
// spec.configuration.evictionStrategy are rebuilt from the HyperConverged CR (with the HyperConverged
// CRD's defaults), the kubevirt.kubevirt.io/jsonpatch annotation is applied, and a differing KubeVirt
// CR is overwritten - so a direct edit of those fields is reverted, as on a real cluster.
// Knob hcoReconcile: false freezes the pair.
#pragma once

#include <atomic>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "controllers.hpp"

namespace sim {

namespace hco {

constexpr const char* kJsonPatchAnnotation = "kubevirt.kubevirt.io/jsonpatch";

// Go's time.Duration.String() of a number of seconds ("1m0s", "1h30m0s", "500ms", "0s").
std::string goDuration(double seconds);

// The KubeVirt CR kv as HCO reconciles it from the HyperConverged CR hc (v1beta1 JSON). nullopt with *error
// set when the jsonpatch annotation is invalid or does not apply (HCO then leaves the KubeVirt CR alone).
std::optional<nlohmann::json> desiredKubeVirt(const nlohmann::json& hc, const nlohmann::json& kv, std::string* error);

}  // namespace hco

class HcoController : public Controller {
 public:
  const char* name() const override { return "hco"; }
  void observe(const StoreEvent& ev) override;
  void tick(Services& s, std::chrono::system_clock::time_point now) override;
  // One reconciliation now (also used at start-up, before clients connect).
  static void reconcile(Services& s);

 private:
  std::atomic<bool> dirty_{true};
};

}  // namespace sim

#pragma once
// Drift between what the HyperConverged CR says and what the KubeVirt CR actually holds. HCO
// rebuilds the KubeVirt spec from the HyperConverged CR on every reconcile (HCO reference §7), so a
// difference means HCO is not reconciling (or a jsonpatch annotation overrides it), and KubeVirt is
// running with settings nobody sees in the HyperConverged CR.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "strategy/effective_strategy.hpp"
#include "strategy/finding.hpp"

namespace wu::strategy {

struct DriftInput {
  const EffectiveStrategy& hco;        // the HyperConverged CR's effective configuration
  const nlohmann::json& kubevirt;      // the KubeVirt CR as read from the cluster
  bool hco_has_jsonpatch = false;      // kubevirt.kubevirt.io/jsonpatch annotation on the HCO CR
};

// One warning (code KubeVirtDrift) per field that differs, with both values.
std::vector<Finding> find_kubevirt_drift(const DriftInput& in);

}  // namespace wu::strategy

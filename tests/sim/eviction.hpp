// The pods/eviction subresource: KubeVirt's eviction webhook first (as
// admission runs before the REST handler), then PodDisruptionBudgets, then the
// pod is deleted (at once, or gracefully with the podTerminationSeconds knob).
#pragma once

#include <nlohmann/json.hpp>

namespace sim {

struct Services;
struct Call;

void handleEviction(Services& s, Call& c);

// Disruptions a PDB allows now, computed from the pods it selects (there is no
// disruption controller): healthy pods minus the pods it must keep.
struct PdbVerdict {
  int expected = 0;
  int healthy = 0;
  int desiredHealthy = 0;
  int disruptionsAllowed = 0;
};
PdbVerdict evaluatePdb(const nlohmann::json& pdb, const std::vector<nlohmann::json>& selectedPods);
bool pdbSelects(const nlohmann::json& pdb, const nlohmann::json& pod);

}  // namespace sim

// The pods/eviction subresource: KubeVirt's eviction webhook first (as
// admission runs before the REST handler), then PodDisruptionBudgets, then the
// pod is deleted (at once, or gracefully with the podTerminationSeconds knob).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "store.hpp"

namespace sim {

struct Services;
struct Call;

void handleEviction(Services& s, Call& c);

// The eviction itself, shared by the API and the simulated KubeVirt controllers:
// webhook, PDBs, then the (graceful) pod deletion. Throws ApiError (429 for a
// webhook or PDB refusal). sideEffect, when given, describes a VMI marked for evacuation.
Store::DeleteResult evictPod(Services& s, const std::string& ns, const std::string& name,
                             const nlohmann::json& evictionAnnotations, const nlohmann::json& opts, bool dryRun,
                             std::string* sideEffect = nullptr);

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

// The fleet generator (--generate N --seed S): a deterministic KubeVirt
// cluster with N VMIs of realistic, mixed shapes (kubevirt-workload-update.md §1).
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace sim {

struct ResourceInfo;

struct GeneratedObject {
  const ResourceInfo* resource;
  nlohmann::json object;
};

struct FleetSummary {
  size_t namespaces = 0, nodes = 0, vms = 0, vmis = 0, pods = 0, migrations = 0;
  size_t outdated = 0, running = 0, migratable = 0, standalone = 0;
};

inline constexpr const char* kCurrentLauncherImage = "quay.io/kubevirt/virt-launcher:v1.9.0";
inline constexpr const char* kOutdatedLauncherImage = "quay.io/kubevirt/virt-launcher:v1.8.2";

using FleetSink = std::function<void(const ResourceInfo& r, nlohmann::json&& object)>;

struct FleetOptions {
  // Namespace "placement": VMIs whose target pod cannot be scheduled, each for a reason its spec shows, on
  // three extra tainted workers (generator.cpp placementCases). Off by default: the run tests
  // (tests/run) expect every generated migratable VMI to be updated.
  bool placementCases = false;
};

// Same (vmis, seed) gives the same objects, uids and timestamps included.
// Objects come in dependency order (namespaces first), one at a time, so a big
// fleet never exists as DOM trees all at once.
void generateFleet(size_t vmis, uint64_t seed, const FleetSink& sink, FleetSummary* summary = nullptr,
                   const FleetOptions& options = {});
std::vector<GeneratedObject> generateFleet(size_t vmis, uint64_t seed, FleetSummary* summary = nullptr,
                                           const FleetOptions& options = {});

}  // namespace sim

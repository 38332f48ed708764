// Reading the simulated KubeVirt cluster the way virt-controller does
// (kubevirt-workload-update.md §1): resources, phase predicates, the current
// launcher image, migration limits, a VMI's pods (launcher pods: launcher_template.hpp).
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "resources.hpp"
#include "store.hpp"

namespace sim {

namespace kv {

const ResourceInfo& vmis();
const ResourceInfo& vmims();
const ResourceInfo& vms();
const ResourceInfo& pods();
const ResourceInfo& nodes();
const ResourceInfo& kubevirts();
const ResourceInfo& deployments();
const ResourceInfo& events();

constexpr const char* kWorkloadUpdateAnnotation = "kubevirt.io/workloadUpdateMigration";
constexpr const char* kEvacuationAnnotation = "kubevirt.io/evacuationMigration";
constexpr const char* kControllerUser = "system:serviceaccount:kubevirt:kubevirt-controller";

// String at a JSON pointer ("" when absent or not a string).
std::string str(const nlohmann::json& j, const std::string& pointer);
bool hasAnnotation(const nlohmann::json& obj, const std::string& key);
std::string annotation(const nlohmann::json& obj, const std::string& key);

bool isFinal(const std::string& phase);  // Succeeded or Failed
// "IsRunning" for limits (§1.4): Scheduling, Scheduled, PreparingTarget, TargetReady, Running.
bool migrationPhaseIsRunning(const std::string& phase);
int priorityRank(const std::string& priority);  // system-critical 100, user-triggered 50, system-maintenance 20

// migrationState window: started, not in the future, and not ended (or ending in the future).
bool vmiIsMigrating(const nlohmann::json& vmi, std::chrono::system_clock::time_point now);
bool vmiHasCondition(const nlohmann::json& vmi, const std::string& type, const char* status = nullptr);

// The single KubeVirt CR (nullopt when there is none or more than one).
std::optional<nlohmann::json> kubevirtCR(const Store& s);
// `--launcher-image` of the virt-controller Deployment ("" when absent).
std::string currentLauncherImage(const Store& s);

struct MigrationLimits {
  int perCluster = 5;
  int perNode = 2;
};
MigrationLimits migrationLimits(const std::optional<nlohmann::json>& kv);

// Pods controlled by the VMI (controller ownerReference with its UID).
std::vector<nlohmann::json> podsOf(const Store& s, const nlohmann::json& vmi);
// The newest controlled pod on vmi.status.nodeName (any node when unset), §1.3.
std::optional<nlohmann::json> currentPod(const std::vector<nlohmann::json>& pods, const nlohmann::json& vmi);
bool podTerminal(const nlohmann::json& pod);  // Succeeded or Failed
int activePodCount(const std::vector<nlohmann::json>& pods);

}  // namespace kv

}  // namespace sim

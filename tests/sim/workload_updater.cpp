#include "workload_updater.hpp"

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "cluster_writer.hpp"
#include "durations.hpp"
#include "kubevirt_model.hpp"
#include "services.hpp"
#include "status_errors.hpp"

namespace sim {

using nlohmann::json;
using kv::str;

namespace {

constexpr auto kPassInterval = std::chrono::seconds(5);
constexpr const char* kAbortionAnnotation = "kubevirt.io/testWorkloadUpdateMigrationAbortion";

bool hotplugOrVolumeChange(const json& vmi) {
  return kv::vmiHasCondition(vmi, "HotVCPUChange") || kv::vmiHasCondition(vmi, "HotMemoryChange", "True") ||
         kv::vmiHasCondition(vmi, "MigrationRequired", "True") || kv::vmiHasCondition(vmi, "VolumesChange", "True");
}

bool needsMigration(const json& vmi, std::chrono::system_clock::time_point now) {
  return !kv::vmiIsMigrating(vmi, now) && !kv::hasAnnotation(vmi, kAbortionAnnotation) && hotplugOrVolumeChange(vmi);
}

double intervalSeconds(const json& v, double def) {
  if (auto d = parseDurationSeconds(v)) return *d;
  return def;
}

}  // namespace

void WorkloadUpdater::tick(Services& s, std::chrono::system_clock::time_point now) {
  auto k = s.knobs.snapshot();
  if (!(k.contains("inClusterUpdater") && k["inClusterUpdater"] == true)) return;
  if (k.contains("kubevirtControllers") && k["kubevirtControllers"] == false) return;
  if (now < nextPass_) return;
  nextPass_ = now + kPassInterval;
  pass(s, now);
}

void WorkloadUpdater::pass(Services& s, std::chrono::system_clock::time_point now) {
  // §2.2 gates.
  auto cr = kv::kubevirtCR(s.store);
  if (!cr) return;
  if (str(*cr, "/status/phase") != "Deployed") return;
  if (str(*cr, "/status/observedDeploymentID") != str(*cr, "/status/targetDeploymentID")) return;
  const std::string image = kv::currentLauncherImage(s.store);

  // §2.3 collection.
  std::map<std::string, std::vector<json>> unfinished;  // ns/vmi -> unfinished VMIMs
  int active = 0;
  for (auto& m : s.store.all(kv::vmims())) {
    const std::string phase = str(m, "/status/phase");
    if (kv::isFinal(phase)) continue;
    if (kv::migrationPhaseIsRunning(phase)) ++active;
    unfinished[str(m, "/metadata/namespace") + "/" + str(m, "/spec/vmiName")].push_back(std::move(m));
  }
  bool migrate = false, evict = false;
  if (cr->contains("/spec/workloadUpdateStrategy/workloadUpdateMethods"_json_pointer))
    for (const auto& m : (*cr)["spec"]["workloadUpdateStrategy"]["workloadUpdateMethods"]) {
      if (m == "LiveMigrate") migrate = true;
      if (m == "Evict") evict = true;
    }
  std::vector<json> migrateList, evictList, abortList;
  int outdatedCount = 0;
  for (auto& vmi : s.store.all(kv::vmis())) {
    const std::string phase = str(vmi, "/status/phase");
    if (phase != "Running" || vmi["metadata"].contains("deletionTimestamp")) continue;
    const std::string key = str(vmi, "/metadata/namespace") + "/" + str(vmi, "/metadata/name");
    const std::string version = str(vmi, "/status/launcherContainerImageVersion");
    const bool outdated = !version.empty() && version != image;
    auto it = unfinished.find(key);
    int wuCount = 0;
    bool targetReady = !str(vmi, "/status/migrationState/targetNodeDomainReadyTimestamp").empty();
    if (it != unfinished.end())
      for (const auto& m : it->second)
        if (kv::hasAnnotation(m, kv::kWorkloadUpdateAnnotation)) ++wuCount;
    bool shouldAbort;
    if (kv::hasAnnotation(vmi, kAbortionAnnotation)) shouldAbort = wuCount > 0;
    else if (hotplugOrVolumeChange(vmi)) shouldAbort = false;
    else if (targetReady) shouldAbort = false;
    else shouldAbort = wuCount > 0;
    if (shouldAbort && !outdated) {
      abortList.push_back(std::move(vmi));
      continue;
    }
    if (!outdated && !needsMigration(vmi, now)) continue;
    ++outdatedCount;
    if (kv::vmiIsMigrating(vmi, now) || it != unfinished.end()) continue;
    if (migrate && kv::vmiHasCondition(vmi, "LiveMigratable", "True")) migrateList.push_back(std::move(vmi));
    else if (evict) evictList.push_back(std::move(vmi));
  }

  ClusterWriter w(s, "workload-updater");
  // §2.4 status patch, before any action.
  const json::json_pointer countPtr("/status/outdatedVirtualMachineInstanceWorkloads");
  if (!cr->contains(countPtr) || cr->at(countPtr) != outdatedCount) {
    try {
      w.modify(kv::kubevirts(), str(*cr, "/metadata/namespace"), str(*cr, "/metadata/name"),
               [&](json& o) { o["status"]["outdatedVirtualMachineInstanceWorkloads"] = outdatedCount; },
               "outdatedVirtualMachineInstanceWorkloads=" + std::to_string(outdatedCount));
    } catch (const ApiError&) {
      return;  // retried next pass
    }
  }

  // §2.5 planning.
  std::mt19937_64 rng(s.seed ^ ++passes_);
  std::shuffle(migrateList.begin(), migrateList.end(), rng);
  const int maxNew = std::max(0, kv::migrationLimits(cr).perCluster - active);
  const size_t migrateCount = std::min<size_t>(maxNew, migrateList.size());
  const json& strategy = cr->value("/spec/workloadUpdateStrategy"_json_pointer, json::object());
  const int batchSize = strategy.contains("batchEvictionSize") && strategy["batchEvictionSize"].is_number_integer()
                            ? strategy["batchEvictionSize"].get<int>()
                            : 10;
  const double interval = intervalSeconds(strategy.value("batchEvictionInterval", json()), 60);
  size_t evictCount = 0;
  if (batchSize > 0 && !evictList.empty() &&
      now > lastDeletionBatch_ + std::chrono::duration_cast<std::chrono::system_clock::duration>(
                                     std::chrono::duration<double>(interval))) {
    evictCount = std::min<size_t>(batchSize, evictList.size());
    lastDeletionBatch_ = now;  // even if every eviction fails
  }

  // §2.6 migrations.
  for (size_t i = 0; i < migrateCount; ++i) {
    const json& vmi = migrateList[i];
    const std::string ns = str(vmi, "/metadata/namespace"), name = str(vmi, "/metadata/name");
    json mig = {{"apiVersion", "kubevirt.io/v1"},
                {"kind", "VirtualMachineInstanceMigration"},
                {"metadata",
                 {{"generateName", "kubevirt-workload-update-"},
                  {"namespace", ns},
                  {"annotations", {{kv::kWorkloadUpdateAnnotation, ""}}}}},
                {"spec", {{"vmiName", name}, {"priority", hotplugOrVolumeChange(vmi) ? "user-triggered" : "system-critical"}}}};
    if (kv::vmiHasCondition(vmi, "VolumesChange", "True"))
      mig["metadata"]["labels"]["kubevirt.io/volume-update-migration"] = name.size() > 63 ? str(vmi, "/metadata/uid") : name;
    try {
      ObjPtr created = w.create(kv::vmims(), mig, "automated workload update of " + ns + "/" + name);
      w.event(vmi, "Normal", "SuccessfulCreate", "Created Migration " + created->name + " for automated workload update");
    } catch (const ApiError& e) {
      w.event(vmi, "Warning", "FailedCreate", std::string("Failed to create migration for automated workload update: ") + e.what());
    }
  }

  // §2.7 evictions, through the eviction subresource's path (webhook, PDBs, graceful delete).
  for (size_t i = 0; i < evictCount; ++i) {
    const json& vmi = evictList[i];
    const std::string ns = str(vmi, "/metadata/namespace");
    auto pod = kv::currentPod(kv::podsOf(s.store, vmi), vmi);
    if (!pod) {
      w.event(vmi, "Warning", "FailedEvict", "Error encountered during eviction: no virt-launcher pod found");
      continue;
    }
    std::string message;
    const int code = w.evict(ns, str(*pod, "/metadata/name"), &message);
    if (code == 201 || code == 200 || code == 404)
      w.event(vmi, "Normal", "SuccessfulEvict", "Initiated eviction of VMI as part of automated workload update: <nil>");
    else
      w.event(vmi, "Warning", "FailedEvict", "Error encountered during eviction: " + message);
  }

  // §2.8 aborts.
  for (const auto& vmi : abortList) {
    const std::string ns = str(vmi, "/metadata/namespace"), name = str(vmi, "/metadata/name");
    bool ok = true;
    for (const auto& m : unfinished[ns + "/" + name]) {
      if (!kv::hasAnnotation(m, kv::kWorkloadUpdateAnnotation)) continue;
      try {
        w.remove(kv::vmims(), ns, str(m, "/metadata/name"), "abort: change cancelled");
      } catch (const ApiError&) {
        ok = false;
      }
    }
    if (ok) w.event(vmi, "Normal", "SuccessfulChangeAbortion", "Aborted change for vmi: " + name);
    else w.event(vmi, "Normal", "FailedChangeAbortion", "Failed to abort change for vmi: " + name);
  }
}

}  // namespace sim

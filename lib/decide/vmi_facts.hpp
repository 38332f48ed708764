#pragma once
// Predicates KubeVirt's workload updater evaluates on a VMI (KubeVirt reference §1.2, §2.3), and the
// cluster-wide indexes it builds once per pass (unfinished VMIMs, active migrations).
#include <map>
#include <set>
#include <string>

#include "cluster/snapshot.hpp"
#include "decide/decision.hpp"

namespace wu::decide {

bool is_final(const cluster::Vmi& vmi);
bool is_running(const cluster::Vmi& vmi);
// migrationState.startTimestamp set and not in the future, endTimestamp unset or in the future.
bool is_migrating(const cluster::Vmi& vmi, cluster::Timestamp now);
// status.launcherContainerImageVersion non-empty and different from virt-controller's --launcher-image;
// when that image is unknown, the kubevirt.io/outdatedLauncherImage label.
bool is_launcher_outdated(const cluster::Vmi& vmi, const std::string& current_launcher_image);
// A hotplug or volume change that needs a migration; Trigger::None when there is none.
Trigger migration_need(const cluster::Vmi& vmi, cluster::Timestamp now);
// status.migratedVolumes non-empty and no StorageLiveMigratable=False. (KubeVirt also requires every
// RWO PVC to be listed there; PVCs are not part of the snapshot, so that check is not made.)
bool has_valid_volume_migration(const cluster::Vmi& vmi);

// VMIM phases counted as active migrations for the limits: Scheduling through Running.
bool vmim_is_running(const cluster::Vmim& m);
bool vmim_is_final(const cluster::Vmim& m);

struct ClusterIndex {
  std::set<std::string> vmis_with_unfinished_vmim;         // "ns/vmi"
  std::map<std::string, int> unfinished_update_vmims;       // "ns/vmi" -> non-final VMIMs with the WU annotation
  int active_migrations = 0;                                // cluster-wide, any creator
  std::map<std::string, int> active_outbound_by_node;       // source node -> active migrations
  std::set<std::string> vmis_with_launcher_pod;             // "ns/vmi"
  bool pods_known = false;                                  // the snapshot lists launcher pods
};

ClusterIndex build_index(const cluster::Snapshot& snapshot);

std::string key_of(const std::string& ns, const std::string& name);

}  // namespace wu::decide

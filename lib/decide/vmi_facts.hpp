#pragma once
// Predicates KubeVirt's workload updater evaluates on a VMI (isOutdated, doesRequireMigration,
// shouldAbortMigration in workload-updater.go; IsMigrating in pkg/util/migrations), and the
// cluster-wide indexes it builds once per pass (unfinished VMIMs, active migrations, launcher pods).
#include <map>
#include <set>
#include <string>

#include "cluster/snapshot.hpp"
#include "decide/decision.hpp"
#include "decide/launcher_pod.hpp"
#include "decide/migration_limits.hpp"

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
// getUpdateData's volMig: status.migratedVolumes non-empty and ValidateVolumesUpdateMigration
// (volume-migration.go) passes: no StorageLiveMigratable=False, and every ReadWriteOnce PVC volume in
// status.volumeStatus is among the migrated volumes.
bool has_valid_volume_migration(const cluster::Vmi& vmi);
// KubeVirt's count of outdated workloads (getUpdateData's allOutdatedVMIs, the
// kubevirt_vmi_number_of_outdated metric): Running, not final, not being deleted.
bool counted_by_kubevirt(const cluster::Vmi& vmi);

struct ClusterIndex {
  std::set<std::string> vmis_with_unfinished_vmim;         // "ns/vmi"
  std::map<std::string, int> unfinished_update_vmims;       // "ns/vmi" -> non-final VMIMs with the WU annotation
  ActiveMigrations active;                                  // any creator
  PodsByOwner pods;                                         // launcher pods by controlling VMI UID
  bool pods_known = false;                                  // the snapshot lists launcher pods
  std::set<std::string> unfinished_vmim_uids;               // for migrationState and target pods (controller_blockers)
};

ClusterIndex build_index(const cluster::Snapshot& snapshot);

std::string key_of(const std::string& ns, const std::string& name);

}  // namespace wu::decide

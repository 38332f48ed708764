#pragma once
// What the decision core knows about a cluster: compact typed views of the objects that matter
// (VMIs, VMs, VMIMs, launcher pods, the KubeVirt CR), filled from a live cluster or from a dump.
// Only the fields the workload updater reads are kept, so 100,000 VMIs fit in a few dozen MB.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace wu::cluster {

using Labels = std::vector<std::pair<std::string, std::string>>;

// Seconds since the Unix epoch; 0 = unset.
using Timestamp = std::int64_t;

struct Vmi {
  std::string namespace_, name, uid;
  Labels labels;
  std::string phase;               // "", Pending, Scheduling, Scheduled, Running, Succeeded, Failed, ...
  bool deleting = false;           // metadata.deletionTimestamp is set
  std::string node;                // status.nodeName
  std::string launcher_image;      // status.launcherContainerImageVersion
  bool outdated_label = false;     // label kubevirt.io/outdatedLauncherImage
  std::string eviction_strategy;   // spec.evictionStrategy; "" = unset
  std::string evacuation_node;     // status.evacuationNodeName
  std::string owner_vm;            // controller ownerReference of kind VirtualMachine
  bool abort_annotation = false;   // kubevirt.io/testWorkloadUpdateMigrationAbortion

  // Conditions.
  std::string live_migratable;     // "True", "False" or "" (absent)
  std::string live_migratable_reason;
  std::string storage_live_migratable;  // "True", "False", ""
  bool hot_vcpu_change = false;    // HotVCPUChange present, any status
  bool hot_memory_change = false;  // HotMemoryChange True
  bool migration_required = false; // MigrationRequired True
  bool volumes_change = false;     // VolumesChange True

  // status.migrationState.
  Timestamp migration_start = 0;
  Timestamp migration_end = 0;
  bool target_domain_ready = false;  // targetNodeDomainReadyTimestamp set
  std::string migration_uid;
  bool migration_completed = false;
  bool migration_failed = false;
  std::string migration_source_node;

  bool has_migrated_volumes = false;  // status.migratedVolumes non-empty
  // status.volumeStatus[] with a ReadWriteOnce PVC (no ReadOnlyMany/ReadWriteMany access mode), other
  // than the persistent VM state, that status.migratedVolumes does not list: a volume update cannot
  // migrate it (ValidateVolumesUpdateMigration, volume-migration.go).
  bool rwo_volume_not_migrated = false;
};

struct Vm {
  std::string namespace_, name;
  std::string run_strategy;  // resolved: Always, RerunOnFailure, Manual, Halted, Once, WaitAsReceiver
  bool run_strategy_conflict = false;  // both spec.running and spec.runStrategy set
};

struct Vmim {
  std::string namespace_, name, uid;
  Labels labels;
  std::string vmi_name;              // spec.vmiName
  std::string phase;
  bool deleting = false;
  bool workload_update = false;      // annotation kubevirt.io/workloadUpdateMigration
  bool evacuation = false;           // annotation kubevirt.io/evacuationMigration
  Timestamp created = 0;
  Timestamp failed_at = 0;           // phaseTransitionTimestamps[Failed]
  std::string failure_reason;        // status.migrationState.failureReason
  std::string target_pod;            // status.migrationState.targetPod
  std::string source_node;           // status.migrationState.sourceNode (once handed off)
  std::vector<std::string> conditions;  // status.conditions with status True: "type (reason): message"
  std::string target_image;          // annotation workload-update.kubevirt.io/target-launcher-image (this tool's)
};

struct LauncherPod {
  std::string namespace_, name, uid;
  std::string node;                 // spec.nodeName
  std::string vmi_name;             // annotation kubevirt.io/domain
  std::string owner_vmi_uid;        // controller ownerReference (kind VirtualMachineInstance)
  std::string phase;
  bool deleting = false;
  Timestamp created = 0;
  std::string compute_image;        // image of the "compute" container
  std::string migration_job_uid;    // label kubevirt.io/migrationJobUID (migration target pods)
  bool unschedulable = false;       // condition PodScheduled=False, reason Unschedulable
};

struct KubeVirtCr {
  std::string namespace_, name;
  std::string phase;                // Deploying, Deployed, Deleting, Deleted
  std::string observed_deployment_id, target_deployment_id;
  std::optional<int> outdated_count;  // status.outdatedVirtualMachineInstanceWorkloads
  std::vector<std::string> update_methods;  // spec.workloadUpdateStrategy.workloadUpdateMethods, as written
};

// virt-handler's DaemonSet, for whether a KubeVirt rollout is still going on.
struct DaemonSetRollout {
  std::string namespace_, name;
  std::int64_t generation = 0, observed_generation = 0;
  int desired = 0, updated = 0, available = 0;  // status.desiredNumberScheduled, updatedNumberScheduled, numberAvailable
};

struct Snapshot {
  // VMI labels are kept only where a label selector must be applied client-side (dumps); a live
  // list already applied it on the server, and 100,000 label sets are tens of megabytes.
  bool keep_vmi_labels = true;
  std::vector<Vmi> vmis;
  std::vector<Vm> vms;
  std::vector<Vmim> vmims;
  std::vector<LauncherPod> pods;
  std::vector<KubeVirtCr> kubevirts;
  // virt-controller's --launcher-image: what "up to date" means. Empty when unknown.
  std::string launcher_image;
  // virt-handler's DaemonSet in the KubeVirt namespace; nullopt when it was not read (dumps, no access).
  std::optional<DaemonSetRollout> virt_handler;
  Timestamp now = 0;
  // The configuration objects, kept whole (they are few and small).
  std::vector<nlohmann::json> hyperconverged_objects;
  std::vector<nlohmann::json> kubevirt_objects;
};

}  // namespace wu::cluster

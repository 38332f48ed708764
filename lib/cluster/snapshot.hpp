#pragma once
// What the decision core knows about a cluster: compact typed views of the objects that matter
// (VMIs, VMs, VMIMs, launcher pods, the KubeVirt CR), filled from a live cluster or from a dump.
// Only the fields the workload updater reads are kept, so 100,000 VMIs fit in a few dozen MB.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cluster/placement_views.hpp"

namespace wu::cluster {

struct ConfigObjects;  // cluster/config_objects.hpp

// Seconds since the Unix epoch; 0 = unset.
using Timestamp = std::int64_t;

// A PVC, DataVolume or hostDisk volume of a VMI, joined with its status.volumeStatus[] and
// status.migratedVolumes entries: what checkVolumesForMigration (pkg/virt-handler/vm.go) reads.
struct MigrationVolume {
  enum class Kind : std::uint8_t { Claim, HostDisk };
  std::string name;          // Claim: the PVC (claimName, or the DataVolume's name); HostDisk: the
                             // volume, or its PVC's claimName when volumeStatus has one (a translated PVC)
  Kind kind = Kind::Claim;
  bool claim_info = false;   // volumeStatus[].persistentVolumeClaimInfo is set
  bool shared = false;       // ... and its accessModes include ReadWriteMany (HasSharedAccessMode, pvc.go)
  bool migrated = false;     // status.migratedVolumes lists it
  bool host_disk_shared = false;  // hostDisk.shared is true
};

// The binding of the VMI's interface on the pod network (VerifyVMIMigratable, interface.go).
enum class PodBinding : std::uint8_t {
  None,        // no interfaces, or no pod network: nothing to check
  Missing,     // no interface has the pod network's name
  Masquerade,  // masquerade or passtBinding
  Bridge,
  Plugin,      // binding: {name}
  Other,       // sriov, slirp, macvtap, passt, or none given
};

// A spec.domain.devices.hostDevices[] or gpus[] entry.
struct HostDevice {
  std::string name, device_name;
  bool gpu = false;
};

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

  // What upstream's migratability checks read from spec and status (calculateLiveMigrationCondition,
  // pkg/virt-handler/vm.go); lib/decide/migration_blockers judges them. Kept small for 100,000 VMIs.
  std::string live_migratable_message;    // the LiveMigratable condition's message, when it is False
  // PVC, DataVolume and hostDisk volumes, in spec order, but for ReadWriteMany claims: they pass every check.
  std::vector<MigrationVolume> migration_volumes;
  std::vector<HostDevice> host_devices;   // hostDevices[] then gpus[]
  std::string pod_binding_name;           // Plugin: its name; Other: the binding; Missing: the pod network
  PodBinding pod_binding = PodBinding::None;
  bool bridge_migration_allowed = false;  // annotation kubevirt.io/allow-pod-bridge-network-live-migration
  bool launch_security = false;           // spec.domain.launchSecurity is set
  bool sev = false;                       // ... with sev or snp
  bool tdx = false;                       // ... with tdx
  bool s390x = false;                     // spec.architecture is s390x
  bool invtsc_required = false;           // spec.domain.cpu.features[] invtsc with policy require or force
  bool hyperv_reenlightenment = false;    // spec.domain.features.hyperv.reenlightenment.enabled
  bool hyperv_passthrough = false;        // spec.domain.features.hypervPassthrough.enabled
  bool tsc_frequency_hint = false;        // status.topologyHints.tscFrequency > 0
  bool host_model_cpu = false;            // spec.domain.cpu.model is host-model (KubeVirt's default, set at admission)

  // What KubeVirt's migration controller reads before it creates a target pod (lib/decide/controller_blockers)
  // and what a migration copies (lib/decide/migration_estimate).
  std::string backup_in_progress;          // status.changedBlockTracking.backupStatus.backupName, while not completed
  std::vector<std::string> utility_volumes;  // spec.utilityVolumes[].name
  std::int64_t memory_bytes = 0;           // spec.domain.memory.guest, else resources.requests.memory; 0 = unknown
  bool has_labels = false;                 // metadata.labels is non-empty (live views keep only some of them)
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
  std::string scheduling_message;   // ... and its message (the scheduler's)
  // Scheduling constraints and requests (interned); a target pod is rendered with the same ones.
  std::shared_ptr<const PodPlacement> placement;

  // Only the labels some PodDisruptionBudget's selector names (Snapshot::pod_label_keys), or all of them
  // in dumps: what the eviction API matches budgets against.
  Labels labels;
};

struct KubeVirtCr {
  std::string namespace_, name;
  std::string phase;                // Deploying, Deployed, Deleting, Deleted
  std::string observed_deployment_id, target_deployment_id;
  std::string observed_version;     // status.observedKubeVirtVersion, e.g. "v1.9.0"
  std::optional<int> outdated_count;  // status.outdatedVirtualMachineInstanceWorkloads
  std::vector<std::string> update_methods;  // spec.workloadUpdateStrategy.workloadUpdateMethods, as written
  // spec.configuration, what the migratability checks read from virt-config's ClusterConfig.
  std::vector<std::string> feature_gates;        // developerConfiguration.featureGates
  std::vector<std::string> mediated_devices;     // permittedHostDevices.mediatedDevices[].resourceName
  std::vector<std::string> migratable_bindings;  // network.binding names whose plugin has a migration method

  // spec.configuration.migrations, as written (unset = KubeVirt's default, pkg/virt-config/virt-config.go).
  std::optional<double> bandwidth_per_migration;     // bytes per second; 0 = unlimited
  std::optional<std::int64_t> completion_timeout_per_gib;
  std::optional<bool> allow_post_copy, allow_workload_disruption, allow_auto_converge;
  std::optional<std::int64_t> utility_volumes_timeout;  // seconds
};

// A MigrationPolicy (migrations.kubevirt.io/v1alpha1, cluster-scoped): what its selectors match and what
// it overrides of the cluster's migration configuration (unset fields keep the KubeVirt CR's).
struct MigrationPolicy {
  std::string name;
  bool has_selectors = false;       // spec.selectors is set (without it the policy matches nothing)
  bool has_vmi_selector = false, has_namespace_selector = false;  // set, even if empty
  Labels vmi_selector, namespace_selector;
  std::optional<double> bandwidth_per_migration;
  std::optional<std::int64_t> completion_timeout_per_gib;
  std::optional<bool> allow_post_copy, allow_workload_disruption, allow_auto_converge;
};

// One requirement of a metav1.LabelSelector; matchLabels entries are In with one value.
struct SelectorRequirement {
  enum class Op : std::uint8_t { In, NotIn, Exists, DoesNotExist };
  std::string key;
  Op op = Op::In;
  std::vector<std::string> values;
};

// A PodDisruptionBudget (policy/v1): its selector and the status the eviction API checks
// (getPodDisruptionBudgets and checkAndDecrement, pkg/registry/core/pod/storage/eviction.go).
struct DisruptionBudget {
  std::string namespace_, name;
  std::vector<SelectorRequirement> selector;  // empty: selects nothing
  bool selector_valid = true;                 // LabelSelectorAsSelector accepts it (else it selects nothing)
  std::int64_t disruptions_allowed = 0, desired_healthy = 0, current_healthy = 0;
  std::int64_t generation = 0, observed_generation = 0;
  std::string owner_vmi;            // controller ownerReference of kind VirtualMachineInstance (KubeVirt's own)
};

// Whether a kind was read: listed live (a 404 means the API is not served, so there are none), or present
// in a dump. `why_not` says why not, for the one warning. A snapshot built in memory has what it has.
struct Coverage {
  bool known = true;
  std::string why_not;
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
  // The HyperConverged and KubeVirt CRs, kept whole (they are few and small), apart from the workloads so
  // that what only decides (lib/decide) does not compile nlohmann/json: cluster/config_objects.hpp reads
  // and changes them. Copies of a snapshot share them.
  std::shared_ptr<ConfigObjects> config_objects;
  // Where a migration target pod can go (lib/decide/placement): the nodes, and what pods other than the
  // launcher pods above take of them.
  std::vector<Node> nodes;
  std::vector<NodePod> node_pods;
  bool nodes_known = false;      // nodes were listed, or the dump has Node objects
  bool capacity_known = false;   // every pod bound to a node is in pods or node_pods
  std::string placement_gap;     // why placement or capacity is not judged, for one warning
  std::string placement_hint;    // ... and what to do about it

  // For migration settings and disruption budgets (lib/decide/migration_estimate, disruption_budgets).
  std::vector<MigrationPolicy> migration_policies;
  std::vector<DisruptionBudget> disruption_budgets;
  std::vector<std::pair<std::string, Labels>> namespace_labels;  // read only when a policy has a namespaceSelector
  Coverage policies_read, budgets_read, namespaces_read, vmims_read;
  // Label keys to keep on VMIs (policies' VMI selectors) and launcher pods (budgets' selectors) where all
  // labels are not kept (live lists); filled before those lists are read.
  std::vector<std::string> vmi_label_keys, pod_label_keys;
  bool keep_pod_labels = true;  // dumps: budgets may come after the pods
};

}  // namespace wu::cluster

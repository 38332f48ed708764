#pragma once
// Why `run` moved a VMI to a state, or paused: the stable reason codes of run events and of the
// report (part of the `-o json` contract; each one is documented in the man page). A VMI skipped
// because of the decision core carries the decision's reason instead (decide::reason_name).
namespace wu::update {

enum class RunReason {
  // Updated.
  Migrated,               // a migration of this run moved it to the current launcher image
  Evacuated,              // KubeVirt migrated it after this run's eviction request
  UpdatedElsewhere,       // it runs the current launcher image, updated by someone else
  Restarted,              // evicted, and its VM started it again on the current launcher image
  // Settled otherwise.
  StaysDown,              // evicted, and nothing starts it again
  NotRestarted,           // evicted; its VM did not start it again within --restart-timeout
  MigrationFailed,        // Stuck: its migration attempts are used up
  EvictionRefused,        // Stuck: its evictions were refused --max-attempts times
  MigratedStillOutdated,  // Stuck: a migration of this run to the current image succeeded, yet it is outdated
  ForeignMigrationPending,  // Stuck: someone else's VMIM of it stays Pending without a target pod
  NoLauncherPod,          // Skipped: no launcher pod to evict (CurrentVMIPod finds none)
  NoTargetNode,           // Skipped: no node can take its migration target pod (until a node changes)
  NotConfirmed,           // Skipped: its shutdown was not confirmed at the start
  Deleted,                // Gone: deleted during the run
  // Events about one attempt.
  MigrationSucceeded,
  Unschedulable,          // its migration's target pod cannot be scheduled
  PendingTimeout,         // this run deleted its VMIM that stayed Pending without a target pod
  CreateFailed,           // the VMIM create was refused or failed
  EvictionNotSent,        // the eviction request got no answer
  CancelFailed,           // --cancel-on-interrupt could not delete a VMIM
  // Pauses: nothing new starts until they clear.
  KubeVirtNotDeployed,    // the KubeVirt CR is not Deployed, or its deployment IDs differ
  VirtHandlerRollingOut,  // virt-handler's DaemonSet is not fully rolled out
  InClusterUpdaterActive, // KubeVirt's own updater was switched on (methods on the KubeVirt CR), no --coexist
  NoKubeVirtCR,           // the KubeVirt CR is gone
  // --pause-cluster-updater.
  UpdaterPaused,          // workloadUpdateMethods set to [] for the run
  UpdaterRestored,        // the recorded methods are back
  UpdaterChangedMeanwhile,  // someone changed the field during the run: left as they set it
  UpdaterRestoreFailed,   // the restore failed: the record stays on the Lease for `abort` or the next run
};

const char* run_reason_name(RunReason r);

}  // namespace wu::update

#pragma once
// The outcome for one VMI: an action and one stable reason code (part of the JSON contract and
// documented in the man page), with the facts that led there.
#include <optional>
#include <string>
#include <vector>

#include "cluster/snapshot.hpp"
#include "decide/migration_blockers.hpp"
#include "decide/migration_estimate.hpp"
#include "decide/placement.hpp"

namespace wu::decide {

enum class Action { LiveMigrate, Evict, Skip, None };

enum class Reason {
  NotRunning,                 // None: phase is not Running, or final
  Terminating,                // None: deletionTimestamp set
  ChangeAborted,              // None: KubeVirt will cancel its in-flight update migration (hotplug undone)
  UpToDate,                   // None: not outdated, no migration needed
  MigrationInProgress,        // Skip: migrating now, or has an unfinished VMIM
  NoUpdateMethods,            // Skip: neither LiveMigrate nor Evict enabled
  NotLiveMigratable,          // Skip (LiveMigrate only) / Evict (both methods)
  EvictionBlocked,            // Skip: evictionStrategy LiveMigrate, not migratable: the webhook refuses for ever
  ExternalEviction,           // Skip: evictionStrategy External: left to an external actor
  EvictionDisabled,           // Skip: batchEvictionSize <= 0
  MigrationsDisabled,         // Skip: parallelMigrationsPerCluster is 0
  NoLauncherPod,              // Skip: would be evicted, but it has no launcher pod to evict
  LiveMigratable,             // LiveMigrate
  EvictionTriggersMigration,  // LiveMigrate: the eviction webhook turns the eviction into a migration
  LiveMigrateNotEnabled,      // Evict: Evict only
};

// Why the VMI counts as outdated (or needs a migration).
enum class Trigger { None, LauncherImage, OutdatedLabel, HotplugCPU, HotplugMemory, MigrationRequired, VolumesChange, PreUpgrade };

enum class AfterEviction { NotApplicable, Restart, StaysDown };

// How a decision is carried out, by KubeVirt's updater and by `run` alike (sync() in
// workload-updater.go): a VMIM for a migratable VMI when LiveMigrate is enabled; otherwise, with
// Evict, an eviction of its launcher pod, which the eviction webhook turns into a migration
// (EvictionTriggersMigration) or lets through (the VM shuts down).
enum class Execution { Nothing, CreateMigration, EvictForMigration, EvictAndShutDown };

const char* action_name(Action a);
const char* reason_name(Reason r);
const char* trigger_name(Trigger t);
const char* after_eviction_name(AfterEviction a);
const char* execution_name(Execution e);
Execution execution_of(Action action, Reason reason);
// An eviction either way: the VMI is in KubeVirt's eviction list and takes a batch slot.
inline bool is_eviction(Execution e) { return e == Execution::EvictForMigration || e == Execution::EvictAndShutDown; }

struct Decision {
  const cluster::Vmi* vmi = nullptr;
  Action action = Action::None;
  Reason reason = Reason::UpToDate;
  std::string message;                 // one sentence for humans
  bool outdated = false;               // counted in KubeVirt's outdated total
  Trigger trigger = Trigger::None;
  bool migratable = false;             // LiveMigratable condition is True
  std::vector<MigrationBlocker> blockers;  // every migration blocker, for a Running VMI (migration_blockers)
  std::string eviction_strategy;       // effective: the VMI's own, else the cluster default ("" = none)
  std::string run_strategy;            // of the owning VM; "" for a standalone VMI
  AfterEviction after_eviction = AfterEviction::NotApplicable;
  Execution execution = Execution::Nothing;
  int wave = 0;                        // CreateMigration: 1-based migration wave
  int batch = 0;                       // an eviction (EvictForMigration, EvictAndShutDown): 1-based batch
  // Where the migration's target pod can go (CreateMigration, EvictForMigration): the action stays what
  // KubeVirt decides; NoTargetNode says the attempt will fail.
  Outcome outcome = Outcome::NotJudged;
  int targets = -1;                    // candidate nodes; -1 = not judged
  std::string placement_message;       // "0/5 nodes can take it: ..."

  // Beyond the VMI's own migratability: what stalls or fails its migration in KubeVirt's migration
  // controller (controller_blockers, a Running VMI), what the API server answers its eviction
  // (disruption_budgets, EvictAndShutDown), and how long its migration takes (migration_estimate,
  // CreateMigration and EvictForMigration).
  std::vector<MigrationBlocker> controller_blockers;
  std::vector<MigrationBlocker> eviction_blockers;
  std::optional<MigrationEstimate> estimate;
};

}  // namespace wu::decide

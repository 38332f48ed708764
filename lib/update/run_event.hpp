#pragma once
// What `run` reports as it goes: one event per thing that happened. The names and fields are part of
// the `-o json` contract (JSON Lines, one object per event), documented in the man page.
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace wu::update {

enum class EventType {
  RunStarted,          // scope, strategy and counts
  MigrationCreated,    // a VMIM of this run was created (attempt N)
  MigrationSucceeded,
  MigrationFailed,     // with the failure reason; retried after a backoff unless attempts are used up
  TargetPodUnschedulable,  // observed; KubeVirt fails the attempt after its pending timeout
  EvictionBatchStarted,
  Evicted,             // the eviction was accepted (200) or the pod was already gone (404)
  EvacuationStarted,   // 429: KubeVirt turned the eviction into a live migration
  EvictionRefused,     // 429 PDB, 500 several PDBs, other answers: retried in a later batch
  VmiRestarted,        // an evicted runStrategy Always VM is Running again on the new launcher
  VmiStaysDown,        // evicted and its runStrategy does not bring it back
  VmiUpdated,          // runs the current launcher image now
  VmiStuck,            // attempts used up, or the VM did not come back
  VmiSkipped,          // the decision core says Skip (reason code)
  VmiGone,             // deleted by someone else during the run
  ActionFailed,        // an API call for this VMI failed (the attempt is not counted)
  Interrupted,
  MigrationCancelled,  // --cancel-on-interrupt deleted this run's VMIM
  DryRunAction,        // --dry-run: what would be done (and, with server, the answer)
  RunFinished,
  Paused,              // nothing new starts: KubeVirt rolling out, its own updater switched on, ... (reason)
  Resumed,             // the pause is over
  LauncherImageChanged,  // virt-controller's --launcher-image changed: VMIs are judged against the new one
  MigrationDeleted,    // this run deleted its VMIM that stayed Pending past --pending-timeout (an attempt)
  Aborted,             // `abort` asked this run to stop (who and when): nothing new starts, it exits
  UpdaterPaused,       // --pause-cluster-updater set workloadUpdateMethods [] (the value to restore recorded)
  UpdaterRestored,     // the recorded methods put back; reason UpdaterRestored, UpdaterChangedMeanwhile or UpdaterRestoreFailed
};

const char* event_name(EventType t);

// RunStarted: the run's scope and settings.
struct RunStartedDetails {
  std::string run_id;
  bool resumed = false;
  std::string namespace_, selector, node;
  std::vector<std::string> methods;
  std::int64_t batch_size = 0, batch_interval_seconds = 0;
  std::uint32_t max_parallel = 0;
  int max_attempts = 0;
  std::int64_t pending_timeout_seconds = 0;
  bool coexist = false;
};
// LauncherImageChanged: the image VMIs were judged against, and the new one.
struct ImageChangeDetails {
  std::string from, to;
};
// EvictionBatchStarted: evictions in this batch, and how many VMIs were waiting for one.
struct BatchDetails {
  std::size_t size = 0, waiting = 0;
};
using EventDetails = std::variant<std::monostate, RunStartedDetails, ImageChangeDetails, BatchDetails>;

struct RunEvent {
  EventType type = EventType::RunStarted;
  std::string namespace_, vmi;  // empty for run-wide events
  std::string migration;        // VMIM name, when there is one
  std::string pod;
  int attempt = 0;
  std::string reason;           // stable code (decision reason, eviction result, failure kind)
  std::string message;          // one sentence for humans
  EventDetails details;         // run-wide details; monostate otherwise
};

}  // namespace wu::update

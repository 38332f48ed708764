#pragma once
// How `run` marks what it does in the cluster, so that a later run (after Ctrl-C or kill -9) can find
// its own migrations, count its attempts, and tell them apart from the cluster's and other tools'.
#include <string>
#include <utility>
#include <vector>

namespace wu::update {

inline constexpr const char* kManagedByLabel = "app.kubernetes.io/managed-by";
inline constexpr const char* kManagedByValue = "kubectl-workload_update";
inline constexpr const char* kRunLabel = "workload-update.kubevirt.io/run";
inline constexpr const char* kMigrationGenerateName = "workload-update-";
// On this tool's VMIMs: the launcher image that was current when it was created, so that a VMI is
// migrated at most once per target image, across restarts of the run.
inline constexpr const char* kTargetImageAnnotation = "workload-update.kubevirt.io/target-launcher-image";
// The Lease that keeps two runs from acting at once, in the KubeVirt CR's namespace.
inline constexpr const char* kLeaseName = "kubectl-workload-update";
// On the Lease: when the last eviction batch started (RFC 3339), so pacing survives a restart.
inline constexpr const char* kLastEvictionBatchAnnotation = "workload-update.kubevirt.io/last-eviction-batch";

// On the Lease: this run's id (its VMIMs carry it), and whether it finished ("Finished") or may be
// resumed ("Running", "Interrupted"): a rerun after Ctrl-C or kill -9 keeps the id, so attempt counts
// carry over.
inline constexpr const char* kRunIdAnnotation = "workload-update.kubevirt.io/run-id";
inline constexpr const char* kRunStateAnnotation = "workload-update.kubevirt.io/run-state";
// On the Lease: `abort` asks the run holding it to stop ("<RFC 3339 time> by <identity>"). The run
// sees it when it next renews the Lease, starts nothing new and exits with "Aborted"; a new holder
// clears it.
inline constexpr const char* kAbortAnnotation = "workload-update.kubevirt.io/abort-requested";
// On the Lease while `run --pause-cluster-updater` has KubeVirt's updater switched off: what to restore
// (updater_pause.hpp), written before the switch, removed after the restore.
inline constexpr const char* kPausedUpdaterAnnotation = "workload-update.kubevirt.io/paused-updater";

// The labels `run` puts on its VMIMs: made by this tool (any run), and by run `run_id`.
bool made_by_this_tool(const std::vector<std::pair<std::string, std::string>>& labels);
bool made_by_run(const std::vector<std::pair<std::string, std::string>>& labels, const std::string& run_id);

// A fresh run id: 10 lowercase hex characters, valid as a label value.
std::string new_run_id();

// Who holds the Lease: "kubectl-workload_update@<host>/<pid>".
std::string holder_identity();
// True when `identity` names a process on this machine that no longer exists (killed without
// releasing the Lease); false when it is alive, on another machine, or not ours to judge.
bool holder_process_gone(const std::string& identity);

}  // namespace wu::update

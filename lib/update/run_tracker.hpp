#pragma once
// The deciding half of `run`: from the decision core's plan for the current cluster snapshot, and
// what this run has done so far, the next actions (which VMIMs to create, which pods to evict) and the
// events to report. Pure: snapshot + plan + clock in, actions out; the runner does the API calls and
// feeds the answers back. Everything it needs to resume after kill -9 is read back from the cluster:
// this run's labelled VMIMs (attempts), terminating launcher pods and evacuation marks (evictions in
// hand), and the eviction pacer's last batch (kept in the Lease by the runner).
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cluster/snapshot.hpp"
#include "decide/plan.hpp"
#include "kube/eviction.hpp"
#include "decide/eviction_pacer.hpp"
#include "update/run_event.hpp"
#include "update/run_options.hpp"
#include "update/run_reason.hpp"

namespace wu::update {

using decide::EvictionPacer;
using SteadyClock = std::chrono::steady_clock;

enum class VmiState {
  Waiting,      // outdated, has work ahead: a migration or eviction not started yet (limits, batches, backoff)
  Migrating,    // a migration of this run is unfinished
  Evacuating,   // KubeVirt turned our eviction into a migration, or someone else migrates it
  ShuttingDown, // evicted; the VMI has not stopped yet
  Restarting,   // stopped; its VM (runStrategy Always) starts it again
  Updated,      // runs the current launcher image
  StaysDown,    // evicted; its VM does not bring it back
  Stuck,        // attempts used up, or it did not come back in time
  Skipped,      // the decision core says Skip (or eviction not confirmed)
  Gone,         // deleted during the run by someone else
};
const char* state_name(VmiState s);
bool is_settled(VmiState s);  // no more work ahead for this run

struct Attempt {
  std::string migration;  // VMIM name ("" for an eviction)
  std::string result;     // "Failed", eviction result, ...
  std::string reason;
};

struct VmiProgress {
  std::string namespace_, name;
  std::string uid;           // the VMI when first seen outdated
  VmiState state = VmiState::Waiting;
  std::string reason;        // decision reason or why it settled
  std::string message;
  std::string action;        // "LiveMigrate" or "Evict": what the run does for it
  int failed_migrations = 0; // this run's migrations of it that failed
  int refused_evictions = 0;
  std::vector<Attempt> failures;
  std::string active_migration;   // this run's unfinished VMIM (created, maybe not yet seen by the watch)
  bool active_observed = false;   // the watch has shown it
  std::optional<SteadyClock::time_point> active_since;
  std::set<std::string> finished_migrations;  // this run's VMIMs already reported as finished
  int create_failures = 0;        // VMIM creates the API refused
  std::string evicted_uid;        // the VMI we evicted
  bool evacuation_requested = false;  // our eviction was turned into a migration by KubeVirt
  std::string run_strategy;
  bool target_unschedulable = false;  // seen for the active migration's target pod
  bool target_pending = false;        // its target pod seen Pending
  bool target_left_pending = false;   // ... and later past Pending
  std::optional<SteadyClock::time_point> retry_after;
  std::optional<SteadyClock::time_point> down_since;
  std::optional<SteadyClock::time_point> stale_migration_since;  // shown migrating with no VMIM since
  std::optional<SteadyClock::time_point> pending_since;  // its VMIM seen Pending without a target pod since
  std::optional<SteadyClock::time_point> foreign_pending_since;  // another creator's VMIM of it, the same
  std::set<std::string> timed_out_migrations;  // this run's VMIMs it deleted after --pending-timeout
  std::map<std::string, std::string> migration_images;  // this run's VMIM -> the launcher image it targeted
  std::set<std::string> succeeded_images;  // target images of this run's migrations of it that succeeded
  int attempts() const {
    return failed_migrations + create_failures + static_cast<int>(timed_out_migrations.size());
  }
};

struct MigrationAction {
  std::string key, namespace_, vmi, vmi_uid;
  int attempt = 1;
  std::string target_image;  // the launcher image current when it was decided
};

struct MigrationDeletion {
  std::string key, namespace_, name;
};

struct EvictionAction {
  std::string key, namespace_, vmi, vmi_uid, pod;
  bool expects_evacuation = false;  // evictionStrategy turns it into a live migration
};

struct StepInput {
  const cluster::Snapshot& snapshot;
  const decide::Plan& plan;       // made from `snapshot` with the run's scope
  SteadyClock::time_point now;
  cluster::Timestamp wall_now;    // for the eviction pacer (persisted as wall time)
  bool stopping = false;          // interrupted or timed out: start nothing new
};

struct Step {
  std::vector<MigrationDeletion> delete_migrations;  // this run's VMIMs Pending past --pending-timeout
  std::vector<MigrationAction> migrate;
  std::vector<EvictionAction> evict;  // one batch; the pacer has recorded it
  std::vector<RunEvent> events;
  bool done = false;                  // every VMI in scope is settled
  std::optional<SteadyClock::time_point> wake_at;  // the next time-based change (backoff, batch, restart timeout)
  std::string paused;                 // why nothing new starts now ("" = not paused)
};

class RunTracker {
 public:
  RunTracker(RunOptions options, std::string run_id, EvictionPacer pacer);

  Step step(const StepInput& in);

  // Whether the run follows this VMI ("ns/name"): it stays in scope after moving off --node.
  bool tracks(const std::string& key) const { return progress_.count(key) > 0; }

  // Answers from the runner.
  void migration_created(const MigrationAction& a, const std::string& name);
  // `refused`: the API server said no (4xx other than 429), which counts as an attempt; a transient
  // failure (429, 5xx, no answer) is only retried after the backoff.
  RunEvent migration_not_created(const MigrationAction& a, const std::string& error, bool refused,
                                 SteadyClock::time_point now);
  RunEvent eviction_answered(const EvictionAction& a, const kube::EvictionOutcome& outcome, SteadyClock::time_point now);
  RunEvent eviction_not_sent(const EvictionAction& a, const std::string& error);
  // The batch's first eviction went out at `at` (after the client-side rate limiter let it through):
  // that is when the batch started, and the next one waits a full interval from then.
  void batch_started(cluster::Timestamp at);

  const std::map<std::string, VmiProgress>& progress() const { return progress_; }
  const EvictionPacer& pacer() const { return pacer_; }
  const std::string& run_id() const { return run_id_; }
  const std::string& paused() const { return paused_; }
  // This run's unfinished VMIMs, for --cancel-on-interrupt: (namespace, name).
  std::vector<std::pair<std::string, std::string>> unfinished_migrations() const;

 private:
  struct Candidates;
  void follow_cluster(const StepInput& in, Step& out);
  void observe_migrations(VmiProgress& p, std::vector<const cluster::Vmim*>& mine, const StepInput& in, Step& out);
  void decide_vmi(VmiProgress& p, const decide::Decision& d, const StepInput& in, Candidates& c, Step& out);
  void follow_unlisted(const StepInput& in, const std::set<std::string>& decided, Candidates& c, Step& out);
  void admit(const StepInput& in, Candidates& c, Step& out);
  std::chrono::milliseconds backoff_after(int failures) const;

  RunOptions options_;
  std::string run_id_;
  EvictionPacer pacer_;
  std::map<std::string, VmiProgress> progress_;  // "ns/name"; every VMI that was outdated while in scope
  std::string launcher_image_;                   // the current launcher image as last seen
  std::string paused_;                           // why nothing new starts ("" = it does)
  std::string paused_reason_;
};

}  // namespace wu::update

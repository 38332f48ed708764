#pragma once
// The doing half of `run`: follows the cluster through watches (LiveCache), asks the decision core and
// the RunTracker what to do after every change, and does it through the API: VMIMs created, pods
// evicted, the Lease renewed. It never decides anything itself, so `plan` predicts what it does.
// It reports through callbacks and never prints.
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>

#include "cluster/live_cache.hpp"
#include "cluster/snapshot.hpp"
#include "decide/plan.hpp"
#include "kube/client.hpp"
#include "update/run_event.hpp"
#include "update/run_lease.hpp"
#include "update/run_options.hpp"
#include "update/run_report.hpp"
#include "update/run_lease.hpp"
#include "update/run_tracker.hpp"
#include "update/updater_pause.hpp"

namespace wu::update {

// Counts for the live display, after every pass.
struct RunProgress {
  int followed = 0;  // outdated VMIs the run follows
  int updated = 0, migrating = 0, evicting = 0, waiting = 0, stuck = 0, stays_down = 0, skipped = 0, gone = 0;
  std::vector<std::string> current;  // "ns/vmi (migration name)" being acted on
  std::optional<std::chrono::seconds> eta;
  std::optional<std::chrono::seconds> next_batch_in;
  std::chrono::milliseconds elapsed{0};
  std::string paused;  // why nothing new starts ("" = not paused)
};

struct RunHooks {
  std::function<void(const RunEvent&)> on_event;
  std::function<void(const RunProgress&)> on_progress;
};

class RunError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Runner {
 public:
  // `config` holds the configuration objects (KubeVirt CR, launcher image) as read at the start.
  Runner(kube::Client& client, RunOptions options, cluster::Snapshot config, RunHooks hooks);
  ~Runner();

  // Lists VMIs, VMs, VMIMs and launcher pods and starts watching them.
  void connect();
  // The decision core's plan for the cluster as it is now, in the run's scope. Its decisions point
  // into a snapshot the Runner keeps until the next call.
  const decide::Plan& plan_now();
  // Sets the VMIs the user confirmed for eviction (their UIDs); without a call, any may be evicted.
  void confirm_evictions(std::set<std::string> vmi_uids);

  // Takes the Lease, drives the update until every VMI in scope is settled, the timeout passes or
  // `interrupt` is requested, and releases the Lease. Throws LeaseHeldError, LeaseLostError, RunError
  // and kube errors.
  RunReport run(std::stop_token interrupt);
  // --dry-run: the first pass's actions, sent with dryRun=All (server) or not at all (client).
  RunReport dry_run();

 private:
  cluster::Snapshot current();
  decide::Plan plan_for(const cluster::Snapshot& s, const RunTracker* tracker);
  void execute(const Step& step, RunTracker& tracker);
  void emit(const RunEvent& e);
  void refresh_unwatchable(const RunTracker& tracker, const cluster::Snapshot& snap);
  RunProgress progress_of(const RunTracker& tracker, std::chrono::steady_clock::time_point started) const;
  // --pause-cluster-updater: records, sets [] and waits for HCO's copy; nullopt when there was nothing
  // to pause. `config` is what the pause target is read from. Releases the Lease and throws on failure.
  std::optional<UpdaterPause> pause_updater(RunLease& lease, const std::string& run_id,
                                            std::optional<cluster::Timestamp> last_batch,
                                            const cluster::Snapshot& config);
  // Puts the recorded methods back and reports it; the record leaves the Lease with its next write
  // unless the restore failed (then `abort` or the next run tries again).
  void restore_updater(RunLease& lease, const UpdaterPause& pause);
  // `abort`'s request to this run ("<time> by <who>"), "" none.
  std::string abort_request(const RunLease& lease) const;

  kube::Client& client_;
  RunOptions options_;
  cluster::Snapshot config_;
  RunHooks hooks_;
  std::unique_ptr<cluster::LiveCache> cache_;
  cluster::Snapshot shown_snapshot_;  // what plan_now() planned from
  decide::Plan shown_plan_;
  std::mutex wake_mu_;
  std::condition_variable wake_cv_;
  bool changed_ = false;
  std::map<std::string, std::chrono::steady_clock::time_point> migration_started_;  // VMIM name
  std::chrono::milliseconds migration_time_total_{0};
  int migrations_timed_ = 0;
  std::map<std::string, std::chrono::steady_clock::time_point> last_refresh_;
};

}  // namespace wu::update

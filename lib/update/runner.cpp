#include "update/runner.hpp"

#include <algorithm>
#include <ctime>

#include "cluster/config_objects.hpp"
#include "cluster/resources.hpp"
#include "decide/launcher_pod.hpp"
#include "decide/vmi_facts.hpp"
#include "update/migration_object.hpp"
#include "update/run_identity.hpp"
#include "update/run_reason.hpp"
#include "update/updater_pause.hpp"

namespace wu::update {

namespace {

using Clock = std::chrono::steady_clock;

cluster::Timestamp wall_now() { return static_cast<cluster::Timestamp>(std::time(nullptr)); }

constexpr int kLeaseSeconds = 30;

}  // namespace

Runner::Runner(kube::Client& client, RunOptions options, cluster::Snapshot config, RunHooks hooks)
    : client_(client), options_(std::move(options)), config_(std::move(config)), hooks_(std::move(hooks)) {}

Runner::~Runner() {
  if (cache_) cache_->stop();
}

void Runner::connect() {
  const std::string kv_namespace = config_.kubevirts.empty() ? std::string() : config_.kubevirts.front().namespace_;
  cache_ = std::make_unique<cluster::LiveCache>(
      client_,
      cluster::LiveCacheScope{options_.namespace_, options_.label_selector, options_.chunk_size, kv_namespace,
                              kv_namespace.empty() ? std::string() : std::string(kLeaseName)},
      [this] {
        {
          std::lock_guard lock(wake_mu_);
          changed_ = true;
        }
        wake_cv_.notify_all();
      });
  cache_->start();
}

void Runner::confirm_evictions(std::set<std::string> vmi_uids) { options_.confirmed_evictions = std::move(vmi_uids); }

cluster::Snapshot Runner::current() {
  // The KubeVirt CR, the launcher image and virt-handler as the watches show them now; what was read at
  // the start only where they cannot be followed.
  cluster::Snapshot s = cache_->snapshot();
  if (s.kubevirts.empty()) {
    s.kubevirts = config_.kubevirts;
    cluster::edit_config_objects(s).kubevirts = cluster::kubevirt_objects(config_);
  }
  if (s.launcher_image.empty()) s.launcher_image = config_.launcher_image;
  return s;
}

decide::Plan Runner::plan_for(const cluster::Snapshot& s, const RunTracker* tracker) {
  decide::PlanOptions o;
  const std::string node = options_.node;
  o.in_scope = [node, tracker](const cluster::Vmi& v) {
    return node.empty() || v.node == node || (tracker && tracker->tracks(decide::key_of(v.namespace_, v.name)));
  };
  o.target_node_selector = options_.target_node_selector;
  return decide::make_plan(s, options_.config, o);
}

const decide::Plan& Runner::plan_now() {
  shown_snapshot_ = current();
  shown_plan_ = plan_for(shown_snapshot_, nullptr);
  return shown_plan_;
}

void Runner::emit(const RunEvent& e) {
  const auto now = Clock::now();
  if (e.type == EventType::MigrationCreated) migration_started_[e.migration] = now;
  if (e.type == EventType::MigrationSucceeded) {
    auto it = migration_started_.find(e.migration);
    if (it != migration_started_.end()) {
      migration_time_total_ += std::chrono::duration_cast<std::chrono::milliseconds>(now - it->second);
      ++migrations_timed_;
      migration_started_.erase(it);
    }
  }
  if (hooks_.on_event) hooks_.on_event(e);
}

void Runner::execute(const Step& step, RunTracker& tracker) {
  kube::WriteOptions write;
  for (const auto& d : step.delete_migrations) {
    try {
      client_.remove(cluster::kVmims.in(d.namespace_).named(d.name));
    } catch (const kube::CancelledError&) {
      throw;
    } catch (const kube::KubeError& err) {
      const auto* api = dynamic_cast<const kube::ApiError*>(&err);
      if (api && kube::is_not_found(*api)) continue;  // already gone
      RunEvent e;
      e.type = EventType::ActionFailed;
      e.namespace_ = d.namespace_;
      e.migration = d.name;
      e.reason = run_reason_name(RunReason::PendingTimeout);
      e.message = std::string("could not delete the migration: ") + err.what();
      emit(e);
    }
  }
  // Evictions first: the batch was decided now and must not queue behind this pass's VMIM creates.
  bool first_eviction = true;
  for (const auto& a : step.evict) {
    if (a.pod.empty()) {
      emit(tracker.eviction_not_sent(a, "no virt-launcher pod found"));
      continue;
    }
    try {
      const kube::EvictionOutcome outcome = client_.evict(a.namespace_, a.pod);
      // The batch started when its first eviction went out (past the client-side rate limiter): the
      // next one waits a full interval from then, as KubeVirt's lastDeletionBatch.
      if (first_eviction) tracker.batch_started(wall_now());
      first_eviction = false;
      emit(tracker.eviction_answered(a, outcome, Clock::now()));
    } catch (const kube::CancelledError&) {
      throw;
    } catch (const kube::KubeError& err) {
      emit(tracker.eviction_not_sent(a, err.what()));
    }
  }
  for (const auto& a : step.migrate) {
    try {
      const nlohmann::json created = client_.create(
          cluster::kVmims.in(a.namespace_), migration_for(a.namespace_, a.vmi, tracker.run_id(), a.target_image, options_.target_node_selector), write);
      const std::string name = created["metadata"].value("name", "");
      tracker.migration_created(a, name);
      RunEvent e;
      e.type = EventType::MigrationCreated;
      e.namespace_ = a.namespace_;
      e.vmi = a.vmi;
      e.migration = name;
      e.attempt = a.attempt;
      e.message = "live migration started";
      emit(e);
    } catch (const kube::CancelledError&) {
      throw;
    } catch (const kube::ApiError& err) {
      const bool transient = err.code() == 429 || err.code() >= 500;
      emit(tracker.migration_not_created(a, err.what(), !transient, Clock::now()));
    } catch (const kube::KubeError& err) {
      emit(tracker.migration_not_created(a, err.what(), false, Clock::now()));
    }
  }
}

void Runner::refresh_unwatchable(const RunTracker& tracker, const cluster::Snapshot& snap) {
  // With a label selector the watch shows only matching VMIs; a VM started again from a template
  // without those labels is read directly, every few seconds, until it runs.
  if (options_.label_selector.empty()) return;
  const auto now = Clock::now();
  std::set<std::string> present;
  for (const auto& v : snap.vmis) present.insert(decide::key_of(v.namespace_, v.name));
  for (const auto& [key, p] : tracker.progress()) {
    // Once read directly, it stays read directly: the watch will not show its changes either.
    if (p.state != VmiState::Restarting || (present.count(key) && !last_refresh_.count(key))) continue;
    auto& last = last_refresh_[key];
    if (now - last < std::chrono::seconds(2)) continue;
    last = now;
    try {
      cache_->refresh_vmi(p.namespace_, p.name);
    } catch (const kube::KubeError&) {
      // Tried again on a later pass; the restart timeout still applies.
    }
  }
}

RunProgress Runner::progress_of(const RunTracker& tracker, Clock::time_point started) const {
  RunProgress p;
  int migrations_left = 0;
  for (const auto& [key, v] : tracker.progress()) {
    ++p.followed;
    switch (v.state) {
      case VmiState::Updated: ++p.updated; break;
      case VmiState::Migrating:
      case VmiState::Evacuating:
        ++p.migrating;
        p.current.push_back(key + (v.active_migration.empty() ? "" : " (" + v.active_migration + ")"));
        break;
      case VmiState::ShuttingDown:
      case VmiState::Restarting:
        ++p.evicting;
        p.current.push_back(key + " (" + state_name(v.state) + ")");
        break;
      case VmiState::Waiting: ++p.waiting; break;
      case VmiState::Stuck: ++p.stuck; break;
      case VmiState::StaysDown: ++p.stays_down; break;
      case VmiState::Skipped: ++p.skipped; break;
      case VmiState::Gone: ++p.gone; break;
    }
    if (!is_settled(v.state) && v.action != "Evict") ++migrations_left;
  }
  p.paused = tracker.paused();
  if (migrations_timed_ > 0 && options_.max_parallel > 0) {
    const auto avg = migration_time_total_ / migrations_timed_;
    const int rounds = (migrations_left + static_cast<int>(options_.max_parallel) - 1) / static_cast<int>(options_.max_parallel);
    p.eta = std::chrono::duration_cast<std::chrono::seconds>(avg * rounds);
  }
  if (auto at = tracker.pacer().next_batch_at(wall_now())) p.next_batch_in = std::chrono::seconds(*at - wall_now());
  p.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
  return p;
}

std::string Runner::abort_request(const RunLease& lease) const {
  // The watch of the Lease shows the request as soon as `abort` writes it; the Lease as this run last
  // read or wrote it (every renewal, at most 10 s) covers a run not allowed to watch it. Only a request
  // on the Lease while this process holds it counts: a new holder's writes drop an older one.
  if (const auto watched = cache_->run_lease()) {
    const LeaseRunState seen = read_lease_state(*watched);
    if (seen.holder == lease.identity() && !seen.abort_request.empty()) return seen.abort_request;
  }
  return lease.abort_requested();
}

void Runner::restore_updater(RunLease& lease, const UpdaterPause& pause) {
  const RestoreResult r = restore_pause(client_, pause);
  RunEvent e;
  e.type = EventType::UpdaterRestored;
  e.reason = run_reason_name(r.restored            ? RunReason::UpdaterRestored
                             : r.changed_meanwhile ? RunReason::UpdaterChangedMeanwhile
                                                   : RunReason::UpdaterRestoreFailed);
  e.message = r.message;
  emit(e);
  if (r.settled()) lease.set_pause_record("");
}

std::optional<UpdaterPause> Runner::pause_updater(RunLease& lease, const std::string& run_id,
                                                  std::optional<cluster::Timestamp> last_batch,
                                                  const cluster::Snapshot& config) {
  RunEvent e;
  e.type = EventType::UpdaterPaused;
  e.reason = run_reason_name(RunReason::UpdaterPaused);
  const auto target = pause_target(config);
  if (!target) {
    e.message = "KubeVirt's updater has no methods already: nothing to pause";
    emit(e);
    return std::nullopt;
  }
  lease.set_pause_record(to_annotation(*target));
  lease.renew(run_id, "Running", last_batch);  // recorded before anything changes
  try {
    apply_pause(client_, *target);
  } catch (...) {
    lease.set_pause_record("");
    lease.release(run_id, "Interrupted", last_batch);
    throw;
  }
  e.message = "workloadUpdateMethods set to [] on " + target->kind + " " + target->namespace_ + "/" + target->name +
              "; restored when this run ends";
  emit(e);
  if (!wait_until_kubevirt_paused(client_, 60)) {
    restore_updater(lease, *target);
    lease.release(run_id, "Interrupted", last_batch);
    throw RunError("the KubeVirt CR still has workloadUpdateMethods 60 s after the HyperConverged CR was set to "
                   "[] (is HCO reconciling?); the pause was undone");
  }
  return target;
}

RunReport Runner::run(std::stop_token interrupt) {
  const auto started = Clock::now();
  const auto deadline = options_.timeout ? started + *options_.timeout : Clock::time_point::max();
  if (config_.kubevirts.empty()) throw RunError("no KubeVirt CR found");
  RunLease lease(client_, config_.kubevirts.front().namespace_, holder_identity(), kLeaseSeconds);
  const LeaseRunState previous = lease.acquire();
  const bool resumed = !previous.run_id.empty() && previous.run_state != "Finished";
  const std::string run_id = resumed ? previous.run_id : new_run_id();
  EvictionPacer pacer{options_.config.batch_eviction_size, options_.config.batch_eviction_interval_ns / 1000000000LL,
                      previous.last_eviction_batch};
  RunTracker tracker(options_, run_id, pacer);
  RunOutcome outcome = RunOutcome::Completed;
  std::string aborted_by;
  std::optional<UpdaterPause> paused;
  bool restored_left = false;
  if (auto left = pause_from_annotation(previous.paused_updater)) {
    restore_updater(lease, *left);  // a run killed while it had the updater paused
    lease.renew(run_id, "Running", previous.last_eviction_batch);
    restored_left = true;
  }
  if (options_.pause_cluster_updater) {
    // The configuration read at the start, unless the restore above has just changed it.
    cluster::Snapshot fresh;
    if (restored_left) {
      fresh.config_objects = std::make_shared<cluster::ConfigObjects>(cluster::fetch_config_objects(client_));
    }
    paused = pause_updater(lease, run_id, previous.last_eviction_batch, restored_left ? fresh : config_);
  }
  try {
    lease.renew(run_id, "Running", tracker.pacer().last_batch);
    RunEvent start;
    start.type = EventType::RunStarted;
    start.message = resumed ? "resuming run " + run_id : "run " + run_id;
    start.details = RunStartedDetails{
        run_id,
        resumed,
        options_.namespace_,
        options_.label_selector,
        options_.node,
        options_.config.methods,
        options_.config.batch_eviction_size,
        options_.config.batch_eviction_interval_ns / 1000000000LL,
        options_.max_parallel,
        options_.max_attempts,
        std::chrono::duration_cast<std::chrono::seconds>(options_.pending_timeout).count(),
        options_.coexist};
    emit(start);
    std::stop_callback wake_on_interrupt(interrupt, [this] {
      {
        std::lock_guard lock(wake_mu_);
        changed_ = true;
      }
      wake_cv_.notify_all();
    });
    for (;;) {
      const auto now = Clock::now();
      bool stopping = false;
      if (interrupt.stop_requested()) {
        outcome = RunOutcome::Interrupted;
        stopping = true;
      } else if (now >= deadline) {
        outcome = RunOutcome::TimedOut;
        stopping = true;
      }
      if (auto failure = cache_->failure()) throw RunError(*failure);
      if (lease.renew_due(now)) lease.renew(run_id, "Running", tracker.pacer().last_batch);
      if (const std::string request = abort_request(lease); !request.empty()) {
        outcome = RunOutcome::Aborted;
        stopping = true;
        aborted_by = request;
      }
      {
        std::lock_guard lock(wake_mu_);
        changed_ = false;
      }
      const cluster::Snapshot snap = current();
      const decide::Plan plan = plan_for(snap, &tracker);
      const Step step = tracker.step({snap, plan, now, wall_now(), stopping});
      const auto pass_time = Clock::now() - now;
      for (const auto& e : step.events) emit(e);
      if (stopping) break;
      // The batch time goes into the Lease before any eviction, so a restart cannot start a second
      // batch inside the same interval.
      if (!step.evict.empty()) lease.renew(run_id, "Running", tracker.pacer().last_batch);
      execute(step, tracker);
      // The batch's real start, once its first eviction went out; kept in case this process dies now.
      if (!step.evict.empty()) lease.renew(run_id, "Running", tracker.pacer().last_batch);
      refresh_unwatchable(tracker, snap);
      if (hooks_.on_progress) hooks_.on_progress(progress_of(tracker, started));
      if (step.done) break;
      auto until = std::min(deadline, Clock::now() + std::chrono::seconds(1));
      if (step.wake_at) until = std::min(until, *step.wake_at);
      std::unique_lock lock(wake_mu_);
      wake_cv_.wait_until(lock, until, [&] { return changed_ || interrupt.stop_requested(); });
      // On a large fleet a pass (copy + plan) takes a while and events keep coming: rest as long as the
      // pass took (at most 250 ms), so the loop uses at most half a core and still reacts well within
      // a second. On small fleets a pass takes well under a millisecond and this costs nothing.
      const auto rest = std::min<Clock::duration>(pass_time, std::chrono::milliseconds(250));
      if (rest > std::chrono::milliseconds(1) && !interrupt.stop_requested())
        wake_cv_.wait_for(lock, rest, [&] { return interrupt.stop_requested(); });
    }
  } catch (...) {
    if (paused) restore_updater(lease, *paused);
    lease.release(run_id, "Interrupted", tracker.pacer().last_batch);
    cache_->stop();
    throw;
  }
  if (outcome == RunOutcome::Interrupted && options_.cancel_on_interrupt) {
    for (const auto& [ns, name] : tracker.unfinished_migrations()) {
      RunEvent e;
      e.type = EventType::MigrationCancelled;
      e.namespace_ = ns;
      e.migration = name;
      try {
        client_.remove(cluster::kVmims.in(ns).named(name));
        e.message = "deleted (--cancel-on-interrupt); KubeVirt aborts the migration";
      } catch (const kube::KubeError& err) {
        e.type = EventType::ActionFailed;
        e.reason = "CancelFailed";
        e.message = std::string("could not delete the migration: ") + err.what();
      }
      emit(e);
    }
  }
  RunEvent end;
  end.type = outcome == RunOutcome::Interrupted ? EventType::Interrupted
             : outcome == RunOutcome::Aborted   ? EventType::Aborted
                                                : EventType::RunFinished;
  end.reason = outcome_name(outcome);
  end.message = outcome == RunOutcome::Aborted
                    ? "aborted (requested " + aborted_by + "); nothing new starts, migrations in flight finish on their "
                      "own unless `abort --cancel-migrations` deletes them"
                : outcome == RunOutcome::Interrupted
                    ? (options_.cancel_on_interrupt ? "interrupted; this run's unfinished migrations were cancelled"
                                                    : "interrupted; migrations in flight finish on their own; run again "
                                                      "to resume")
                : outcome == RunOutcome::TimedOut ? "--timeout reached; migrations in flight finish on their own"
                                                  : "every VMI in scope is settled";
  if (paused) restore_updater(lease, *paused);
  emit(end);
  lease.release(run_id,
                outcome == RunOutcome::Completed ? "Finished"
                : outcome == RunOutcome::Aborted ? "Aborted"
                                                 : "Interrupted",
                tracker.pacer().last_batch);
  cache_->stop();
  return make_report(tracker, outcome, std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started));
}

RunReport Runner::dry_run() {
  const auto started = Clock::now();
  const cluster::Snapshot snap = current();
  const decide::Plan plan = plan_for(snap, nullptr);
  RunReport report;
  report.dry_run = true;
  if (options_.pause_cluster_updater)
    if (auto target = pause_target(config_))
      report.dry_run_actions.push_back({target->namespace_, target->name, "WouldPauseUpdater", "",
                                        run_reason_name(RunReason::UpdaterPaused), describe_pause(*target), {}});
  const bool server = options_.dry_run == DryRun::Server;
  for (const auto& d : plan.decisions) {
    const cluster::Vmi& v = *d.vmi;
    const bool migrate = d.execution == decide::Execution::CreateMigration;
    const bool evict = decide::is_eviction(d.execution);
    ReportEntry entry{v.namespace_, v.name, "", migrate ? "LiveMigrate" : evict ? "Evict" : "", decide::reason_name(d.reason),
                      d.message, {}};
    if (!migrate && !evict) {
      if (d.outdated && d.action == decide::Action::Skip && d.reason != decide::Reason::MigrationInProgress) {
        entry.state = "Skipped";
        report.skipped.push_back(entry);
      }
      continue;
    }
    RunEvent e;
    e.type = EventType::DryRunAction;
    e.namespace_ = v.namespace_;
    e.vmi = v.name;
    entry.state = migrate ? "WouldMigrate" : "WouldEvict";
    if (migrate) e.message = "would create a live migration (wave " + std::to_string(d.wave) + ")";
    else e.message = "would evict its launcher pod (batch " + std::to_string(d.batch) + ")";
    e.reason = entry.reason;
    if (server) {
      try {
        if (migrate) {
          kube::WriteOptions w;
          w.dry_run = true;
          client_.create(cluster::kVmims.in(v.namespace_), migration_for(v.namespace_, v.name, "dry-run", snap.launcher_image, options_.target_node_selector),
                         w);
          e.reason = "Accepted";
          e.message = "the server accepted the migration (dryRun=All)";
        } else {
          const cluster::LauncherPod* pod = decide::current_vmi_pod(snap.pods, v);
          if (!pod) throw kube::KubeError("no virt-launcher pod found");
          e.pod = pod->name;
          kube::EvictOptions eo;
          eo.dry_run = true;
          const auto outcome = client_.evict(v.namespace_, pod->name, eo);
          e.reason = kube::to_string(outcome.result);
          const bool fine = outcome.result == kube::EvictionResult::Started ||
                            (d.execution == decide::Execution::EvictForMigration &&
                             outcome.result == kube::EvictionResult::EvacuationTriggered);
          e.message = fine ? "the server accepted the eviction (dryRun=All)" : "refused: " + outcome.message;
          if (!fine) ++report.refused_dry_run_actions;
        }
      } catch (const kube::CancelledError&) {
        throw;
      } catch (const kube::KubeError& err) {
        e.reason = "Refused";
        e.message = std::string("refused: ") + err.what();
        ++report.refused_dry_run_actions;
      }
    }
    entry.reason = e.reason;
    entry.message = e.message;
    emit(e);
    report.dry_run_actions.push_back(entry);
  }
  report.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
  cache_->stop();
  return report;
}

}  // namespace wu::update

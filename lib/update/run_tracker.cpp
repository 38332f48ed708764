#include "update/run_tracker.hpp"

#include <algorithm>

#include "decide/kubevirt_gates.hpp"
#include "decide/launcher_pod.hpp"
#include "decide/migration_limits.hpp"
#include "decide/vmi_facts.hpp"
#include "update/run_identity.hpp"
#include "update/run_rules.hpp"

namespace wu::update {

namespace {

constexpr auto kMaxBackoff = std::chrono::minutes(5);
// How long a created VMIM may stay unseen by the watch before the run stops waiting for it.
constexpr auto kCreateExpectation = std::chrono::seconds(30);
// After this run's VMIM succeeded, how long the VMI may still look outdated (its watch event can lag
// the VMIM's) before the run acts on it again.
constexpr auto kSuccessSettle = std::chrono::seconds(10);

// KubeVirt's reason, with what the run saw of the target pod: the pending-pod timeouts
// (handlePendingPodTimeout in migration.go) fail an attempt only through "target pod gone", which
// does not say why on its own.
std::string failure_text(const cluster::Vmim& m, bool target_unschedulable, bool target_stuck_pending) {
  std::string reason = m.failure_reason.empty() ? "no failure reason recorded" : m.failure_reason;
  if (target_unschedulable)
    reason = "target pod Unschedulable; KubeVirt deleted it after its pending timeout (300 s unless the VMIM "
             "overrides it): " + reason;
  else if (target_stuck_pending)
    reason = "target pod never left Pending; KubeVirt deletes such a pod after its catch-all pending timeout (900 s "
             "unless the VMIM overrides it): " + reason;
  return reason;
}

RunEvent vmi_event(EventType t, const VmiProgress& p) {
  RunEvent e;
  e.type = t;
  e.namespace_ = p.namespace_;
  e.vmi = p.name;
  return e;
}

std::string seconds_text(std::chrono::milliseconds d) {
  return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(d).count()) + " s";
}

}  // namespace

const char* state_name(VmiState s) {
  switch (s) {
    case VmiState::Waiting: return "Waiting";
    case VmiState::Migrating: return "Migrating";
    case VmiState::Evacuating: return "Evacuating";
    case VmiState::ShuttingDown: return "ShuttingDown";
    case VmiState::Restarting: return "Restarting";
    case VmiState::Updated: return "Updated";
    case VmiState::StaysDown: return "StaysDown";
    case VmiState::Stuck: return "Stuck";
    case VmiState::Skipped: return "Skipped";
    case VmiState::Gone: return "Gone";
  }
  return "Waiting";
}

bool is_settled(VmiState s) {
  return s == VmiState::Updated || s == VmiState::StaysDown || s == VmiState::Stuck || s == VmiState::Skipped ||
         s == VmiState::Gone;
}

struct RunTracker::Candidates {
  struct Candidate {
    VmiProgress* p;
    const cluster::Vmi* v;
    bool evacuation = false;  // the eviction webhook turns this eviction into a migration
  };
  std::vector<Candidate> migrate, evict;
  std::map<std::string, const cluster::Vmi*> vmi_by_key;
  std::map<std::string, const cluster::Vm*> vm_by_key;
  std::map<std::string, std::vector<const cluster::Vmim*>> mine;  // this run's VMIMs per VMI
  std::set<std::string> with_unfinished_vmim;                      // "ns/vmi", any creator
  std::map<std::string, const cluster::Vmim*> foreign_pending;      // another creator's VMIM, Pending, no target pod
  decide::PodsByOwner pods;
  std::function<void(SteadyClock::time_point)> wake;
};

RunTracker::RunTracker(RunOptions options, std::string run_id, EvictionPacer pacer)
    : options_(std::move(options)), run_id_(std::move(run_id)), pacer_(pacer) {}

std::chrono::milliseconds RunTracker::backoff_after(int failures) const {
  auto d = options_.retry_backoff;
  for (int i = 1; i < failures && d < kMaxBackoff; ++i) d *= 2;
  return std::min<std::chrono::milliseconds>(d, kMaxBackoff);
}

// The cluster under the run: a new launcher image, and the gates that pause it.
void RunTracker::follow_cluster(const StepInput& in, Step& out) {
  const auto& s = in.snapshot;
  if (!s.launcher_image.empty()) {
    if (!launcher_image_.empty() && s.launcher_image != launcher_image_) {
      RunEvent e;
      e.type = EventType::LauncherImageChanged;
      e.reason = "LauncherImageChanged";
      e.message = "virt-controller's launcher image changed from " + launcher_image_ + " to " + s.launcher_image +
                  "; VMIs are judged against the new image from now on";
      e.details = ImageChangeDetails{launcher_image_, s.launcher_image};
      out.events.push_back(std::move(e));
      // Updated on the old image is outdated on the new one: that work starts again.
      for (auto& [key, p] : progress_) {
        if (p.state != VmiState::Updated) continue;
        p.state = VmiState::Waiting;
        p.reason.clear();
        p.evicted_uid.clear();
        p.evacuation_requested = false;
        p.down_since.reset();
        p.retry_after.reset();
      }
    }
    launcher_image_ = s.launcher_image;
  }

  std::string why, code;
  if (!s.kubevirts.empty()) {
    const auto& kv = s.kubevirts.front();
    if (auto w = decide::kubevirt_not_deployed(kv)) {
      why = *w;
      code = run_reason_name(RunReason::KubeVirtNotDeployed);
    } else if (auto h = decide::virt_handler_rolling(s.virt_handler)) {
      why = *h;
      code = run_reason_name(RunReason::VirtHandlerRollingOut);
    } else if (!options_.coexist && decide::methods_enable_updates(kv.update_methods)) {
      std::string methods;
      for (const auto& m : kv.update_methods) methods += (methods.empty() ? "" : ", ") + m;
      why = "KubeVirt's own workload updater was switched on (the KubeVirt CR's workloadUpdateMethods is [" + methods +
            "]) and would act on the same VMIs; switch it off again on the HyperConverged CR, or run with --coexist";
      code = run_reason_name(RunReason::InClusterUpdaterActive);
    }
  }
  if (why != paused_) {
    RunEvent e;
    if (!why.empty()) {
      e.type = EventType::Paused;
      e.reason = code;
      e.message = why + "; nothing new starts until that is over";
    } else {
      e.type = EventType::Resumed;
      e.reason = paused_reason_;
      e.message = "resumed: " + paused_ + " no longer holds";
    }
    out.events.push_back(std::move(e));
    paused_ = why;
    paused_reason_ = code;
  }
  out.paused = paused_;
}

// Folds this run's VMIMs of the VMI, and their target pods, into its record.
void RunTracker::observe_migrations(VmiProgress& p, std::vector<const cluster::Vmim*>& list, const StepInput& in,
                                    Step& out) {
  std::sort(list.begin(), list.end(), [](const cluster::Vmim* a, const cluster::Vmim* b) {
    return a->created != b->created ? a->created < b->created : a->name < b->name;
  });
  int failed = 0;
  const cluster::Vmim* unfinished = nullptr;
  for (const cluster::Vmim* m : list) {
    if (!m->target_image.empty()) p.migration_images.emplace(m->name, m->target_image);
    if (p.timed_out_migrations.count(m->name)) continue;  // counted when it was deleted
    if (m->phase == "Failed") ++failed;
    if (!decide::vmim_is_final(*m)) {
      unfinished = m;
      continue;
    }
    if (!p.finished_migrations.insert(m->name).second) continue;
    RunEvent e = vmi_event(m->phase == "Failed" ? EventType::MigrationFailed : EventType::MigrationSucceeded, p);
    e.migration = m->name;
    e.attempt = static_cast<int>(p.finished_migrations.size() + p.timed_out_migrations.size());
    if (m->phase == "Failed") {
      const bool current = m->name == p.active_migration;
      const std::string reason =
          failure_text(*m, current && p.target_unschedulable, current && p.target_pending && !p.target_left_pending);
      p.failures.push_back({m->name, "Failed", reason});
      e.reason = run_reason_name(RunReason::MigrationFailed);
      e.message = reason;
      p.retry_after = in.now + backoff_after(failed + p.create_failures + static_cast<int>(p.timed_out_migrations.size()));
    } else {
      e.reason = run_reason_name(RunReason::MigrationSucceeded);
      auto image = p.migration_images.find(m->name);
      p.succeeded_images.insert(image != p.migration_images.end() ? image->second : launcher_image_);
      p.retry_after = in.now + kSuccessSettle;  // the VMI's own update may still be on its way
    }
    if (m->name == p.active_migration) {
      p.active_migration.clear();
      p.active_observed = false;
      p.target_unschedulable = p.target_pending = p.target_left_pending = false;
      p.active_since.reset();
    }
    out.events.push_back(std::move(e));
  }
  p.failed_migrations = std::max(p.failed_migrations, failed);
  if (!unfinished) return;
  p.active_migration = unfinished->name;
  p.active_observed = true;
  bool has_target_pod = false;
  for (const auto& pod : in.snapshot.pods) {
    if (pod.migration_job_uid != unfinished->uid) continue;
    has_target_pod = true;
    if (pod.phase == "Pending") p.target_pending = true;
    else p.target_left_pending = true;
    if (!pod.unschedulable || p.target_unschedulable) continue;
    p.target_unschedulable = true;
    RunEvent e = vmi_event(EventType::TargetPodUnschedulable, p);
    e.migration = unfinished->name;
    e.pod = pod.name;
    e.reason = run_reason_name(RunReason::Unschedulable);
    e.message = "the target pod cannot be scheduled; KubeVirt fails the attempt after its pending timeout";
    out.events.push_back(std::move(e));
  }
  // Still Pending without a target pod (a ResourceQuota refusing it, KubeVirt's limits full for ever):
  // it holds one of this run's slots, so after --pending-timeout it is deleted and counted as failed.
  if (has_target_pod || decide::vmim_is_running(*unfinished)) {
    p.active_since = p.active_since.value_or(in.now);
    p.pending_since.reset();
    return;
  }
  if (!p.pending_since) p.pending_since = in.now;
  if (in.now - *p.pending_since < options_.pending_timeout) return;
  std::string why;
  for (const auto& c : unfinished->conditions) why += (why.empty() ? "" : "; ") + c;
  const std::string reason = "stayed Pending without a target pod for " + seconds_text(options_.pending_timeout) +
                             " (--pending-timeout): " + (why.empty() ? "no condition of the VMIM says why" : why);
  p.timed_out_migrations.insert(unfinished->name);
  p.failures.push_back({unfinished->name, run_reason_name(RunReason::PendingTimeout), reason});
  p.retry_after = in.now + backoff_after(p.attempts());
  p.active_migration.clear();
  p.active_observed = false;
  p.pending_since.reset();
  out.delete_migrations.push_back({decide::key_of(p.namespace_, p.name), unfinished->namespace_, unfinished->name});
  RunEvent e = vmi_event(EventType::MigrationDeleted, p);
  e.migration = unfinished->name;
  e.attempt = static_cast<int>(p.finished_migrations.size() + p.timed_out_migrations.size());
  e.reason = run_reason_name(RunReason::PendingTimeout);
  e.message = reason + "; deleted";
  out.events.push_back(std::move(e));
}

void RunTracker::decide_vmi(VmiProgress& p, const decide::Decision& d, const StepInput& in, Candidates& c, Step& out) {
  const cluster::Vmi& v = *d.vmi;
  const std::string key = decide::key_of(v.namespace_, v.name);
  p.run_strategy = d.run_strategy;
  if (d.reason != decide::Reason::MigrationInProgress) p.stale_migration_since.reset();
  if (d.execution != decide::Execution::Nothing) p.action = decide::is_eviction(d.execution) ? "Evict" : "LiveMigrate";
  const bool settled = p.state == VmiState::Updated || p.state == VmiState::StaysDown || p.state == VmiState::Stuck;
  if (!settled) observe_migrations(p, c.mine[key], in, out);

  const auto foreign = c.foreign_pending.find(key);
  const cluster::Vmim* foreign_pending = foreign != c.foreign_pending.end() ? foreign->second : nullptr;
  if (!foreign_pending) p.foreign_pending_since.reset();
  else if (!p.foreign_pending_since) p.foreign_pending_since = in.now;
  const RunRuleInput input{p,
                           d,
                           v,
                           decide::current_vmi_pod(c.pods, v),
                           c.with_unfinished_vmim.count(key) > 0,
                           foreign_pending,
                           options_,
                           in.now,
                           launcher_image_};
  const RunTransition t = evaluate_run_rules(input);
  if (t.follow_eviction) p.evicted_uid = v.uid;
  if (t.down_now && !p.down_since) p.down_since = in.now;
  if (t.stale_now && !p.stale_migration_since) p.stale_migration_since = in.now;
  if (t.wake_at) c.wake(*t.wake_at);
  if (t.event) {
    if (p.state != t.state || p.reason != t.reason) {
      p.state = t.state;
      p.reason = t.reason;
      p.message = t.message;
      RunEvent e = vmi_event(*t.event, p);
      e.reason = t.reason;
      e.message = t.message;
      out.events.push_back(std::move(e));
    }
  } else {
    p.state = t.state;
    if (!t.reason.empty()) p.reason = t.reason;
  }
  if (t.next == Next::Migrate) c.migrate.push_back({&p, &v, false});
  if (t.next == Next::Evict) c.evict.push_back({&p, &v, d.execution == decide::Execution::EvictForMigration});
}

// VMIs followed by the run that the plan no longer lists: deleted, or out of the scope's namespace/selector.
void RunTracker::follow_unlisted(const StepInput& in, const std::set<std::string>& decided, Candidates& c,
                                 Step& out) {
  for (auto& entry : progress_) {
    const std::string& key = entry.first;
    VmiProgress& p = entry.second;  // not a structured binding: clang 14 cannot capture one in a lambda
    if (decided.count(key) || is_settled(p.state)) continue;
    if (c.vmi_by_key.count(key)) continue;  // still there but out of the plan's scope: leave as is
    auto report = [&](VmiState s, RunReason r, const std::string& message, EventType type) {
      if (p.state == s && p.reason == run_reason_name(r)) return;
      p.state = s;
      p.reason = run_reason_name(r);
      p.message = message;
      RunEvent e = vmi_event(type, p);
      e.reason = p.reason;
      e.message = message;
      out.events.push_back(std::move(e));
    };
    auto vm_it = c.vm_by_key.find(key);
    const cluster::Vm* vm = vm_it == c.vm_by_key.end() ? nullptr : vm_it->second;
    if (!p.evicted_uid.empty()) {
      if (vm && vm->run_strategy == "Always") {
        if (!p.down_since) p.down_since = in.now;
        p.state = VmiState::Restarting;
        if (in.now - *p.down_since > options_.restart_timeout)
          report(VmiState::Stuck, RunReason::NotRestarted, "evicted; its VM did not start it again in time",
                 EventType::VmiStuck);
        else
          c.wake(*p.down_since + options_.restart_timeout);
      } else {
        report(VmiState::StaysDown, RunReason::StaysDown, "evicted and deleted; nothing starts it again",
               EventType::VmiStaysDown);
      }
      continue;
    }
    if (!p.active_migration.empty()) continue;  // its VMIM will fail; KubeVirt deletes it
    report(VmiState::Gone, RunReason::Deleted, "the VMI was deleted during the run", EventType::VmiGone);
  }
}

// The one admission step: migrations within KubeVirt's limits as its migration controller counts them
// (the rule `plan`'s waves use), evictions as the pacer allows.
void RunTracker::admit(const StepInput& in, Candidates& c, Step& out) {
  if (!paused_.empty()) return;
  const decide::ActiveMigrations active = decide::active_migrations(in.snapshot);
  decide::MigrationSlots slots;
  slots.node_limit = static_cast<int>(in.plan.config.parallel_outbound_migrations_per_node);
  slots.node_used = active.outbound;
  // This run's own unfinished VMIMs hold a slot even while KubeVirt has not counted them yet (Pending,
  // or just created and not shown by the watch); other creators' Pending ones do not.
  int own_waiting = 0;
  for (const auto& [key, p] : progress_) {
    if (p.active_migration.empty() || active.in_flight_vmims.count(decide::key_of(p.namespace_, p.active_migration)))
      continue;
    ++own_waiting;
    auto v = c.vmi_by_key.find(key);
    if (v != c.vmi_by_key.end())
      for (const auto& node : decide::outbound_nodes(*v->second)) ++slots.node_used[node];
  }
  slots.cluster_free = static_cast<int>(options_.max_parallel) - active.in_flight - own_waiting;
  decide::MigrationQueue queue;
  for (std::size_t i = 0; i < c.migrate.size(); ++i) queue.add(c.migrate[i].v->node, i);
  for (std::size_t i : queue.admit(slots)) {
    const auto& m = c.migrate[i];
    out.migrate.push_back({decide::key_of(m.v->namespace_, m.v->name), m.v->namespace_, m.v->name, m.v->uid,
                           m.p->attempts() + 1, launcher_image_});
  }

  // Evictions: one batch when the pacer allows it; its slot is used even if every eviction fails.
  if (c.evict.empty()) return;
  const std::int64_t allowed = pacer_.allowed(in.wall_now);
  if (allowed > 0) {
    pacer_.start_batch(in.wall_now);
    const std::size_t n = std::min<std::size_t>(c.evict.size(), static_cast<std::size_t>(allowed));
    RunEvent e;
    e.type = EventType::EvictionBatchStarted;
    e.message = "evicting " + std::to_string(n) + " of " + std::to_string(c.evict.size()) + " waiting";
    e.details = BatchDetails{n, c.evict.size()};
    out.events.push_back(std::move(e));
    for (std::size_t i = 0; i < n; ++i) {
      const auto& ev = c.evict[i];
      const cluster::LauncherPod* pod = decide::current_vmi_pod(c.pods, *ev.v);
      out.evict.push_back({decide::key_of(ev.v->namespace_, ev.v->name), ev.v->namespace_, ev.v->name, ev.v->uid,
                           pod ? pod->name : "", ev.evacuation});
      ev.p->state = VmiState::ShuttingDown;
    }
  }
  if (auto at = pacer_.next_batch_at(in.wall_now)) c.wake(in.now + std::chrono::seconds(*at - in.wall_now));
}

Step RunTracker::step(const StepInput& in) {
  Step out;
  const auto& s = in.snapshot;
  Candidates c;
  c.wake = [&out](SteadyClock::time_point t) {
    if (!out.wake_at || t < *out.wake_at) out.wake_at = t;
  };
  follow_cluster(in, out);

  for (const auto& v : s.vmis) c.vmi_by_key[decide::key_of(v.namespace_, v.name)] = &v;
  for (const auto& vm : s.vms) c.vm_by_key[decide::key_of(vm.namespace_, vm.name)] = &vm;
  c.pods = decide::pods_by_owner(s.pods);
  std::set<std::string> seen_names, with_target_pod;
  for (const auto& pod : s.pods)
    if (!pod.migration_job_uid.empty()) with_target_pod.insert(pod.migration_job_uid);
  for (const auto& m : s.vmims) {
    const std::string key = decide::key_of(m.namespace_, m.vmi_name);
    const bool mine = made_by_run(m.labels, run_id_);
    if (mine) c.mine[key].push_back(&m);
    seen_names.insert(decide::key_of(m.namespace_, m.name));
    if (decide::vmim_is_final(m)) continue;
    c.with_unfinished_vmim.insert(key);
    if (!mine && !decide::vmim_is_running(m) && !with_target_pod.count(m.uid)) c.foreign_pending.emplace(key, &m);
  }
  // A created VMIM the watch has not shown yet (KubeVirt's expectations): waited for a while; seen once
  // and gone (deleted by someone), or never shown: the run stops waiting for it.
  for (auto& [key, p] : progress_) {
    if (p.active_migration.empty() || seen_names.count(decide::key_of(p.namespace_, p.active_migration))) continue;
    if (p.active_observed || (p.active_since && in.now - *p.active_since > kCreateExpectation)) {
      p.active_migration.clear();
      p.active_observed = false;
      p.pending_since.reset();
    }
  }

  std::set<std::string> decided;
  for (const auto& d : in.plan.decisions) {
    const cluster::Vmi& v = *d.vmi;
    const std::string key = decide::key_of(v.namespace_, v.name);
    decided.insert(key);
    auto it = progress_.find(key);
    if (it == progress_.end()) {
      if (!d.outdated || d.action == decide::Action::None) continue;  // never part of the work
      VmiProgress fresh;
      fresh.namespace_ = v.namespace_;
      fresh.name = v.name;
      fresh.uid = v.uid;
      it = progress_.emplace(key, std::move(fresh)).first;
    }
    decide_vmi(it->second, d, in, c, out);
  }
  follow_unlisted(in, decided, c, out);
  if (!in.stopping) admit(in, c, out);

  out.done = !in.stopping && out.migrate.empty() && out.evict.empty() && out.delete_migrations.empty() &&
             std::all_of(progress_.begin(), progress_.end(), [](const auto& kv) { return is_settled(kv.second.state); });
  return out;
}

void RunTracker::migration_created(const MigrationAction& a, const std::string& name) {
  auto& p = progress_[a.key];
  p.active_migration = name;
  p.active_observed = false;
  p.active_since = SteadyClock::now();
  p.pending_since.reset();
  if (!a.target_image.empty()) p.migration_images[name] = a.target_image;
  p.state = VmiState::Migrating;
}

RunEvent RunTracker::migration_not_created(const MigrationAction& a, const std::string& error, bool refused,
                                           SteadyClock::time_point now) {
  auto& p = progress_[a.key];
  if (refused) {
    ++p.create_failures;
    p.failures.push_back({"", run_reason_name(RunReason::CreateFailed), error});
  }
  p.retry_after = now + backoff_after(std::max(1, p.attempts()));
  p.state = VmiState::Waiting;
  RunEvent e = vmi_event(EventType::ActionFailed, p);
  e.attempt = a.attempt;
  e.reason = run_reason_name(RunReason::CreateFailed);
  e.message = "creating the migration failed: " + error;
  return e;
}

RunEvent RunTracker::eviction_answered(const EvictionAction& a, const kube::EvictionOutcome& o,
                                       SteadyClock::time_point now) {
  auto& p = progress_[a.key];
  RunEvent e = vmi_event(EventType::Evicted, p);
  e.pod = a.pod;
  e.reason = kube::to_string(o.result);
  switch (o.result) {
    case kube::EvictionResult::Started:
    case kube::EvictionResult::AlreadyGone:
      p.evicted_uid = a.vmi_uid;
      p.state = VmiState::ShuttingDown;
      e.message = o.result == kube::EvictionResult::Started ? "eviction accepted; the VM is shutting down"
                                                            : "the launcher pod was already gone";
      return e;
    case kube::EvictionResult::EvacuationTriggered:
    case kube::EvictionResult::EvacuationInProgress:
      p.state = VmiState::Evacuating;
      p.evacuation_requested = true;
      e.type = EventType::EvacuationStarted;
      e.message = "KubeVirt turned the eviction into a live migration: " + o.message;
      return e;
    default: break;
  }
  ++p.refused_evictions;
  p.failures.push_back({"", kube::to_string(o.result), o.message.empty() ? "HTTP " + std::to_string(o.http_code) : o.message});
  p.retry_after = now + backoff_after(p.refused_evictions);
  p.state = VmiState::Waiting;
  e.type = EventType::EvictionRefused;
  e.attempt = p.refused_evictions;
  e.message = o.message.empty() ? "HTTP " + std::to_string(o.http_code) : o.message;
  return e;
}

RunEvent RunTracker::eviction_not_sent(const EvictionAction& a, const std::string& error) {
  auto& p = progress_[a.key];
  p.state = VmiState::Waiting;  // no answer: not counted; the next batch tries again
  RunEvent e = vmi_event(EventType::ActionFailed, p);
  e.pod = a.pod;
  e.reason = run_reason_name(RunReason::EvictionNotSent);
  e.message = "the eviction request failed: " + error;
  return e;
}

void RunTracker::batch_started(cluster::Timestamp at) {
  if (!pacer_.last_batch || at > *pacer_.last_batch) pacer_.last_batch = at;
}

std::vector<std::pair<std::string, std::string>> RunTracker::unfinished_migrations() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [key, p] : progress_)
    if (!p.active_migration.empty()) out.emplace_back(p.namespace_, p.active_migration);
  return out;
}

}  // namespace wu::update

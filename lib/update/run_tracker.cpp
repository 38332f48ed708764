#include "update/run_tracker.hpp"

#include <algorithm>

#include "decide/run_strategy.hpp"
#include "decide/vmi_facts.hpp"
#include "update/run_identity.hpp"

namespace wu::update {

namespace {

constexpr auto kMaxBackoff = std::chrono::minutes(5);
// How long a created VMIM may stay unseen by the watch before the run stops waiting for it.
constexpr auto kCreateExpectation = std::chrono::seconds(30);
// After this run's VMIM succeeded, how long the VMI may still look outdated (its watch event can lag
// the VMIM's) before the run acts on it again.
constexpr auto kSuccessSettle = std::chrono::seconds(10);
// How long a VMI may look migrating without any VMIM before the run stops waiting for it.
constexpr auto kStaleMigrationGrace = std::chrono::seconds(15);

// A stopped VMI comes back when its VM says so (KubeVirt reference §5).
bool restarts(const std::string& run_strategy, const std::string& phase) {
  if (run_strategy == "Always") return true;
  return run_strategy == "RerunOnFailure" && phase == "Failed";
}

// KubeVirt's reason, with what the run saw of the target pod: the pending timeouts of reference §3.3
// fail an attempt only through "target pod gone", which does not say why on its own.
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

std::string summary_of(const std::vector<Attempt>& failures) {
  std::string out;
  for (const auto& f : failures) {
    if (!out.empty()) out += "; ";
    out += (f.migration.empty() ? std::string("eviction") : f.migration) + ": " + f.reason;
  }
  return out;
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

const cluster::LauncherPod* current_pod(const cluster::Snapshot& s, const cluster::Vmi& vmi) {
  const cluster::LauncherPod* best = nullptr;
  for (const auto& p : s.pods) {
    if (p.namespace_ != vmi.namespace_) continue;
    const bool controlled = !p.owner_vmi_uid.empty() ? p.owner_vmi_uid == vmi.uid : p.vmi_name == vmi.name;
    if (!controlled || (!vmi.node.empty() && p.node != vmi.node)) continue;
    if (!best || p.created > best->created || (p.created == best->created && p.name > best->name)) best = &p;
  }
  return best;
}

RunTracker::RunTracker(RunOptions options, std::string run_id, EvictionPacer pacer)
    : options_(std::move(options)), run_id_(std::move(run_id)), pacer_(pacer) {}

std::chrono::milliseconds RunTracker::backoff_after(int failures) const {
  auto d = options_.retry_backoff;
  for (int i = 1; i < failures && d < kMaxBackoff; ++i) d *= 2;
  return std::min<std::chrono::milliseconds>(d, kMaxBackoff);
}

void RunTracker::settle(VmiProgress& p, VmiState s, const std::string& reason, const std::string& message,
                        std::vector<RunEvent>& out, EventType type) {
  if (p.state == s && p.reason == reason) return;
  p.state = s;
  p.reason = reason;
  p.message = message;
  RunEvent e = vmi_event(type, p);
  e.reason = reason;
  e.message = message;
  out.push_back(std::move(e));
}

Step RunTracker::step(const StepInput& in) {
  Step out;
  const auto& s = in.snapshot;
  auto wake = [&](SteadyClock::time_point t) {
    if (!out.wake_at || t < *out.wake_at) out.wake_at = t;
  };

  // This run's VMIMs per VMI; every creator's unfinished ones for the limits.
  std::map<std::string, std::vector<const cluster::Vmim*>> mine;
  std::map<std::string, const cluster::Vmi*> vmi_by_key;
  for (const auto& v : s.vmis) vmi_by_key[decide::key_of(v.namespace_, v.name)] = &v;
  std::map<std::string, const cluster::Vm*> vm_by_key;
  for (const auto& vm : s.vms) vm_by_key[decide::key_of(vm.namespace_, vm.name)] = &vm;
  int in_flight = 0;
  std::map<std::string, int> outbound;  // source node -> unfinished migrations
  std::set<std::string> seen_names;
  std::set<std::string> with_unfinished_vmim;  // "ns/vmi", any creator
  for (const auto& m : s.vmims) {
    const std::string key = decide::key_of(m.namespace_, m.vmi_name);
    if (made_by_run(m.labels, run_id_)) mine[key].push_back(&m);
    seen_names.insert(decide::key_of(m.namespace_, m.name));
    if (decide::vmim_is_final(m)) continue;
    with_unfinished_vmim.insert(key);
    ++in_flight;
    std::string node = m.source_node;
    if (node.empty()) {
      auto it = vmi_by_key.find(key);
      if (it != vmi_by_key.end()) node = it->second->node;
    }
    if (!node.empty()) ++outbound[node];
  }
  // Migrations this run created that the watch has not shown yet count too (like KubeVirt's expectations).
  for (auto& [key, p] : progress_) {
    if (p.active_migration.empty() || seen_names.count(decide::key_of(p.namespace_, p.active_migration))) continue;
    if (p.active_observed || (p.active_since && in.now - *p.active_since > kCreateExpectation)) {
      // Seen once and gone (deleted by someone), or never shown: stop waiting for it.
      p.active_migration.clear();
      p.active_observed = false;
      continue;
    }
    ++in_flight;
    auto it = vmi_by_key.find(key);
    if (it != vmi_by_key.end()) ++outbound[it->second->node];
  }

  struct Candidate {
    VmiProgress* p;
    const cluster::Vmi* v;
    bool evacuation = false;  // the eviction webhook turns this eviction into a migration
  };
  std::vector<Candidate> to_migrate, to_evict;
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
    VmiProgress& p = it->second;
    p.run_strategy = d.run_strategy;
    if (d.reason != decide::Reason::MigrationInProgress) p.stale_migration_since.reset();
    if (p.state == VmiState::Updated || p.state == VmiState::StaysDown || p.state == VmiState::Stuck) continue;

    // What happened to this run's migrations of it.
    auto& list = mine[key];
    std::sort(list.begin(), list.end(), [](const cluster::Vmim* a, const cluster::Vmim* b) {
      return a->created != b->created ? a->created < b->created : a->name < b->name;
    });
    int failed = 0;
    const cluster::Vmim* unfinished = nullptr;
    for (const cluster::Vmim* m : list) {
      if (m->phase == "Failed") ++failed;
      if (!decide::vmim_is_final(*m)) {
        unfinished = m;
        continue;
      }
      if (!p.finished_migrations.insert(m->name).second) continue;
      RunEvent e = vmi_event(m->phase == "Failed" ? EventType::MigrationFailed : EventType::MigrationSucceeded, p);
      e.migration = m->name;
      e.attempt = static_cast<int>(p.finished_migrations.size());
      if (m->phase == "Failed") {
        const bool current = m->name == p.active_migration;
        const std::string reason = failure_text(*m, current && p.target_unschedulable,
                                                current && p.target_pending && !p.target_left_pending);
        p.failures.push_back({m->name, "Failed", reason});
        e.reason = "MigrationFailed";
        e.message = reason;
        p.retry_after = in.now + backoff_after(failed + p.create_failures);
      } else {
        e.reason = "MigrationSucceeded";
        p.retry_after = in.now + kSuccessSettle;  // the VMI's own update may still be on its way
      }
      if (m->name == p.active_migration) {
        p.active_migration.clear();
        p.active_observed = false;
        p.target_unschedulable = p.target_pending = p.target_left_pending = false;
      }
      out.events.push_back(std::move(e));
    }
    p.failed_migrations = std::max(p.failed_migrations, failed);
    if (unfinished) {
      p.active_migration = unfinished->name;
      p.active_observed = true;
      for (const auto& pod : s.pods) {
        if (pod.migration_job_uid != unfinished->uid) continue;
        if (pod.phase == "Pending") p.target_pending = true;
        else p.target_left_pending = true;
        if (!pod.unschedulable || p.target_unschedulable) continue;
        p.target_unschedulable = true;
        RunEvent e = vmi_event(EventType::TargetPodUnschedulable, p);
        e.migration = unfinished->name;
        e.pod = pod.name;
        e.reason = "Unschedulable";
        e.message = "the target pod cannot be scheduled; KubeVirt fails the attempt after its pending timeout";
        out.events.push_back(std::move(e));
      }
    }

    // An eviction of ours is followed until the VM is back or known to stay down.
    if (!p.evicted_uid.empty()) {
      if (v.uid != p.evicted_uid) {
        if (decide::is_running(v) && !d.outdated) {
          settle(p, VmiState::Updated, "Restarted", "its VM started it again on the current launcher image", out.events,
                 EventType::VmiRestarted);
          continue;
        }
        if (!p.down_since) p.down_since = in.now;
        p.state = VmiState::Restarting;
      } else if (decide::is_final(v)) {
        if (!restarts(d.run_strategy, v.phase)) {
          settle(p, VmiState::StaysDown, "StaysDown",
                 d.run_strategy.empty() ? "evicted; it has no VM, so nothing starts it again"
                                        : "evicted; its VM (runStrategy " + d.run_strategy + ") does not start it again",
                 out.events, EventType::VmiStaysDown);
          continue;
        }
        if (!p.down_since) p.down_since = in.now;
        p.state = VmiState::Restarting;
      } else {
        p.state = VmiState::ShuttingDown;
      }
      if (p.state == VmiState::Restarting && p.down_since) {
        if (in.now - *p.down_since > options_.restart_timeout) {
          settle(p, VmiState::Stuck, "NotRestarted",
                 "evicted; its VM (runStrategy " + d.run_strategy + ") did not start it again in time", out.events,
                 EventType::VmiStuck);
          continue;
        }
        wake(*p.down_since + options_.restart_timeout);
      }
      continue;
    }

    if (!p.active_migration.empty()) {  // created, or in flight: nothing new until it ends
      p.state = VmiState::Migrating;
      continue;
    }

    switch (d.action) {
      case decide::Action::None:
        if (d.reason == decide::Reason::UpToDate) {
          if (!p.finished_migrations.empty())
            settle(p, VmiState::Updated, "Migrated", "live-migrated to a launcher pod with the current image",
                   out.events, EventType::VmiUpdated);
          else if (p.evacuation_requested)
            settle(p, VmiState::Updated, "Evacuated",
                   "KubeVirt live-migrated it to a launcher pod with the current image after the eviction request",
                   out.events, EventType::VmiUpdated);
          else
            settle(p, VmiState::Updated, "UpdatedElsewhere", "runs the current launcher image (updated by someone else)",
                   out.events, EventType::VmiUpdated);
        } else {
          settle(p, VmiState::Skipped, decide::reason_name(d.reason), d.message, out.events, EventType::VmiSkipped);
        }
        continue;
      case decide::Action::Skip:
        if (d.reason == decide::Reason::MigrationInProgress && with_unfinished_vmim.count(key)) {
          p.state = VmiState::Evacuating;  // someone else's migration (or KubeVirt's evacuation): wait for its end
          p.reason = decide::reason_name(d.reason);
          continue;
        }
        // MigrationInProgress with no VMIM: usually the VMI's update lagging its VMIM's by a moment; if it
        // lasts, a stale migrationState that nothing will end, so it is skipped (and re-evaluated while the
        // run goes on).
        if (d.reason == decide::Reason::MigrationInProgress) {
          if (!p.stale_migration_since) p.stale_migration_since = in.now;
          if (in.now - *p.stale_migration_since < kStaleMigrationGrace) {
            p.state = VmiState::Evacuating;
            wake(*p.stale_migration_since + kStaleMigrationGrace);
            continue;
          }
        }
        settle(p, VmiState::Skipped, decide::reason_name(d.reason), d.message, out.events, EventType::VmiSkipped);
        continue;
      default: break;
    }

    const bool by_eviction =
        d.action == decide::Action::Evict || d.reason == decide::Reason::EvictionTriggersMigration;
    p.action = by_eviction ? "Evict" : "LiveMigrate";
    // Attempts used up: stuck now, not after one more backoff.
    if (!by_eviction && p.failed_migrations + p.create_failures >= options_.max_attempts) {
      settle(p, VmiState::Stuck, "MigrationFailed",
             "its last " + std::to_string(p.failed_migrations + p.create_failures) +
                 " migration attempts failed: " + summary_of(p.failures),
             out.events, EventType::VmiStuck);
      continue;
    }
    if (by_eviction && p.refused_evictions >= options_.max_attempts) {
      settle(p, VmiState::Stuck, "EvictionRefused",
             "its last " + std::to_string(p.refused_evictions) + " evictions were refused: " + summary_of(p.failures),
             out.events, EventType::VmiStuck);
      continue;
    }
    if (p.retry_after && in.now < *p.retry_after) {
      p.state = VmiState::Waiting;
      wake(*p.retry_after);
      continue;
    }
    if (!by_eviction) {
      p.state = VmiState::Waiting;
      to_migrate.push_back({&p, &v});
      continue;
    }
    if (!v.evacuation_node.empty()) {  // marked for evacuation: KubeVirt (or an external actor) has it
      p.state = VmiState::Evacuating;
      continue;
    }
    const cluster::LauncherPod* pod = current_pod(s, v);
    if (pod && pod->deleting) {  // being evicted already (by an earlier run of ours, or anyone): follow it
      p.evicted_uid = v.uid;
      p.state = VmiState::ShuttingDown;
      continue;
    }
    if (!pod) {
      settle(p, VmiState::Skipped, "NoLauncherPod", "no virt-launcher pod found to evict", out.events,
             EventType::VmiSkipped);
      continue;
    }
    // Only shutdowns need the user's yes; an eviction KubeVirt turns into a migration does not.
    if (d.action == decide::Action::Evict && options_.confirmed_evictions &&
        !options_.confirmed_evictions->count(v.uid)) {
      settle(p, VmiState::Skipped, "NotConfirmed",
             "would be evicted, but it was not in the list confirmed at the start; run again to confirm it", out.events,
             EventType::VmiSkipped);
      continue;
    }
    p.state = VmiState::Waiting;
    to_evict.push_back({&p, &v, d.reason == decide::Reason::EvictionTriggersMigration});
  }

  // VMIs followed by the run that the plan no longer lists: deleted, or out of the scope's namespace/selector.
  for (auto& [key, p] : progress_) {
    if (decided.count(key) || is_settled(p.state)) continue;
    auto vit = vmi_by_key.find(key);
    if (vit != vmi_by_key.end()) continue;  // still there but out of the plan's scope: leave as is
    auto vm = vm_by_key.find(key);
    if (!p.evicted_uid.empty()) {
      if (vm != vm_by_key.end() && vm->second->run_strategy == "Always") {
        if (!p.down_since) p.down_since = in.now;
        p.state = VmiState::Restarting;
        if (in.now - *p.down_since > options_.restart_timeout)
          settle(p, VmiState::Stuck, "NotRestarted", "evicted; its VM did not start it again in time", out.events,
                 EventType::VmiStuck);
        else
          wake(*p.down_since + options_.restart_timeout);
      } else {
        settle(p, VmiState::StaysDown, "StaysDown", "evicted and deleted; nothing starts it again", out.events,
               EventType::VmiStaysDown);
      }
      continue;
    }
    if (!p.active_migration.empty()) continue;  // its VMIM will fail; KubeVirt deletes it
    settle(p, VmiState::Gone, "Deleted", "the VMI was deleted during the run", out.events, EventType::VmiGone);
  }

  if (!in.stopping) {
    // Migrations: in plan order, while the cluster (all creators) and the source node have room.
    int room = static_cast<int>(options_.max_parallel) - in_flight;
    const int node_limit = static_cast<int>(in.plan.config.parallel_outbound_migrations_per_node);
    for (const auto& c : to_migrate) {
      if (room <= 0) break;
      if (outbound[c.v->node] >= node_limit) continue;
      ++outbound[c.v->node];
      --room;
      const int attempt = c.p->failed_migrations + c.p->create_failures + 1;
      out.migrate.push_back({decide::key_of(c.v->namespace_, c.v->name), c.v->namespace_, c.v->name, c.v->uid, attempt});
    }
    // Evictions: one batch when the pacer allows it; its slot is used even if every eviction fails.
    if (!to_evict.empty()) {
      const std::int64_t allowed = pacer_.allowed(in.wall_now);
      if (allowed > 0) {
        pacer_.start_batch(in.wall_now);
        const std::size_t n = std::min<std::size_t>(to_evict.size(), static_cast<std::size_t>(allowed));
        RunEvent e;
        e.type = EventType::EvictionBatchStarted;
        e.message = "evicting " + std::to_string(n) + " of " + std::to_string(to_evict.size()) + " waiting";
        e.data = {{"size", n}, {"waiting", to_evict.size()}};
        out.events.push_back(std::move(e));
        for (std::size_t i = 0; i < n; ++i) {
          const auto& c = to_evict[i];
          const cluster::LauncherPod* pod = current_pod(s, *c.v);
          out.evict.push_back({decide::key_of(c.v->namespace_, c.v->name), c.v->namespace_, c.v->name, c.v->uid,
                               pod ? pod->name : "", c.evacuation});
          c.p->state = VmiState::ShuttingDown;
        }
      }
      if (auto at = pacer_.next_batch_at(in.wall_now))
        wake(in.now + std::chrono::seconds(*at - in.wall_now));
    }
  }

  out.done = !in.stopping && out.migrate.empty() && out.evict.empty() &&
             std::all_of(progress_.begin(), progress_.end(), [](const auto& kv) { return is_settled(kv.second.state); });
  return out;
}

void RunTracker::migration_created(const MigrationAction& a, const std::string& name) {
  auto& p = progress_[a.key];
  p.active_migration = name;
  p.active_observed = false;
  p.active_since = SteadyClock::now();
  p.state = VmiState::Migrating;
}

RunEvent RunTracker::migration_not_created(const MigrationAction& a, const std::string& error, bool refused,
                                           SteadyClock::time_point now) {
  auto& p = progress_[a.key];
  if (refused) {
    ++p.create_failures;
    p.failures.push_back({"", "CreateFailed", error});
  }
  p.retry_after = now + backoff_after(std::max(1, p.failed_migrations + p.create_failures));
  p.state = VmiState::Waiting;
  RunEvent e = vmi_event(EventType::ActionFailed, p);
  e.attempt = a.attempt;
  e.reason = "CreateFailed";
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
  e.reason = "EvictionNotSent";
  e.message = "the eviction request failed: " + error;
  return e;
}

void RunTracker::batch_sent(cluster::Timestamp at) {
  if (!pacer_.last_batch || at > *pacer_.last_batch) pacer_.last_batch = at;
}

std::vector<std::pair<std::string, std::string>> RunTracker::unfinished_migrations() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [key, p] : progress_)
    if (!p.active_migration.empty()) out.emplace_back(p.namespace_, p.active_migration);
  return out;
}

}  // namespace wu::update

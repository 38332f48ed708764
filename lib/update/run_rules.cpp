#include "update/run_rules.hpp"

#include "decide/run_strategy.hpp"
#include "decide/vmi_facts.hpp"

namespace wu::update {

namespace {

using T = std::optional<RunTransition>;
using decide::Action;
using decide::Execution;
using decide::Reason;

// How long a VMI may look migrating without any VMIM before the run stops waiting for it (its
// migrationState update usually lags its VMIM's by a moment; a stale one never ends).
constexpr auto kStaleMigrationGrace = std::chrono::seconds(15);

RunTransition quiet(VmiState s, std::string reason = {}) {
  RunTransition t;
  t.state = s;
  t.reason = std::move(reason);
  return t;
}

RunTransition settle(VmiState s, RunReason r, std::string message, EventType e) {
  RunTransition t;
  t.state = s;
  t.reason = run_reason_name(r);
  t.message = std::move(message);
  t.event = e;
  return t;
}

RunTransition skipped(const decide::Decision& d) {
  RunTransition t;
  t.state = VmiState::Skipped;
  t.reason = decide::reason_name(d.reason);
  t.message = d.message;
  t.event = EventType::VmiSkipped;
  return t;
}

bool by_eviction(const RunRuleInput& in) { return decide::is_eviction(in.decision.execution); }

// Waiting for a VM to start its VMI again, up to --restart-timeout from when it was first seen down.
RunTransition restarting(const RunRuleInput& in) {
  const auto since = in.progress.down_since.value_or(in.now);
  if (in.now - since > in.options.restart_timeout)
    return settle(VmiState::Stuck, RunReason::NotRestarted,
                  "evicted; its VM (runStrategy " + in.decision.run_strategy + ") did not start it again in time",
                  EventType::VmiStuck);
  RunTransition t = quiet(VmiState::Restarting);
  t.down_now = true;
  t.wake_at = since + in.options.restart_timeout;
  return t;
}

T settled(const RunRuleInput& in) {
  const VmiState s = in.progress.state;
  if (s == VmiState::Updated || s == VmiState::StaysDown || s == VmiState::Stuck) return quiet(s);
  return std::nullopt;
}

// An eviction of this run is followed until the VM is back or known to stay down.
T follow_eviction(const RunRuleInput& in) {
  const auto& p = in.progress;
  const auto& v = in.vmi;
  if (p.evicted_uid.empty()) return std::nullopt;
  if (v.uid != p.evicted_uid) {
    if (decide::is_running(v) && !in.decision.outdated)
      return settle(VmiState::Updated, RunReason::Restarted, "its VM started it again on the current launcher image",
                    EventType::VmiRestarted);
    return restarting(in);
  }
  if (!decide::is_final(v)) return quiet(VmiState::ShuttingDown);
  if (decide::restarts_after(in.decision.run_strategy, v.phase)) return restarting(in);
  return settle(VmiState::StaysDown, RunReason::StaysDown,
                in.decision.run_strategy.empty()
                    ? "evicted; it has no VM, so nothing starts it again"
                    : "evicted; its VM (runStrategy " + in.decision.run_strategy + ") does not start it again",
                EventType::VmiStaysDown);
}

T migration_in_flight(const RunRuleInput& in) {
  if (in.progress.active_migration.empty()) return std::nullopt;  // created, or in flight: nothing new until it ends
  return quiet(VmiState::Migrating);
}

T no_action(const RunRuleInput& in) {
  const auto& d = in.decision;
  if (d.action != Action::None) return std::nullopt;
  if (d.reason != Reason::UpToDate) return skipped(d);
  if (!in.progress.finished_migrations.empty())
    return settle(VmiState::Updated, RunReason::Migrated, "live-migrated to a launcher pod with the current image",
                  EventType::VmiUpdated);
  if (in.progress.evacuation_requested)
    return settle(VmiState::Updated, RunReason::Evacuated,
                  "KubeVirt live-migrated it to a launcher pod with the current image after the eviction request",
                  EventType::VmiUpdated);
  return settle(VmiState::Updated, RunReason::UpdatedElsewhere,
                "runs the current launcher image (updated by someone else)", EventType::VmiUpdated);
}

// Someone else's migration (or KubeVirt's evacuation) is under way: wait for its end. Shown migrating
// without any VMIM: waited out for a grace, then skipped (re-evaluated while the run goes on).
// Another creator's VMIM that stays Pending without a target pod (a ResourceQuota refusing it, as
// processMigrationPhase in migration.go records with migrationRejectedByResourceQuota) may never end:
// past --pending-timeout the VMI is stuck, and the VMIM is left to its owner.
T migrating_elsewhere(const RunRuleInput& in) {
  const auto& d = in.decision;
  if (d.action != Action::Skip || d.reason != Reason::MigrationInProgress) return std::nullopt;
  if (in.has_unfinished_vmim && in.foreign_pending && in.progress.foreign_pending_since) {
    const auto until = *in.progress.foreign_pending_since + in.options.pending_timeout;
    if (in.now >= until) {
      std::string why;
      for (const auto& c : in.foreign_pending->conditions) why += (why.empty() ? "" : "; ") + c;
      return settle(VmiState::Stuck, RunReason::ForeignMigrationPending,
                    "the migration " + in.foreign_pending->name +
                        " (not this run's) stays Pending without a target pod past --pending-timeout (" +
                        (why.empty() ? "no condition of the VMIM says why" : why) +
                        "); it is left to whoever created it",
                    EventType::VmiStuck);
    }
    RunTransition t = quiet(VmiState::Evacuating, decide::reason_name(d.reason));
    t.wake_at = until;
    return t;
  }
  if (in.has_unfinished_vmim) return quiet(VmiState::Evacuating, decide::reason_name(d.reason));
  const auto since = in.progress.stale_migration_since.value_or(in.now);
  if (in.now - since >= kStaleMigrationGrace) return skipped(d);
  RunTransition t = quiet(VmiState::Evacuating);
  t.stale_now = true;
  t.wake_at = since + kStaleMigrationGrace;
  return t;
}

T decision_skip(const RunRuleInput& in) {
  if (in.decision.action != Action::Skip) return std::nullopt;
  return skipped(in.decision);
}

std::string summary_of(const std::vector<Attempt>& failures) {
  std::string out;
  for (const auto& f : failures) {
    if (!out.empty()) out += "; ";
    out += (f.migration.empty() ? std::string("eviction") : f.migration) + ": " + f.reason;
  }
  return out;
}

// Attempts used up: stuck now, not after one more backoff.
T attempts_used_up(const RunRuleInput& in) {
  const auto& p = in.progress;
  const int max = in.options.max_attempts;
  if (by_eviction(in)) {
    if (p.refused_evictions < max) return std::nullopt;
    return settle(VmiState::Stuck, RunReason::EvictionRefused,
                  "its last " + std::to_string(p.refused_evictions) + " evictions were refused: " + summary_of(p.failures),
                  EventType::VmiStuck);
  }
  if (p.attempts() < max) return std::nullopt;
  return settle(VmiState::Stuck, RunReason::MigrationFailed,
                "its last " + std::to_string(p.attempts()) + " migration attempts failed: " + summary_of(p.failures),
                EventType::VmiStuck);
}

T backing_off(const RunRuleInput& in) {
  if (!in.progress.retry_after || in.now >= *in.progress.retry_after) return std::nullopt;
  RunTransition t = quiet(VmiState::Waiting);
  t.wake_at = *in.progress.retry_after;
  return t;
}

// At most one migration per target image: a VMI that a successful migration of this run to the
// current image left outdated would be migrated again and again.
T migrated_still_outdated(const RunRuleInput& in) {
  if (by_eviction(in) || in.launcher_image.empty() || !in.progress.succeeded_images.count(in.launcher_image))
    return std::nullopt;
  return settle(VmiState::Stuck, RunReason::MigratedStillOutdated,
                "a migration of this run to " + in.launcher_image + " succeeded, yet it still runs " +
                    (in.vmi.launcher_image.empty() ? std::string("an unknown image") : in.vmi.launcher_image) +
                    "; it is not migrated again for the same image",
                EventType::VmiStuck);
}

// No node can take the target pod (the placement of the decision core, as `plan` shows it): creating
// the migration would only hold a slot until its Unschedulable timeout. Skipped, not settled: every
// pass judges it again, so a node uncordoned, labelled or freed makes it a candidate.
T no_target_node(const RunRuleInput& in) {
  const auto e = in.decision.execution;
  if (in.options.try_unschedulable || in.decision.outcome != decide::Outcome::NoTargetNode ||
      (e != Execution::CreateMigration && e != Execution::EvictForMigration))
    return std::nullopt;
  return settle(VmiState::Skipped, RunReason::NoTargetNode,
                "no node can take its migration target pod: " + in.decision.placement_message +
                    " (--try-unschedulable tries anyway)",
                EventType::VmiSkipped);
}

T migrate(const RunRuleInput& in) {
  if (by_eviction(in)) return std::nullopt;
  RunTransition t = quiet(VmiState::Waiting);
  t.next = Next::Migrate;
  return t;
}

// Marked for evacuation (status.evacuationNodeName): KubeVirt's evacuation, or an external actor, has it.
T marked_for_evacuation(const RunRuleInput& in) {
  if (in.vmi.evacuation_node.empty()) return std::nullopt;
  return quiet(VmiState::Evacuating);
}

// Being evicted already (by an earlier run of ours, or anyone): follow it, never evict again.
T pod_terminating(const RunRuleInput& in) {
  if (!in.pod || !in.pod->deleting) return std::nullopt;
  RunTransition t = quiet(VmiState::ShuttingDown);
  t.follow_eviction = true;
  return t;
}

T no_launcher_pod(const RunRuleInput& in) {
  if (in.pod) return std::nullopt;
  return settle(VmiState::Skipped, RunReason::NoLauncherPod,
                "no launcher pod is controlled by it on its node (CurrentVMIPod finds none): nothing to evict",
                EventType::VmiSkipped);
}

// Only shutdowns need the user's yes; an eviction KubeVirt turns into a migration does not.
T not_confirmed(const RunRuleInput& in) {
  const auto& confirmed = in.options.confirmed_evictions;
  if (in.decision.execution != Execution::EvictAndShutDown || !confirmed || confirmed->count(in.vmi.uid))
    return std::nullopt;
  return settle(VmiState::Skipped, RunReason::NotConfirmed,
                "would be evicted, but it was not in the list confirmed at the start; run again to confirm it",
                EventType::VmiSkipped);
}

T evict(const RunRuleInput&) {
  RunTransition t = quiet(VmiState::Waiting);
  t.next = Next::Evict;
  return t;
}

}  // namespace

const std::vector<RunRule>& run_rule_chain() {
  static const std::vector<RunRule> chain{
      {"Settled", settled},
      {"FollowEviction", follow_eviction},
      {"MigrationInFlight", migration_in_flight},
      {"NoAction", no_action},
      {"MigratingElsewhere", migrating_elsewhere},
      {"DecisionSkip", decision_skip},
      {"AttemptsUsedUp", attempts_used_up},
      {"BackingOff", backing_off},
      {"MigratedStillOutdated", migrated_still_outdated},
      {"NoTargetNode", no_target_node},
      {"Migrate", migrate},
      {"MarkedForEvacuation", marked_for_evacuation},
      {"PodTerminating", pod_terminating},
      {"NoLauncherPod", no_launcher_pod},
      {"NotConfirmed", not_confirmed},
      {"Evict", evict},
  };
  return chain;
}

RunTransition evaluate_run_rules(const RunRuleInput& input) {
  for (const auto& rule : run_rule_chain())
    if (auto t = rule.apply(input)) return *t;
  return *evict(input);  // unreachable: Evict always decides
}

}  // namespace wu::update

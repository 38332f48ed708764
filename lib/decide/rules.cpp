#include "decide/rules.hpp"

#include "decide/eviction_webhook.hpp"
#include "decide/launcher_pod.hpp"

namespace wu::decide {

namespace {

using V = std::optional<Verdict>;

std::string key(const RuleInput& in) { return key_of(in.vmi.namespace_, in.vmi.name); }

V not_running(const RuleInput& in) {
  if (is_running(in.vmi) && !is_final(in.vmi)) return std::nullopt;
  return Verdict{Action::None, Reason::NotRunning,
                 "phase is " + (in.vmi.phase.empty() ? std::string("unset") : in.vmi.phase) +
                     "; only Running VMIs are updated"};
}

V terminating(const RuleInput& in) {
  if (!in.vmi.deleting) return std::nullopt;
  return Verdict{Action::None, Reason::Terminating, "being deleted"};
}

// shouldAbortMigration (workload-updater.go): an update migration is in flight but the change that
// needed it is gone.
V change_aborted(const RuleInput& in) {
  if (in.outdated) return std::nullopt;
  auto it = in.index.unfinished_update_vmims.find(key(in));
  const int n = it == in.index.unfinished_update_vmims.end() ? 0 : it->second;
  if (n == 0) return std::nullopt;
  const auto& v = in.vmi;
  bool abort = false;
  if (v.abort_annotation) abort = true;
  else if (v.hot_vcpu_change || v.hot_memory_change || v.migration_required || v.volumes_change) abort = false;
  else abort = !v.target_domain_ready;
  if (!abort) return std::nullopt;
  return Verdict{Action::None, Reason::ChangeAborted,
                 "the change that needed a migration is gone: KubeVirt deletes its in-flight update migration"};
}

V up_to_date(const RuleInput& in) {
  if (in.outdated || in.trigger != Trigger::None) return std::nullopt;
  return Verdict{Action::None, Reason::UpToDate, "runs the current launcher image"};
}

V migration_in_progress(const RuleInput& in) {
  if (is_migrating(in.vmi, in.now))
    return Verdict{Action::Skip, Reason::MigrationInProgress, "migrating now; nothing new starts until it ends"};
  if (in.index.vmis_with_unfinished_vmim.count(key(in)))
    return Verdict{Action::Skip, Reason::MigrationInProgress,
                   "has an unfinished migration (VMIM); nothing new starts until it ends"};
  return std::nullopt;
}

V no_update_methods(const RuleInput& in) {
  if (in.config.live_migrate_enabled() || in.config.evict_enabled()) return std::nullopt;
  return Verdict{Action::Skip, Reason::NoUpdateMethods,
                 "no workload update method (LiveMigrate, Evict) is enabled, so it stays outdated"};
}

V migrations_disabled_or(const RuleInput& in, Verdict when_enabled) {
  if (in.config.parallel_migrations_per_cluster == 0)
    return Verdict{Action::Skip, Reason::MigrationsDisabled,
                   "would live-migrate, but parallelMigrationsPerCluster is 0, so no migration ever runs"};
  return when_enabled;
}

V live_migrate(const RuleInput& in) {
  if (!in.config.live_migrate_enabled()) return std::nullopt;
  if (!in.migratable && !has_valid_volume_migration(in.vmi)) return std::nullopt;
  return migrations_disabled_or(
      in, Verdict{Action::LiveMigrate, Reason::LiveMigratable, "live-migrates to a new launcher pod; no downtime"});
}

V live_migrate_only(const RuleInput& in) {
  if (in.config.evict_enabled()) return std::nullopt;
  std::string why = in.vmi.live_migratable_reason.empty() ? "LiveMigratable is not True"
                                                          : "LiveMigratable is False: " + in.vmi.live_migratable_reason;
  return Verdict{Action::Skip, Reason::NotLiveMigratable,
                 "cannot live-migrate (" + why + ") and Evict is not enabled, so it is never updated"};
}

V eviction_disabled(const RuleInput& in) {
  if (in.config.batch_eviction_size > 0) return std::nullopt;
  return Verdict{Action::Skip, Reason::EvictionDisabled,
                 "would be evicted, but batchEvictionSize is " + std::to_string(in.config.batch_eviction_size) +
                     ", so KubeVirt evicts nothing"};
}

// sync() (workload-updater.go) looks up each eviction candidate's pod with CurrentVMIPod before it
// evicts, so the webhook is never asked when there is none. With no pod it goes on with a nil pod:
// the eviction is never sent (the goroutine dereferences it), and the VMI is drawn again next batch.
V no_launcher_pod(const RuleInput& in) {
  if (!in.index.pods_known || current_vmi_pod(in.index.pods, in.vmi)) return std::nullopt;
  return Verdict{Action::Skip, Reason::NoLauncherPod,
                 "in KubeVirt's eviction list, but no launcher pod is controlled by it on its node (CurrentVMIPod "
                 "finds none): KubeVirt's updater dereferences the missing pod, nothing is evicted, and it is never "
                 "updated"};
}

// What happens after the VM shuts down: the VM controller's runStrategy (vm.go).
std::string after_shutdown(const std::string& run_strategy) {
  if (run_strategy == "Always") return "its VM (runStrategy Always) starts it again on the new launcher";
  if (run_strategy.empty()) return "it has no VM, so it is gone for good";
  if (run_strategy == "RerunOnFailure")
    return "its VM (runStrategy RerunOnFailure) restarts it only after a failure, and a clean shutdown is not one: "
           "it stays down (a guest that does not shut down within its grace period ends Failed and is restarted)";
  return "its VM (runStrategy " + run_strategy + ") does not restart it: it stays down";
}

// virt-api's pod-eviction admitter (pod-eviction-admitter.go, admitLauncherPod).
V eviction_webhook(const RuleInput& in) {
  const std::string strategy = in.eviction_strategy.empty() ? "none" : in.eviction_strategy;
  switch (eviction_webhook_outcome(in.eviction_strategy, in.migratable)) {
    case EvictionOutcome::DeniedNotMigratable:
      return Verdict{Action::Skip, Reason::EvictionBlocked,
                     "evictionStrategy LiveMigrate but not live-migratable: the eviction webhook refuses every "
                     "eviction, so it is never updated"};
    case EvictionOutcome::LeftToExternal:
      return Verdict{Action::Skip, Reason::ExternalEviction,
                     "evictionStrategy External: the eviction is handed to an external controller; KubeVirt does "
                     "not update it"};
    case EvictionOutcome::TriggersMigration:
      return migrations_disabled_or(
          in, Verdict{Action::LiveMigrate, Reason::EvictionTriggersMigration,
                      "the eviction is turned into a live migration by the eviction webhook (evictionStrategy " +
                          strategy + ")"});
    case EvictionOutcome::Allowed: break;
  }
  const std::string after = after_shutdown(in.run_strategy);
  if (in.config.live_migrate_enabled())
    return Verdict{Action::Evict, Reason::NotLiveMigratable, "cannot live-migrate, so it is evicted (shut down); " + after};
  return Verdict{Action::Evict, Reason::LiveMigrateNotEnabled,
                 "LiveMigrate is not enabled, so it is evicted (shut down); " + after};
}

}  // namespace

const std::vector<Rule>& rule_chain() {
  static const std::vector<Rule> chain{
      {"NotRunning", not_running},
      {"Terminating", terminating},
      {"ChangeAborted", change_aborted},
      {"UpToDate", up_to_date},
      {"MigrationInProgress", migration_in_progress},
      {"NoUpdateMethods", no_update_methods},
      {"LiveMigrate", live_migrate},
      {"LiveMigrateOnly", live_migrate_only},
      {"EvictionDisabled", eviction_disabled},
      {"NoLauncherPod", no_launcher_pod},
      {"EvictionWebhook", eviction_webhook},
  };
  return chain;
}

Verdict evaluate(const RuleInput& input) {
  for (const auto& rule : rule_chain())
    if (auto v = rule.apply(input)) return *v;
  return Verdict{Action::None, Reason::UpToDate, ""};  // unreachable: the webhook rule always decides
}

}  // namespace wu::decide

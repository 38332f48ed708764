#include "decide/plan.hpp"

#include <algorithm>
#include <map>

#include "decide/controller_blockers.hpp"
#include "decide/disruption_budgets.hpp"
#include "decide/eviction_pacer.hpp"
#include "decide/kubevirt_gates.hpp"
#include "decide/launcher_pod.hpp"
#include "decide/placement.hpp"
#include "decide/rules.hpp"
#include "decide/run_strategy.hpp"
#include "decide/vmi_facts.hpp"

namespace wu::decide {

bool PlanConfig::live_migrate_enabled() const {
  return std::find(methods.begin(), methods.end(), "LiveMigrate") != methods.end();
}

bool PlanConfig::evict_enabled() const { return std::find(methods.begin(), methods.end(), "Evict") != methods.end(); }

UpdaterState updater_state(const cluster::Snapshot& s, const PlanConfig& config) {
  if (s.kubevirts.empty()) return {false, "no KubeVirt CR found"};
  if (auto why = kubevirt_not_deployed(s.kubevirts.front()))
    return {false, *why + ": KubeVirt's workload updater is paused until the deployment completes"};
  if (!config.live_migrate_enabled() && !config.evict_enabled())
    return {false, "no workload update method is enabled, so KubeVirt's workload updater does nothing"};
  return {true, ""};
}

namespace {

std::map<std::string, const cluster::Vm*> vms_by_key(const cluster::Snapshot& s) {
  std::map<std::string, const cluster::Vm*> out;
  for (const auto& vm : s.vms) out[key_of(vm.namespace_, vm.name)] = &vm;
  return out;
}

// The facts beyond the rule chain (controller_blockers, migration_estimate, disruption_budgets), read
// once per plan.
struct MigrationContext {
  const cluster::KubeVirtCr* kubevirt = nullptr;
  MigrationSettings cluster_settings;
  std::map<std::string, const cluster::Labels*> namespace_labels;
  BudgetsByNamespace budgets;
  std::int64_t utility_volumes_timeout = kDefaultUtilityVolumesTimeout;
  EstimateModel model;
};

MigrationContext migration_context(const cluster::Snapshot& s, const PlanConfig& config, const PlanOptions& options) {
  MigrationContext c;
  c.kubevirt = s.kubevirts.empty() ? nullptr : &s.kubevirts.front();
  c.cluster_settings = cluster_migration_settings(c.kubevirt);
  for (const auto& [ns, labels] : s.namespace_labels) c.namespace_labels[ns] = &labels;
  if (s.budgets_read.known) c.budgets = budgets_by_namespace(s.disruption_budgets);
  if (c.kubevirt && c.kubevirt->utility_volumes_timeout) c.utility_volumes_timeout = *c.kubevirt->utility_volumes_timeout;
  c.model = options.estimate_model;
  c.model.outbound_per_node = std::max<std::uint32_t>(1, config.parallel_outbound_migrations_per_node);
  return c;
}

MigrationEstimate estimate_for(const cluster::Vmi& v, const cluster::Snapshot& s, const MigrationContext& c) {
  static const cluster::Labels no_labels;
  const cluster::Labels* ns = nullptr;
  if (s.namespaces_read.known) {
    auto it = c.namespace_labels.find(v.namespace_);
    ns = it != c.namespace_labels.end() ? it->second : &no_labels;
  }
  const cluster::MigrationPolicy* policy = matching_policy(s.migration_policies, v, ns);
  return estimate_migration(v, apply_policy(c.cluster_settings, policy), c.model);
}

void add_coverage_warnings(Plan& plan, const cluster::Snapshot& s) {
  bool migrates = false, shuts_down = false, namespace_policies = false;
  for (const auto& d : plan.decisions) {
    migrates = migrates || d.estimate.has_value();
    shuts_down = shuts_down || d.execution == Execution::EvictAndShutDown;
  }
  for (const auto& p : s.migration_policies) namespace_policies = namespace_policies || !p.namespace_selector.empty();
  if (migrates && !s.policies_read.known)
    plan.warnings.push_back({"NoMigrationPolicies", "",
                             "the migration estimates use the KubeVirt CR's spec.configuration.migrations: " +
                                 s.policies_read.why_not + ", and a MigrationPolicy matching a VMI would override it",
                             "list migrationpolicies too (`oc get ...,migrationpolicies -A -o json` for a dump; "
                             "`list` on migrationpolicies.migrations.kubevirt.io live)"});
  if (migrates && namespace_policies && !s.namespaces_read.known)
    plan.warnings.push_back({"NoNamespaceLabels", "",
                             "MigrationPolicies with a namespaceSelector are matched against no namespace labels: " +
                                 s.namespaces_read.why_not,
                             "include the namespaces (`oc get ...,namespaces`), or grant `list` on namespaces"});
  if (shuts_down && !s.budgets_read.known)
    plan.warnings.push_back({"NoDisruptionBudgets", "",
                             "evictions are predicted without PodDisruptionBudgets, which can refuse them: " +
                                 s.budgets_read.why_not,
                             "include them (`oc get ...,pdb -A -o json`), or grant `list` on "
                             "poddisruptionbudgets.policy"});
}

}  // namespace

int assign_waves(const std::vector<Decision*>& migrations, const PlanConfig& config, const ActiveMigrations& active) {
  const int cluster_limit = static_cast<int>(config.parallel_migrations_per_cluster);
  const int node_limit = static_cast<int>(config.parallel_outbound_migrations_per_node);
  if (migrations.empty() || cluster_limit <= 0 || node_limit <= 0) return 0;
  MigrationQueue queue;
  for (std::size_t i = 0; i < migrations.size(); ++i) queue.add(migrations[i]->vmi->node, i);
  int wave = 0;
  while (!queue.empty()) {
    ++wave;
    MigrationSlots slots;
    slots.node_limit = node_limit;
    slots.cluster_free = cluster_limit;
    if (wave == 1) {
      slots.cluster_free -= active.in_flight;
      slots.node_used = active.outbound;
    }
    for (std::size_t i : queue.admit(slots)) migrations[i]->wave = wave;
  }
  return wave;
}

namespace {

// Every decision that ends in a migration gets the placement of its target pod; a cluster whose nodes
// (or pods) cannot be read gets one warning instead of a guess.
void judge_placement(const cluster::Snapshot& s, const ClusterIndex& index, const PlanOptions& options, Plan& plan) {
  const PlacementModel model(s, options.target_node_selector);
  static const std::vector<const cluster::LauncherPod*> kNone;
  bool any = false;
  for (auto& d : plan.decisions) {
    if (d.execution != Execution::CreateMigration && d.execution != Execution::EvictForMigration) continue;
    any = true;
    const cluster::LauncherPod* launcher = current_vmi_pod(index.pods, *d.vmi);
    if (!launcher) continue;
    auto pods = index.pods.find(d.vmi->uid);
    const Placement p = model.place(*d.vmi, *launcher, pods != index.pods.end() ? pods->second : kNone);
    d.outcome = p.outcome;
    d.targets = p.targets;
    d.placement_message = p.message;
  }
  if (!any || s.placement_gap.empty()) return;
  plan.warnings.push_back({model.judged() ? "CapacityNotJudged" : "PlacementNotJudged", "", s.placement_gap,
                           s.placement_hint});
}

}  // namespace

Plan make_plan(const cluster::Snapshot& s, const PlanConfig& config, const PlanOptions& options) {
  if (s.kubevirts.size() > 1)
    throw PlanError(std::to_string(s.kubevirts.size()) +
                    " KubeVirt CRs found; KubeVirt expects exactly one (its workload updater drops events with more), "
                    "so no prediction is possible: delete the extra KubeVirt CRs");
  Plan plan;
  plan.config = config;
  plan.updater = updater_state(s, config);
  const ClusterIndex index = build_index(s);
  const auto vms = vms_by_key(s);
  const MigrationConfig migration = migration_config(s.kubevirts.empty() ? nullptr : &s.kubevirts.front());
  const MigrationContext context = migration_context(s, config, options);

  std::vector<const cluster::Vmi*> vmis;
  for (const auto& v : s.vmis)
    if (!options.in_scope || options.in_scope(v)) vmis.push_back(&v);
  std::sort(vmis.begin(), vmis.end(), [](const cluster::Vmi* a, const cluster::Vmi* b) {
    return a->namespace_ != b->namespace_ ? a->namespace_ < b->namespace_ : a->name < b->name;
  });

  plan.decisions.reserve(vmis.size());
  for (const cluster::Vmi* v : vmis) {
    Decision d;
    d.vmi = v;
    d.migratable = v->live_migratable == "True";
    // virt-handler judges migratability for a running domain; before that, volumeStatus is not filled in.
    if (is_running(*v)) d.blockers = migration_blockers(*v, migration);
    d.eviction_strategy = v->eviction_strategy.empty() ? config.cluster_eviction_strategy : v->eviction_strategy;
    if (!v->owner_vm.empty()) {
      auto it = vms.find(key_of(v->namespace_, v->owner_vm));
      d.run_strategy = it != vms.end() ? it->second->run_strategy : "";
    }
    const bool live = is_running(*v) && !is_final(*v) && !v->deleting;
    if (config.pre_upgrade && live) {
      d.outdated = true;
      d.trigger = Trigger::PreUpgrade;
    } else if (is_launcher_outdated(*v, s.launcher_image)) {
      d.outdated = true;
      d.trigger = s.launcher_image.empty() ? Trigger::OutdatedLabel : Trigger::LauncherImage;
    }
    const Trigger need = migration_need(*v, s.now);
    if (d.trigger == Trigger::None) d.trigger = need;
    const Verdict verdict = evaluate(RuleInput{*v, config, index, s.now, d.outdated, d.trigger, d.migratable,
                                               d.eviction_strategy, d.run_strategy});
    d.action = verdict.action;
    d.reason = verdict.reason;
    d.message = verdict.message;
    // KubeVirt counts hotplug/volume-change VMIs as outdated too (they are in its "all outdated" list).
    if (!d.outdated && need != Trigger::None && d.reason != Reason::NotRunning && d.reason != Reason::Terminating &&
        d.reason != Reason::ChangeAborted)
      d.outdated = true;
    if (d.action == Action::Evict) d.after_eviction = after_eviction(d.run_strategy);
    d.execution = execution_of(d.action, d.reason);
    if (live)
      d.controller_blockers =
          controller_blockers({*v, index, s.now, s.vmims_read.known, context.utility_volumes_timeout});
    if (d.execution == Execution::CreateMigration || d.execution == Execution::EvictForMigration)
      d.estimate = estimate_for(*v, s, context);
    if (d.execution == Execution::EvictAndShutDown && s.budgets_read.known)
      if (const cluster::LauncherPod* pod = current_vmi_pod(index.pods, *v))
        d.eviction_blockers = eviction_blockers(*pod, context.budgets);
    plan.decisions.push_back(std::move(d));
  }

  judge_placement(s, index, options, plan);

  // evictOutdatedVMIs (getUpdateData) holds every VMI headed for an eviction, whatever the webhook
  // answers; each batch takes the first batchEvictionSize of them.
  std::vector<Decision*> migrations, evictions;
  int refused = 0;
  for (auto& d : plan.decisions) {
    // No node can take its target pod: `run` starts nothing for it (no wave, no batch slot); KubeVirt's
    // own updater would, and its eviction would take a batch slot like a refused one.
    const bool no_target = d.outcome == Outcome::NoTargetNode;
    if (d.execution == Execution::CreateMigration && !no_target) migrations.push_back(&d);
    if (is_eviction(d.execution) && !no_target) evictions.push_back(&d);
    refused += d.reason == Reason::EvictionBlocked || d.reason == Reason::ExternalEviction ||
               d.reason == Reason::NoLauncherPod || (is_eviction(d.execution) && no_target);
  }
  plan.schedule.migration_waves = assign_waves(migrations, config, index.active);
  const EvictionPacer pacer{config.batch_eviction_size, config.batch_eviction_interval_ns / 1000000000LL, {}};
  for (std::size_t i = 0; i < evictions.size(); ++i) evictions[i]->batch = pacer.batch_of(i);
  if (!evictions.empty()) plan.schedule.eviction_batches = evictions.back()->batch;
  if (refused > 0 && plan.updater.active && config.batch_eviction_size > 0) {
    plan.schedule.eviction_batches_lower_bound = true;
    plan.schedule.lower_bound_why =
        std::to_string(refused) + " VMI(s) the eviction webhook refuses (or without a launcher pod, or no target node) stay in KubeVirt's "
        "eviction list and take batch slots, drawn in arbitrary order, so its updater needs at least " +
        std::to_string(plan.schedule.eviction_batches) + " batch(es); `run` gives them no slot";
  }
  if (options.scoped)
    plan.warnings.push_back(
        {"ScopedSchedule", "",
         "waves and batches assume only the VMIs in this scope compete for migration slots and eviction batches, "
         "as they do for `run` with the same scope; KubeVirt's own updater draws from every namespace",
         ""});
  const std::int64_t interval_s = std::max<std::int64_t>(0, config.batch_eviction_interval_ns / 1000000000LL);
  // Each wave lasts as long as its longest migration: --migration-duration, else each VMI's estimate.
  std::int64_t migrating = 0;
  if (options.migration_duration_seconds) {
    migrating = plan.schedule.migration_waves * *options.migration_duration_seconds;
  } else {
    std::map<int, std::int64_t> longest;
    for (const Decision* d : migrations)
      if (d->wave > 0 && d->estimate) longest[d->wave] = std::max(longest[d->wave], d->estimate->seconds);
    for (const auto& [wave, seconds] : longest) migrating += seconds;
  }
  const std::int64_t evicting =
      plan.schedule.eviction_batches > 0 ? (plan.schedule.eviction_batches - 1) * interval_s : 0;
  plan.schedule.estimated_duration_seconds = std::max(migrating, evicting);

  add_coverage_warnings(plan, s);

  auto& sum = plan.summary;
  sum.vmis = static_cast<int>(plan.decisions.size());
  for (const auto& d : plan.decisions) {
    sum.outdated += d.outdated && counted_by_kubevirt(*d.vmi);
    switch (d.action) {
      case Action::LiveMigrate: ++sum.live_migrate; break;
      case Action::Evict: ++sum.evict; break;
      case Action::Skip: ++sum.skip; break;
      case Action::None: ++sum.none; break;
    }
    sum.stays_down += d.after_eviction == AfterEviction::StaysDown;
    sum.no_target += d.outcome == Outcome::NoTargetNode;
  }
  return plan;
}

}  // namespace wu::decide

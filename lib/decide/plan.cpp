#include "decide/plan.hpp"

#include <algorithm>
#include <map>

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
  const auto& kv = s.kubevirts.front();
  if (kv.phase != "Deployed")
    return {false, "the KubeVirt CR is " + (kv.phase.empty() ? std::string("not yet deployed") : "in phase " + kv.phase) +
                       ", not Deployed: KubeVirt's workload updater is paused until the deployment completes"};
  if (kv.observed_deployment_id != kv.target_deployment_id)
    return {false, "KubeVirt is rolling out an update (observedDeploymentID differs from targetDeploymentID): its "
                   "workload updater is paused until the rollout completes"};
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

// Migration waves under the cluster-wide and per-source-node limits. Wave 1 shares the limits with
// migrations already running; later waves start as earlier ones finish. Within a wave, VMIs are taken
// in plan order, each node contributing at most its outbound limit. Per-node queues keep this linear
// in the number of VMIs times the nodes still waiting, not quadratic in the VMIs.
int assign_waves(std::vector<Decision*>& migrations, const PlanConfig& config, const ClusterIndex& index) {
  const int cluster_limit = static_cast<int>(config.parallel_migrations_per_cluster);
  const int node_limit = static_cast<int>(config.parallel_outbound_migrations_per_node);
  if (migrations.empty() || cluster_limit <= 0 || node_limit <= 0) return 0;
  // Queue per source node, holding positions in plan order.
  std::map<std::string, std::vector<std::size_t>> queues;
  for (std::size_t i = 0; i < migrations.size(); ++i) queues[migrations[i]->vmi->node].push_back(i);
  struct NodeQueue {
    const std::string* node;
    const std::vector<std::size_t>* items;
    std::size_t next = 0;
  };
  std::vector<NodeQueue> waiting;
  for (const auto& [node, items] : queues) waiting.push_back({&node, &items, 0});
  std::size_t assigned = 0;
  int wave = 0;
  std::vector<std::size_t> candidates;
  while (assigned < migrations.size()) {
    ++wave;
    const int free = cluster_limit - (wave == 1 ? index.active_migrations : 0);
    candidates.clear();
    for (const auto& q : waiting) {
      int room = node_limit;
      if (wave == 1) {
        auto it = index.active_outbound_by_node.find(*q.node);
        if (it != index.active_outbound_by_node.end()) room -= it->second;
      }
      for (std::size_t k = q.next; k < q.items->size() && room > 0; ++k, --room) candidates.push_back((*q.items)[k]);
    }
    const std::size_t take = std::min<std::size_t>(candidates.size(), free > 0 ? static_cast<std::size_t>(free) : 0);
    std::partial_sort(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(take), candidates.end());
    for (std::size_t c = 0; c < take; ++c) migrations[candidates[c]]->wave = wave;
    assigned += take;
    // Advance each queue past the VMIs this wave took (they are its head items), drop empty queues.
    std::vector<NodeQueue> still;
    for (auto& q : waiting) {
      while (q.next < q.items->size() && migrations[(*q.items)[q.next]]->wave != 0) ++q.next;
      if (q.next < q.items->size()) still.push_back(q);
    }
    waiting.swap(still);
  }
  return wave;
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
    plan.decisions.push_back(std::move(d));
  }

  std::vector<Decision*> migrations, evictions;
  for (auto& d : plan.decisions) {
    if (d.action == Action::LiveMigrate) migrations.push_back(&d);
    if (d.action == Action::Evict) evictions.push_back(&d);
  }
  plan.schedule.migration_waves = assign_waves(migrations, config, index);
  if (!evictions.empty() && config.batch_eviction_size > 0) {
    for (std::size_t i = 0; i < evictions.size(); ++i)
      evictions[i]->batch = static_cast<int>(i / static_cast<std::size_t>(config.batch_eviction_size)) + 1;
    plan.schedule.eviction_batches = evictions.back()->batch;
  }
  const std::int64_t interval_s = std::max<std::int64_t>(0, config.batch_eviction_interval_ns / 1000000000LL);
  const std::int64_t migrating = plan.schedule.migration_waves * options.migration_duration_seconds;
  const std::int64_t evicting =
      plan.schedule.eviction_batches > 0 ? (plan.schedule.eviction_batches - 1) * interval_s : 0;
  plan.schedule.estimated_duration_seconds = std::max(migrating, evicting);

  auto& sum = plan.summary;
  sum.vmis = static_cast<int>(plan.decisions.size());
  for (const auto& d : plan.decisions) {
    sum.outdated += d.outdated;
    switch (d.action) {
      case Action::LiveMigrate: ++sum.live_migrate; break;
      case Action::Evict: ++sum.evict; break;
      case Action::Skip: ++sum.skip; break;
      case Action::None: ++sum.none; break;
    }
    sum.stays_down += d.after_eviction == AfterEviction::StaysDown;
  }
  return plan;
}

}  // namespace wu::decide

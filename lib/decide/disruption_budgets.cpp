#include "decide/disruption_budgets.hpp"

#include <algorithm>

namespace wu::decide {

namespace {

using cluster::label;

// canIgnorePDB (eviction.go): a terminal, Pending or deleting pod is deleted without reading budgets.
bool budgets_ignored(const cluster::LauncherPod& pod) {
  return pod.phase == "Succeeded" || pod.phase == "Failed" || pod.phase == "Pending" || pod.deleting;
}

}  // namespace

bool budget_selects(const cluster::DisruptionBudget& b, const cluster::Labels& pod_labels) {
  // getPodDisruptionBudgets: an invalid selector does not match, and an empty one matches nothing.
  if (!b.selector_valid || b.selector.empty()) return false;
  using Op = cluster::SelectorRequirement::Op;
  for (const auto& r : b.selector) {
    const std::string* v = label(pod_labels, r.key);
    const bool listed = v && std::find(r.values.begin(), r.values.end(), *v) != r.values.end();
    switch (r.op) {
      case Op::In:
        if (!listed) return false;
        break;
      case Op::NotIn:
        if (listed) return false;
        break;
      case Op::Exists:
        if (!v) return false;
        break;
      case Op::DoesNotExist:
        if (v) return false;
        break;
    }
  }
  return true;
}

BudgetsByNamespace budgets_by_namespace(const std::vector<cluster::DisruptionBudget>& budgets) {
  BudgetsByNamespace out;
  for (const auto& b : budgets)
    if (b.owner_vmi.empty()) out[b.namespace_].push_back(&b);  // KubeVirt deletes its own (see the header)
  return out;
}

std::vector<MigrationBlocker> eviction_blockers(const cluster::LauncherPod& pod, const BudgetsByNamespace& budgets) {
  if (budgets_ignored(pod)) return {};
  auto it = budgets.find(pod.namespace_);
  if (it == budgets.end()) return {};
  std::vector<const cluster::DisruptionBudget*> selecting;
  for (const auto* b : it->second)
    if (budget_selects(*b, pod.labels)) selecting.push_back(b);
  if (selecting.empty()) return {};
  if (selecting.size() > 1) {
    std::vector<std::string> names;
    for (const auto* b : selecting) names.push_back(b->name);
    std::sort(names.begin(), names.end());
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
    return {{"MultiplePodDisruptionBudgets",
             "PodDisruptionBudgets " + list + " all select its launcher pod " + pod.name +
                 ": the API server answers every eviction with 500 \"This pod has more than one "
                 "PodDisruptionBudget, which the eviction subresource does not support.\""}};
  }
  // checkAndDecrement (eviction.go). A budget whose status is behind its spec (observedGeneration <
  // generation) answers 429 only until the disruption controller catches up: not predicted.
  const auto& b = *selecting.front();
  const std::string health = "needs " + std::to_string(b.desired_healthy) + " healthy pods and has " +
                             std::to_string(b.current_healthy);
  if (b.disruptions_allowed < 0)
    return {{"EvictionRefusedByPDB", "PodDisruptionBudget " + b.name + " selects its launcher pod " + pod.name +
                                         " and its disruptionsAllowed is negative: the API server refuses every "
                                         "eviction (403)"}};
  if (b.disruptions_allowed == 0)
    return {{"EvictionRefusedByPDB", "PodDisruptionBudget " + b.name + " selects its launcher pod " + pod.name +
                                         " and allows no disruption (" + health +
                                         "): the API server refuses the eviction (429) until it allows one"}};
  return {};
}

}  // namespace wu::decide

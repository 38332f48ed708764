#pragma once
// Whether the API server lets an eviction of a VMI's launcher pod through its PodDisruptionBudgets
// (EvictionREST.Create, pkg/registry/core/pod/storage/eviction.go). Admission runs first there
// (createValidation), so KubeVirt's eviction webhook answers before any budget is read: an eviction it
// turns into a migration (EvictForMigration) is denied by the webhook whatever the budgets say. Only an
// eviction it lets through (EvictAndShutDown) meets the budgets.
//
// KubeVirt's own per-VMI budgets (kubevirt-disruption-budget-*, controlled by the VMI) are not judged:
// before v1.6.0 virt-controller kept one only for VMIs whose evictions the webhook intercepts
// (vmiNeedsEvictionPDB) and deleted it for the others (shouldDeletePDB); from v1.6.0 it deletes every one
// (execute, pkg/virt-controller/watch/drain/disruptionbudget/disruptionbudget.go). For a VMI that is
// evicted and shut down, KubeVirt removes its own budget, so only the others decide.
#include <string>
#include <unordered_map>
#include <vector>

#include "cluster/snapshot.hpp"
#include "decide/migration_blockers.hpp"

namespace wu::decide {

// metav1.LabelSelectorAsSelector(...).Matches: an empty or invalid selector matches nothing.
bool budget_selects(const cluster::DisruptionBudget& budget, const cluster::Labels& pod_labels);

using BudgetsByNamespace = std::unordered_map<std::string, std::vector<const cluster::DisruptionBudget*>>;
BudgetsByNamespace budgets_by_namespace(const std::vector<cluster::DisruptionBudget>& budgets);

// What the API server answers an eviction of `pod`: EvictionRefusedByPDB (disruptionsAllowed 0 or less:
// 429 or 403) or MultiplePodDisruptionBudgets (500); empty when it deletes the pod.
std::vector<MigrationBlocker> eviction_blockers(const cluster::LauncherPod& pod, const BudgetsByNamespace& budgets);

}  // namespace wu::decide

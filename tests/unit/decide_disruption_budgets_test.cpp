// What the API server answers an eviction of a launcher pod through its PodDisruptionBudgets
// (lib/decide/disruption_budgets, after eviction.go): one literal snapshot per case.
#include <doctest/doctest.h>

#include "decide/disruption_budgets.hpp"
#include "decide_fixture.hpp"

using namespace decide_fixture;
using wu::cluster::DisruptionBudget;
using wu::cluster::SelectorRequirement;
using wu::decide::budget_selects;
using wu::decide::Execution;

namespace {

DisruptionBudget budget(const std::string& name, std::int64_t allowed, std::vector<SelectorRequirement> selector = {
                                                                           {"app", SelectorRequirement::Op::In, {"erp"}}}) {
  DisruptionBudget b;
  b.namespace_ = "ns";
  b.name = name;
  b.selector = std::move(selector);
  b.disruptions_allowed = allowed;
  b.desired_healthy = 1;
  b.current_healthy = 1;
  return b;
}

// A VMI that is evicted and shut down (not migratable, both methods), its launcher pod labelled app=erp.
Snapshot shut_down_cluster(std::vector<DisruptionBudget> budgets) {
  Snapshot s = cluster({vmi("erp", "node-1", false)});
  s.pods[0].phase = "Running";
  s.pods[0].labels = {{"app", "erp"}, {"kubevirt.io", "virt-launcher"}};
  s.disruption_budgets = std::move(budgets);
  return s;
}

const wu::decide::Decision& erp(const Plan& p) { return of(p, "erp"); }

}  // namespace

TEST_CASE("budgets: disruptionsAllowed 0 refuses the eviction, naming the budget (checkAndDecrement)") {
  const Snapshot s = shut_down_cluster({budget("erp-pdb", 0)});
  const Plan p = wu::decide::make_plan(s, config({"LiveMigrate", "Evict"}));
  REQUIRE(erp(p).execution == Execution::EvictAndShutDown);
  REQUIRE(erp(p).eviction_blockers.size() == 1);
  CHECK(erp(p).eviction_blockers[0].code == "EvictionRefusedByPDB");
  CHECK(erp(p).eviction_blockers[0].message ==
        "PodDisruptionBudget erp-pdb selects its launcher pod virt-launcher-erp and allows no disruption (needs 1 "
        "healthy pods and has 1): the API server refuses the eviction (429) until it allows one");
  // One disruption allowed: the eviction goes through.
  const Snapshot ok = shut_down_cluster({budget("erp-pdb", 1)});
  CHECK(erp(wu::decide::make_plan(ok, config({"LiveMigrate", "Evict"}))).eviction_blockers.empty());
  // Negative: 403.
  const Snapshot negative = shut_down_cluster({budget("erp-pdb", -1)});
  const auto b = erp(wu::decide::make_plan(negative, config({"LiveMigrate", "Evict"}))).eviction_blockers;
  REQUIRE(b.size() == 1);
  CHECK(b[0].message.find("disruptionsAllowed is negative: the API server refuses every eviction (403)") !=
        std::string::npos);
}

TEST_CASE("budgets: two budgets selecting the pod get the API server's 500") {
  const Snapshot s = shut_down_cluster({budget("b-second", 1), budget("a-first", 1)});
  const auto b = erp(wu::decide::make_plan(s, config({"LiveMigrate", "Evict"}))).eviction_blockers;
  REQUIRE(b.size() == 1);
  CHECK(b[0].code == "MultiplePodDisruptionBudgets");
  CHECK(b[0].message ==
        "PodDisruptionBudgets a-first, b-second all select its launcher pod virt-launcher-erp: the API server answers "
        "every eviction with 500 \"This pod has more than one PodDisruptionBudget, which the eviction subresource does "
        "not support.\"");
}

TEST_CASE("budgets: KubeVirt's own per-VMI budget is not judged; it is deleted for a VMI that is shut down") {
  DisruptionBudget own = budget("kubevirt-disruption-budget-x7k2q", 0);
  own.owner_vmi = "erp";
  const Snapshot s = shut_down_cluster({own, budget("erp-pdb", 1)});
  CHECK(erp(wu::decide::make_plan(s, config({"LiveMigrate", "Evict"}))).eviction_blockers.empty());
}

TEST_CASE("budgets: an eviction the webhook turns into a migration never reaches the budgets") {
  Snapshot s = shut_down_cluster({budget("erp-pdb", 0), budget("other", 0)});
  s.vmis[0].live_migratable = "True";
  s.vmis[0].eviction_strategy = "LiveMigrate";
  const Plan p = wu::decide::make_plan(s, config({"Evict"}));
  REQUIRE(erp(p).execution == Execution::EvictForMigration);
  CHECK(erp(p).eviction_blockers.empty());  // createValidation (the webhook) runs before the budgets
}

TEST_CASE("budgets: selectors as LabelSelectorAsSelector reads them; other namespaces; a Pending pod") {
  const wu::cluster::Labels pod{{"app", "erp"}, {"tier", "db"}};
  using Op = SelectorRequirement::Op;
  CHECK(budget_selects(budget("b", 0, {{"app", Op::In, {"erp", "crm"}}, {"tier", Op::Exists, {}}}), pod));
  CHECK_FALSE(budget_selects(budget("b", 0, {{"tier", Op::NotIn, {"db"}}}), pod));
  CHECK(budget_selects(budget("b", 0, {{"zone", Op::DoesNotExist, {}}}), pod));
  CHECK_FALSE(budget_selects(budget("b", 0, {{"app", Op::DoesNotExist, {}}}), pod));
  CHECK_FALSE(budget_selects(budget("b", 0, {}), pod));  // an empty selector matches nothing
  DisruptionBudget invalid = budget("b", 0);
  invalid.selector_valid = false;  // e.g. In without values: it does not match
  CHECK_FALSE(budget_selects(invalid, pod));

  Snapshot elsewhere = shut_down_cluster({budget("erp-pdb", 0)});
  elsewhere.disruption_budgets[0].namespace_ = "other";
  CHECK(erp(wu::decide::make_plan(elsewhere, config({"LiveMigrate", "Evict"}))).eviction_blockers.empty());
  Snapshot pending = shut_down_cluster({budget("erp-pdb", 0)});
  pending.pods[0].phase = "Pending";  // canIgnorePDB: deleted without reading budgets
  CHECK(erp(wu::decide::make_plan(pending, config({"LiveMigrate", "Evict"}))).eviction_blockers.empty());
}

TEST_CASE("budgets: unknown budgets are said once, only when something is shut down") {
  Snapshot s = shut_down_cluster({});
  s.budgets_read = {false, "no permission to list poddisruptionbudgets"};
  Plan p = wu::decide::make_plan(s, config({"LiveMigrate", "Evict"}));
  REQUIRE(p.warnings.size() == 1);
  CHECK(p.warnings[0].code == "NoDisruptionBudgets");
  CHECK(p.warnings[0].message.find("no permission to list poddisruptionbudgets") != std::string::npos);
  CHECK(wu::decide::make_plan(s, config({"LiveMigrate"})).warnings.empty());  // nothing evicted
}

#pragma once
// The decision for one VMI as an ordered chain of small named rules, like kubectl drain's pod
// filters: the first rule that has a verdict decides. The order is KubeVirt's workload updater's
// (getUpdateData and sync in workload-updater.go), then, for the eviction path, CurrentVMIPod and the
// eviction webhook (pod-eviction-admitter.go).
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "decide/decision.hpp"
#include "decide/plan_config.hpp"
#include "decide/vmi_facts.hpp"

namespace wu::decide {

struct RuleInput {
  const cluster::Vmi& vmi;
  const PlanConfig& config;
  const ClusterIndex& index;
  cluster::Timestamp now;
  bool outdated;             // launcher image outdated (or --pre-upgrade)
  Trigger trigger;           // why it needs updating
  bool migratable;
  std::string eviction_strategy;  // effective
  std::string run_strategy;
};

struct Verdict {
  Action action;
  Reason reason;
  std::string message;
};

struct Rule {
  const char* name;
  std::function<std::optional<Verdict>(const RuleInput&)> apply;
};

// The chain, in order. Exposed so tests and the man page can list it.
const std::vector<Rule>& rule_chain();

// Runs the chain; the last rule always decides.
Verdict evaluate(const RuleInput& input);

}  // namespace wu::decide

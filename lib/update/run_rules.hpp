#pragma once
// What `run` does next with one VMI, as an ordered chain of small named rules like the decision
// core's (decide/rules.hpp): the first rule with a transition decides. Rules only read; the tracker
// applies the transition (state, event, bookkeeping) and hands candidates to one admission step.
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cluster/snapshot.hpp"
#include "decide/decision.hpp"
#include "update/run_event.hpp"
#include "update/run_options.hpp"
#include "update/run_tracker.hpp"

namespace wu::update {

struct RunRuleInput {
  const VmiProgress& progress;
  const decide::Decision& decision;
  const cluster::Vmi& vmi;
  const cluster::LauncherPod* pod;  // CurrentVMIPod
  bool has_unfinished_vmim;         // any creator's
  const cluster::Vmim* foreign_pending;  // another creator's unfinished VMIM of it, Pending without a target pod
  const RunOptions& options;
  SteadyClock::time_point now;
  const std::string& launcher_image;  // current ("" = unknown)
};

enum class Next { Nothing, Migrate, Evict };

struct RunTransition {
  VmiState state = VmiState::Waiting;
  std::string reason;                 // stable code; "" keeps the current one
  std::string message;
  std::optional<EventType> event;     // reported when state or reason change
  Next next = Next::Nothing;          // a candidate for the admission step
  std::optional<SteadyClock::time_point> wake_at;
  bool follow_eviction = false;       // its launcher pod is already terminating: follow that eviction
  bool down_now = false;              // it is down: the restart timeout counts from now if not yet
  bool stale_now = false;             // shown migrating without a VMIM: the grace counts from now if not yet
};

struct RunRule {
  const char* name;
  std::function<std::optional<RunTransition>(const RunRuleInput&)> apply;
};

const std::vector<RunRule>& run_rule_chain();

// Runs the chain; the last rule always decides.
RunTransition evaluate_run_rules(const RunRuleInput& input);

}  // namespace wu::update

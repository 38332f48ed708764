#pragma once
// The whole prediction: one Decision per VMI in scope, the in-cluster updater's state, and the
// schedule (migration waves, eviction batches, estimated duration). Pure: snapshot + config + clock.
// `run` executes the same decisions, so the prediction is what it does.
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "cluster/snapshot.hpp"
#include "decide/decision.hpp"
#include "decide/plan_config.hpp"

namespace wu::decide {

class PlanError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct UpdaterState {
  bool active = false;   // KubeVirt's own workload updater is running and has methods to act on
  std::string reason;    // why not, or "" when active
};

struct Summary {
  int vmis = 0;
  int outdated = 0;
  int live_migrate = 0, evict = 0, skip = 0, none = 0;
  int stays_down = 0;   // evicted and not coming back
};

struct Schedule {
  int migration_waves = 0;
  int eviction_batches = 0;
  std::int64_t estimated_duration_seconds = 0;
};

struct PlanOptions {
  std::int64_t migration_duration_seconds = 120;  // assumed length of one live migration
  std::function<bool(const cluster::Vmi&)> in_scope;  // namespace / label scope; empty = all
};

struct Plan {
  PlanConfig config;
  UpdaterState updater;
  std::vector<Decision> decisions;  // ordered by namespace, then name
  Summary summary;
  Schedule schedule;
};

// Throws PlanError when the snapshot has more than one KubeVirt CR (KubeVirt itself then misbehaves).
Plan make_plan(const cluster::Snapshot& snapshot, const PlanConfig& config, const PlanOptions& options = {});

UpdaterState updater_state(const cluster::Snapshot& snapshot, const PlanConfig& config);

}  // namespace wu::decide

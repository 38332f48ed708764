#pragma once
// The whole prediction: one Decision per VMI in scope, the in-cluster updater's state, and the
// schedule (migration waves, eviction batches, estimated duration). Pure: snapshot + config + clock.
// `run` executes the same decisions, so the prediction is what it does.
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "cluster/snapshot.hpp"
#include "decide/decision.hpp"
#include "decide/migration_limits.hpp"
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
  int outdated = 0;     // as KubeVirt counts them: outdated and Running, not final, not being deleted
  int live_migrate = 0, evict = 0, skip = 0, none = 0;
  int stays_down = 0;   // evicted and not coming back
  int no_target = 0;    // a migration no node can take (Outcome::NoTargetNode)
};

struct Schedule {
  int migration_waves = 0;
  int eviction_batches = 0;
  // KubeVirt's own updater also gives batch slots to VMIs the eviction webhook refuses (or that have no
  // launcher pod), drawn in its informer's arbitrary order: then eviction_batches is only the least it
  // needs, and `lower_bound_why` says why. `run` never spends a slot on such a VMI.
  bool eviction_batches_lower_bound = false;
  std::string lower_bound_why;
  std::int64_t estimated_duration_seconds = 0;
};

// Something the reader of a plan must know that is not about one VMI (JSON `warnings[]`).
struct PlanWarning {
  std::string code;     // KubeVirtDrift, ScopedSchedule, NoKubeVirtCR, ...
  std::string path;     // the field, when there is one
  std::string message;
  std::string hint;     // what to do, when there is something
};

struct PlanOptions {
  // The length of one live migration for the schedule (--migration-duration); unset: each VMI's estimate.
  std::optional<std::int64_t> migration_duration_seconds;
  EstimateModel estimate_model;  // its outbound_per_node is taken from the config
  std::function<bool(const cluster::Vmi&)> in_scope;  // namespace / label scope; empty = all
  bool scoped = false;  // -n/-l/--node limit the VMIs: waves and batches then assume only they compete
  cluster::Labels target_node_selector;  // the VMIMs' spec.addedNodeSelector (`--target-node-selector`)
};

struct Plan {
  PlanConfig config;
  UpdaterState updater;
  std::vector<Decision> decisions;  // ordered by namespace, then name
  Summary summary;
  Schedule schedule;
  std::vector<PlanWarning> warnings;
};

// Throws PlanError when the snapshot has more than one KubeVirt CR (KubeVirt itself then misbehaves).
Plan make_plan(const cluster::Snapshot& snapshot, const PlanConfig& config, const PlanOptions& options = {});
// A plan points into its snapshot (Decision::vmi): a temporary one would leave it dangling.
Plan make_plan(const cluster::Snapshot&& snapshot, const PlanConfig& config, const PlanOptions& options = {}) = delete;

UpdaterState updater_state(const cluster::Snapshot& snapshot, const PlanConfig& config);

// The migration waves of `migrations` (plan order) under the limits, given what is in flight now:
// wave 1 shares the limits with the active migrations, later ones start as earlier ones end. The
// same admission rule (MigrationQueue) decides what `run` starts. Sets each Decision's wave.
int assign_waves(const std::vector<Decision*>& migrations, const PlanConfig& config, const ActiveMigrations& active);

}  // namespace wu::decide

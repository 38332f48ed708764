#pragma once
// Everything a `run` is told, kept apart from the command that parses it (like kubectl drain's Helper):
// scope, pace, limits, retries, safety switches. The command fills it; the runner only reads it.
#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "decide/plan_config.hpp"

namespace wu::update {

enum class DryRun { None, Client, Server };

struct RunOptions {
  // Scope.
  std::string namespace_;       // "" = all namespaces
  std::string label_selector;   // VMIs (and their launcher pods)
  std::string node;             // only VMIs on this node ("" = any)

  // The effective strategy: the cluster's, with the command line's --methods/--batch-* over it.
  decide::PlanConfig config;
  // Migrations this run lets be unfinished at once, counting every creator's (≤ parallelMigrationsPerCluster).
  std::uint32_t max_parallel = 5;

  int max_attempts = 3;                                // per VMI: migrations, or refused evictions
  std::chrono::milliseconds retry_backoff{20000};      // after a failed attempt; doubles per failure
  std::chrono::milliseconds restart_timeout{600000};   // an evicted runStrategy Always VM must be back by then
  std::optional<std::chrono::milliseconds> timeout;    // the whole run
  // This run's VMIM still Pending without a target pod after this long is deleted (a failed attempt).
  std::chrono::milliseconds pending_timeout{600000};
  // KubeVirt's own updater may act at the same time (--coexist): its switching on does not pause the run.
  bool coexist = false;

  bool cancel_on_interrupt = false;  // delete this run's unfinished VMIMs on SIGINT/SIGTERM
  // --target-node-selector: spec.addedNodeSelector of every VMIM this run creates.
  std::vector<std::pair<std::string, std::string>> target_node_selector;
  // Migrate VMIs no node can take (the placement says NoTargetNode) anyway, spending attempts on them.
  bool try_unschedulable = false;
  // Switch KubeVirt's own updater off for the run (HyperConverged CR, else KubeVirt CR) and back on after.
  bool pause_cluster_updater = false;
  std::string updater_object, updater_namespace;  // with it: "hyperconvergeds" or "kubevirts", and where
  DryRun dry_run = DryRun::None;
  // VMI UIDs the user confirmed for eviction; nullopt = any (--yes).
  std::optional<std::set<std::string>> confirmed_evictions;

  int chunk_size = 10000;  // list page size
};

}  // namespace wu::update

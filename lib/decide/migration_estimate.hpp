#pragma once
// How long one live migration takes, per VMI: an estimate with its assumptions, not a measurement.
// What is copied is the VMI's memory (getVMIMigrationDataSize, pkg/virt-launcher/virtwrap/manager.go);
// how fast and for how long is the effective migration configuration: the MigrationPolicy that matches
// the VMI (matchPolicy, pkg/virt-controller/watch/migration/migrationpolicy.go) over the KubeVirt CR's
// spec.configuration.migrations with KubeVirt's defaults (pkg/virt-config/virt-config.go).
//
// The model: a fixed setup time (target pod scheduled, started, handed off), then the memory copied at
// bandwidthPerMigration, or, when that is unlimited (0, the default), at an assumed link speed shared by
// the node's parallel outbound migrations. The guest's dirty rate is unknown and ignored for the
// estimate; the worst case is two full copies (a guest that rewrites its memory as it is sent).
// virt-launcher aborts a migration that runs longer than completionTimeoutPerGiB per GB of data
// (acceptableCompletionTime, live-migration-source.go) unless post-copy or workload disruption is
// allowed: those VMIs are flagged.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cluster/snapshot.hpp"
#include "decide/migration_blockers.hpp"

namespace wu::decide {

struct MigrationSettings {
  std::string policy;                      // the MigrationPolicy that matched; "" = the KubeVirt CR's
  double bandwidth_bytes_per_second = 0;   // bandwidthPerMigration; 0 = unlimited
  std::int64_t completion_timeout_per_gib = 150;
  bool allow_post_copy = false;
  bool allow_workload_disruption = false;  // unset: follows allowPostCopy (virt-config.go, migrationpolicy.go)
  bool allow_auto_converge = false;
};

// The KubeVirt CR's settings over KubeVirt's defaults; defaults alone without a CR.
MigrationSettings cluster_migration_settings(const cluster::KubeVirtCr* kubevirt);

// matchPolicy (migrationpolicy.go): the policy whose selectors all match, with the most matching labels
// (VMI labels break ties), then the lexicographically first name; nullptr when none matches.
// `namespace_labels` is null when the namespace's labels are unknown.
const cluster::MigrationPolicy* matching_policy(const std::vector<cluster::MigrationPolicy>& policies,
                                                const cluster::Vmi& vmi, const cluster::Labels* namespace_labels);

// applyMigrationPolicySpec (migrationpolicy.go): the policy's set fields over the cluster's.
MigrationSettings apply_policy(const MigrationSettings& cluster, const cluster::MigrationPolicy* policy);

struct EstimateModel {
  double link_bytes_per_second = 10e9 / 8;  // assumed: 10 Gbit/s of migration network per node
  std::int64_t setup_seconds = 20;          // assumed: target pod scheduled, started and handed off
  std::uint32_t outbound_per_node = 2;      // parallelOutboundMigrationsPerNode: they share the link
};

struct MigrationEstimate {
  std::int64_t seconds = 0;             // setup + one copy of the memory (+ the timeout, for an aborted one)
  std::int64_t worst_case_seconds = 0;  // setup + two copies
  std::int64_t completion_timeout_seconds = 0;  // virt-launcher's deadline from the start of the copy; 0 = none
  std::int64_t memory_bytes = 0;        // 0: unknown (the estimate is the setup alone)
  double bytes_per_second = 0;
  bool assumed_link = false;            // bandwidth unlimited: the model's link speed
  MigrationSettings settings;
  // CompletionTimeoutExceeded (one copy is longer than the timeout) or CompletionTimeoutRisk (two are).
  std::optional<MigrationBlocker> timeout;
  bool aborted_at_timeout = false;      // neither post-copy nor workload disruption: aborted and retried
};

MigrationEstimate estimate_migration(const cluster::Vmi& vmi, const MigrationSettings& settings,
                                     const EstimateModel& model);

}  // namespace wu::decide

#include "strategy/advisory_rules.hpp"

#include <functional>
#include <set>

#include "util/did_you_mean.hpp"

namespace wu::strategy {

namespace {

const std::vector<std::string> kMethods{"LiveMigrate", "Evict"};

using Rule = std::function<void(const AdvisoryInput&, DecodeContext&)>;

std::string methods_path(const AdvisoryInput& in) { return in.strategy.path + ".workloadUpdateMethods"; }

// Any method other than exactly LiveMigrate or Evict is copied to KubeVirt and ignored there.
void unknown_methods(const AdvisoryInput& in, DecodeContext& ctx) {
  for (std::size_t i = 0; i < in.strategy.methods.size(); ++i) {
    const auto& m = in.strategy.methods[i];
    if (m.null || m.value == "LiveMigrate" || m.value == "Evict") continue;
    std::string hint = "the only methods are LiveMigrate and Evict (case-sensitive)";
    if (auto near = util::did_you_mean(m.value, kMethods)) hint = "did you mean \"" + *near + "\"?";
    ctx.advise("UnknownUpdateMethod", methods_path(in) + "[" + std::to_string(i) + "]", m.mark,
               "workload update method \"" + m.value +
                   "\" is accepted but ignored: KubeVirt acts only on the exact strings LiveMigrate and Evict",
               hint);
  }
}

void duplicate_methods(const AdvisoryInput& in, DecodeContext& ctx) {
  std::set<std::string> seen;
  for (std::size_t i = 0; i < in.strategy.methods.size(); ++i) {
    const auto& m = in.strategy.methods[i];
    if (m.null) continue;
    if (!seen.insert(m.value).second)
      ctx.advise("DuplicateUpdateMethod", methods_path(in) + "[" + std::to_string(i) + "]", m.mark,
                 "workload update method \"" + m.value + "\" is listed more than once", "remove the repeated entry");
  }
}

void updates_disabled(const AdvisoryInput& in, DecodeContext& ctx) {
  if (!in.strategy.methods_present || in.strategy.methods_null || !in.strategy.methods_valid) return;
  if (!in.strategy.methods.empty()) return;
  ctx.advise("UpdatesDisabled", methods_path(in), in.strategy.methods_mark,
             "workloadUpdateMethods is empty: automated workload updates are off, so after an upgrade outdated "
             "VMIs accumulate and the OutdatedVirtualMachineInstanceWorkloads alert fires after 24 h",
             "if this is deliberate (updates in a maintenance window), run `oc workload-update run` there; "
             "otherwise set workloadUpdateMethods: [LiveMigrate] or [LiveMigrate, Evict]");
}

void null_methods(const AdvisoryInput& in, DecodeContext& ctx) {
  if (!in.strategy.methods_null || ctx.flavor != Flavor::Hco) return;
  ctx.advise("NullUpdateMethods", methods_path(in), in.strategy.methods_mark,
             "workloadUpdateMethods: null does not disable updates: the API server re-applies the default "
             "[LiveMigrate]",
             "to disable automated updates write workloadUpdateMethods: []");
}

void evict_without_batches(const AdvisoryInput& in, DecodeContext& ctx) {
  const auto& e = in.effective;
  if (!e.workload_update_methods || !method_enables_eviction(*e.workload_update_methods)) return;
  if (!e.batch_eviction_size || *e.batch_eviction_size > 0) return;
  ctx.advise("EvictionDisabled", in.strategy.path + ".batchEvictionSize", in.strategy.batch_eviction_size.mark,
             "Evict is enabled but batchEvictionSize is " + std::to_string(*e.batch_eviction_size) +
                 ": KubeVirt never evicts anything, so VMIs that cannot live-migrate are never updated",
             "set batchEvictionSize to a positive number (the default is 10)");
}

void no_interval(const AdvisoryInput& in, DecodeContext& ctx) {
  const auto& e = in.effective;
  if (!e.batch_eviction_interval_ns || *e.batch_eviction_interval_ns > 0) return;
  const bool evict = e.workload_update_methods && method_enables_eviction(*e.workload_update_methods);
  ctx.advise("NoBatchInterval", in.strategy.path + ".batchEvictionInterval", in.strategy.batch_eviction_interval_ns.mark,
             "batchEvictionInterval is \"" + in.strategy.batch_eviction_interval_text +
                 "\": KubeVirt waits no time between eviction batches" +
                 (evict ? ", so every VMI that cannot live-migrate is shut down at once"
                        : " (this matters as soon as Evict is enabled)"),
             "use a positive duration such as \"1m0s\" (the default)");
}

void evict_only(const AdvisoryInput& in, DecodeContext& ctx) {
  const auto& e = in.effective;
  if (!e.workload_update_methods) return;
  if (!method_enables_eviction(*e.workload_update_methods) || method_enables_live_migration(*e.workload_update_methods))
    return;
  ctx.advise("EvictOnly", methods_path(in), in.strategy.methods_mark,
             "Evict without LiveMigrate evicts every outdated VMI, including those that could live-migrate: "
             "unless a VMI's evictionStrategy turns the eviction into a migration, it is shut down (and comes back "
             "only if its VM has runStrategy: Always)",
             "list LiveMigrate first: workloadUpdateMethods: [LiveMigrate, Evict]");
}

void migrations_disabled(const AdvisoryInput& in, DecodeContext& ctx) {
  const auto& e = in.effective;
  if (!e.workload_update_methods || !method_enables_live_migration(*e.workload_update_methods)) return;
  const auto& m = e.migrations;
  if (m.parallel_migrations_per_cluster && *m.parallel_migrations_per_cluster == 0)
    ctx.advise("MigrationsDisabled", in.migrations.path + ".parallelMigrationsPerCluster",
               in.migrations.parallel_migrations_per_cluster.mark,
               "LiveMigrate is enabled but parallelMigrationsPerCluster is 0: the workload updater creates no "
               "migrations, so no VMI is updated by live migration",
               "set parallelMigrationsPerCluster to a positive number (the default is 5)");
  if (m.parallel_outbound_migrations_per_node && *m.parallel_outbound_migrations_per_node == 0)
    ctx.advise("OutboundMigrationsDisabled", in.migrations.path + ".parallelOutboundMigrationsPerNode",
               in.migrations.parallel_outbound_migrations_per_node.mark,
               "LiveMigrate is enabled but parallelOutboundMigrationsPerNode is 0: the migration controller never "
               "starts a migration off any node, so migrations stay Pending for ever",
               "set parallelOutboundMigrationsPerNode to a positive number (HCO's default is 1)");
}

void post_copy_without_disruption(const AdvisoryInput& in, DecodeContext& ctx) {
  const auto& m = in.migrations;
  if (!m.allow_post_copy.value || !*m.allow_post_copy.value) return;
  const bool disruption_off =
      m.allow_workload_disruption.value ? !*m.allow_workload_disruption.value : ctx.flavor == Flavor::Hco;
  if (!disruption_off) return;
  ctx.advise("PostCopyWithoutDisruption", m.path + ".allowPostCopy", m.allow_post_copy.mark,
             "allowPostCopy is true but allowWorkloadDisruption is false: a migration that reaches its completion "
             "timeout is cancelled instead of switching to post-copy on KubeVirt versions that honour "
             "allowWorkloadDisruption",
             "set allowWorkloadDisruption: true as well if you want post-copy to be used");
}

void negative_bandwidth(const AdvisoryInput& in, DecodeContext& ctx) {
  if (!in.migrations.bandwidth_negative) return;
  ctx.advise("NegativeBandwidth", in.migrations.path + ".bandwidthPerMigration", in.migrations.bandwidth_per_migration.mark,
             "bandwidthPerMigration is negative (" + in.migrations.bandwidth_per_migration.value.value_or("") +
                 "); the sign is not checked, but a negative bandwidth limit is meaningless",
             "use a positive quantity such as \"64Mi\", or remove it for no limit");
}

void non_positive_timeouts(const AdvisoryInput& in, DecodeContext& ctx) {
  auto check = [&](const Field<std::int64_t>& f, const char* key, const char* effect) {
    if (!f.value || *f.value > 0) return;
    ctx.advise("NonPositiveMigrationTimeout", in.migrations.path + "." + key, f.mark,
               std::string(key) + " is " + std::to_string(*f.value) + ": " + effect,
               "use a positive number of seconds, or remove it to get the default");
  };
  check(in.migrations.completion_timeout_per_gib, "completionTimeoutPerGiB",
        "every migration exceeds its completion deadline at once and is cancelled (or forced to post-copy)");
  check(in.migrations.progress_timeout, "progressTimeout",
        "migrations are aborted as soon as they make no progress");
}

// Not a mistake, but worth knowing when Evict is enabled.
void eviction_strategy_blocks_evict(const AdvisoryInput& in, DecodeContext& ctx) {
  const auto& e = in.effective;
  if (!e.workload_update_methods || !method_enables_eviction(*e.workload_update_methods)) return;
  if (!in.eviction.value.value || *in.eviction.value.value != "LiveMigrate") return;
  ctx.report(Severity::Info, "EvictionStrategyBlocksEvict", in.eviction.path, in.eviction.value.mark,
             "with evictionStrategy LiveMigrate, VMIs that cannot live-migrate refuse eviction, so Evict never "
             "updates them (unless the VMI sets its own evictionStrategy)",
             "check the LiveMigratable condition of VMIs with that strategy: `oc get vmi -A -o wide`");
}

const std::vector<Rule>& rules() {
  static const std::vector<Rule> all{unknown_methods,      duplicate_methods,        updates_disabled,
                                     null_methods,         evict_without_batches,    no_interval,
                                     evict_only,           migrations_disabled,      post_copy_without_disruption,
                                     negative_bandwidth,   non_positive_timeouts,    eviction_strategy_blocks_evict};
  return all;
}

}  // namespace

void run_advisory_rules(const AdvisoryInput& in, DecodeContext& ctx) {
  for (const auto& rule : rules()) rule(in, ctx);
}

}  // namespace wu::strategy

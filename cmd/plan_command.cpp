// `plan`: predict, VMI by VMI, what the workload update will do (LiveMigrate / Evict / Skip / None,
// with a stable reason), from a live cluster or from dump files, with what-if overrides.
#include <cstdio>
#include <iostream>

#include "cli_app.hpp"
#include "cluster/label_selector.hpp"
#include "cluster/plan_config_source.hpp"
#include "cluster/snapshot_loader.hpp"
#include "completion_registry.hpp"
#include "flag_values.hpp"
#include "decide/plan.hpp"
#include "kube_flags.hpp"
#include "kube_session.hpp"
#include "render/plan_output.hpp"
#include "yaml/json_to_yaml.hpp"

namespace wu::cmd {

namespace {

struct PlanFlags {
  kube::ConfigOverrides kube;
  bool all_namespaces = false;
  std::string selector;
  std::vector<std::string> from_files;
  std::string methods;
  bool methods_given = false;
  std::optional<std::int64_t> batch_size;
  std::string batch_interval;
  std::optional<std::uint32_t> parallel_migrations;
  std::optional<std::uint32_t> parallel_outbound;
  std::string eviction_strategy;
  bool pre_upgrade = false;
  std::string migration_duration;  // "" = each VMI's estimate
  std::string fail_on;
  std::string target_node_selector;
  int chunk_size = 10000;
};

cluster::ConfigOverrides what_if(const PlanFlags& f) {
  cluster::ConfigOverrides o;
  if (f.methods_given) {
    o.methods = methods_flag("--methods", f.methods);
  }
  o.batch_eviction_size = f.batch_size;
  if (!f.batch_interval.empty()) o.batch_eviction_interval_ns = duration_flag("--batch-interval", f.batch_interval);
  o.parallel_migrations_per_cluster = f.parallel_migrations;
  o.parallel_outbound_migrations_per_node = f.parallel_outbound;
  if (!f.eviction_strategy.empty()) o.eviction_strategy = f.eviction_strategy;
  o.pre_upgrade = f.pre_upgrade;
  return o;
}

int run_plan(Cli& cli, const CLI::App& sub, const PlanFlags& flags) {
  const std::string format = resolve_output_format(sub, cli.global.output);
  std::vector<std::string> fail_on = split_commas(flags.fail_on);
  for (const auto& f : fail_on)
    if (f != "evict" && f != "skip" && f != "stays-down" && f != "no-target")
      throw CLI::ValidationError("--fail-on",
                                 "unknown value \"" + f + "\"; use any of evict, skip, stays-down, no-target");
  const cluster::ConfigOverrides overrides = what_if(flags);
  decide::PlanOptions options;
  if (!flags.migration_duration.empty())
    options.migration_duration_seconds = duration_flag("--migration-duration", flags.migration_duration) / 1000000000LL;
  if (!flags.target_node_selector.empty())
    options.target_node_selector = node_selector_flag("--target-node-selector", flags.target_node_selector);
  const cluster::LabelSelector selector = [&] {
    try {
      return cluster::LabelSelector::parse(flags.selector);
    } catch (const cluster::SelectorError& e) {
      throw CLI::ValidationError("--selector", e.what());
    }
  }();

  cluster::Snapshot snapshot;
  std::string namespace_scope;
  if (!flags.from_files.empty()) {
    snapshot = cluster::load_dump_snapshot(flags.from_files, yaml::InputLimits{1ULL << 30});
    if (!flags.all_namespaces) namespace_scope = flags.kube.namespace_;  // dumps: all namespaces unless -n
  } else {
    KubeSession session = connect(flags.kube, cli.global);
    if (!flags.all_namespaces) namespace_scope = session.namespace_;
    snapshot = cluster::load_live_snapshot(*session.client, {namespace_scope, flags.selector, flags.chunk_size});
  }
  // A live list was already filtered by the server (-l is sent as labelSelector); dumps are filtered here.
  const bool select_here = !flags.from_files.empty();
  options.in_scope = [&](const cluster::Vmi& v) {
    return (namespace_scope.empty() || v.namespace_ == namespace_scope) && (!select_here || selector.matches(v.labels));
  };

  cluster::PlanConfigSource source = cluster::plan_config_from(snapshot, overrides);
  for (const auto& p : source.problems)
    std::cerr << "Warning: " << p << " (the invalid value is ignored; run `validate --from-cluster`)\n";
  options.scoped = !namespace_scope.empty() || !flags.selector.empty();
  decide::Plan plan = decide::make_plan(snapshot, source.config, options);
  plan.warnings.insert(plan.warnings.begin(), source.warnings.begin(), source.warnings.end());
  render::PlanHeader header{source.from};

  if (format == "json") render::write_plan_json(std::cout, plan, header);
  else if (format == "yaml") std::cout << yaml::json_to_yaml(render::plan_json(plan, header));
  else
    render::write_plan_table(std::cout, plan, header, format == "wide",
                             render::Colour{render::colour_wanted_for_fd(fileno(stdout))});
  std::cout.flush();

  for (const auto& d : plan.decisions) {
    for (const auto& f : fail_on) {
      if ((f == "evict" && d.action == decide::Action::Evict) || (f == "skip" && d.action == decide::Action::Skip) ||
          (f == "stays-down" && d.after_eviction == decide::AfterEviction::StaysDown) ||
          (f == "no-target" && d.outcome == decide::Outcome::NoTargetNode))
        return 1;
    }
  }
  return 0;
}

}  // namespace

void register_plan_command(Cli& cli) {
  auto flags = std::make_shared<PlanFlags>();
  CLI::App* sub = cli.app.add_subcommand(
      "plan",
      "Predict, VMI by VMI, what the workload update will do (LiveMigrate, Evict, Skip or None, with the reason), "
      "exactly as KubeVirt's workload updater and eviction webhook would decide");
  register_output_formats(sub, {"table", "wide", "json", "yaml"});
  sub->add_flag("-A,--all-namespaces", flags->all_namespaces, "Plan for VMIs in all namespaces (ignores -n)");
  sub->add_option("-l,--selector", flags->selector, "Only VMIs matching this label selector (e.g. app=db,tier!=web)")
      ->type_name("SELECTOR");
  auto* from = sub->add_option("--from-file", flags->from_files,
                               "Plan from dump files instead of a cluster (JSON/YAML, multi-document or kind: List, "
                               "e.g. `oc get kubevirt,hyperconverged,vmi,vm,vmim,pods,nodes,deployments -A -o json`); '-' "
                               "reads stdin; repeatable")
                   ->type_name("FILE|DIR");
  complete_as_files(from, {"json", "yaml", "yml"});
  sub->add_option_function<std::string>(
         "--methods",
         [flags](const std::string& v) {
           flags->methods = v;
           flags->methods_given = true;
         },
         "What if workloadUpdateMethods were this comma-separated list (e.g. LiveMigrate,Evict; '' for none)")
      ->type_name("LIST");
  sub->add_option("--batch-size", flags->batch_size, "What if batchEvictionSize were N")->type_name("N");
  sub->add_option("--batch-interval", flags->batch_interval, "What if batchEvictionInterval were this duration")
      ->type_name("DURATION");
  sub->add_option("--parallel-migrations", flags->parallel_migrations, "What if parallelMigrationsPerCluster were N")
      ->type_name("N");
  sub->add_option("--parallel-outbound-per-node", flags->parallel_outbound,
                  "What if parallelOutboundMigrationsPerNode were N")
      ->type_name("N");
  auto* es = sub->add_option("--eviction-strategy", flags->eviction_strategy,
                             "What if the cluster-wide evictionStrategy were this (VMIs that set their own keep it)")
                 ->type_name("STRATEGY");
  restrict_to_words(es, {"None", "LiveMigrate", "LiveMigrateIfPossible", "External"});
  sub->add_flag("--pre-upgrade", flags->pre_upgrade,
                "Treat every running VMI as outdated: what will the next upgrade do to my VMs?");
  sub->add_option("--migration-duration", flags->migration_duration,
                  "Assumed length of every live migration, for the estimated duration (default: each VMI's "
                  "estimate from its memory and its migration settings)")
      ->type_name("DURATION");
  auto* fail = sub->add_option("--fail-on", flags->fail_on,
                               "Exit 1 when any VMI would be evicted (evict), skipped (skip), left down after "
                               "eviction (stays-down) or migrated with no node to take it (no-target); "
                               "comma-separated, for pre-upgrade scripts")
                   ->type_name("LIST");
  register_value_completion(fail, {ValueCompletion::Kind::Words, {"evict", "skip", "stays-down", "no-target"}, {}});
  sub->add_option("--target-node-selector", flags->target_node_selector,
                  "What if every migration's target pod had to match these node labels too (KEY=VALUE,...; the "
                  "VMIM's spec.addedNodeSelector, as `run --target-node-selector` sets it): judged in the placement")
      ->type_name("KEY=VALUE,...");
  sub->add_option("--chunk-size", flags->chunk_size,
                  "Objects per list request; larger pages mean fewer requests under the client-side rate limit "
                  "(--qps); items are decoded as they arrive, so memory does not grow with it; 0 lists everything at once")
      ->type_name("N")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  add_kube_flags(*sub, flags->kube);
  sub->footer(
      "Output formats (-o): table (default), wide, json, yaml.\n"
      "Exit status: 0 plan produced; 1 --fail-on matched; 2 error (bad flags, cluster unreachable, more than one "
      "KubeVirt CR).");
  sub->callback([&cli, sub, flags] { cli.action = [&cli, sub, flags] { return run_plan(cli, *sub, *flags); }; });
}

}  // namespace wu::cmd

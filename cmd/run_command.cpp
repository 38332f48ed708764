// `run`: drive the workload update from this machine: live migrations within the cluster's limits,
// evictions in batches, with the decisions `plan` shows, a Lease against concurrent runs, a clean stop
// on Ctrl-C and a resume that picks up where the last run stopped.
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <sstream>

#include "cli_app.hpp"
#include "cluster/config_objects.hpp"
#include "cluster/plan_config_source.hpp"
#include "cluster/snapshot_loader.hpp"
#include "completion_registry.hpp"
#include "flag_values.hpp"
#include "kube_flags.hpp"
#include "kube_session.hpp"
#include "kube/api_error.hpp"
#include "render/run_json.hpp"
#include "render/run_output.hpp"
#include "run_confirmation.hpp"
#include "run_live_display.hpp"
#include "run_interrupt.hpp"
#include "update/preflight.hpp"
#include "update/run_identity.hpp"
#include "update/run_lease.hpp"
#include "update/runner.hpp"
#include "update/migration_object.hpp"
#include "update/updater_pause.hpp"

namespace wu::cmd {

namespace {

struct RunFlags {
  kube::ConfigOverrides kube;
  bool all_namespaces = false;
  std::string selector;
  std::string node;
  std::string methods;
  bool methods_given = false;
  std::optional<std::int64_t> batch_size;
  std::string batch_interval;
  std::optional<std::uint32_t> max_parallel;
  int max_attempts = 3;
  std::string retry_backoff = "20s";
  std::string restart_timeout = "10m";
  std::string pending_timeout = "10m";
  std::string timeout = "0s";
  bool coexist = false;
  bool yes = false;
  std::string dry_run = "none";
  bool cancel_on_interrupt = false;
  bool pause_cluster_updater = false;
  std::string target_node_selector;
  bool try_unschedulable = false;
  int chunk_size = 10000;
};

int run_run(Cli& cli, const CLI::App& sub, const RunFlags& flags) {
  const std::string format = resolve_output_format(sub, cli.global.output);
  update::RunOptions options;
  options.dry_run = flags.dry_run == "client"   ? update::DryRun::Client
                    : flags.dry_run == "server" ? update::DryRun::Server
                                                : update::DryRun::None;
  options.max_attempts = flags.max_attempts;
  options.retry_backoff = duration_flag_ms("--retry-backoff", flags.retry_backoff);
  options.restart_timeout = duration_flag_ms("--restart-timeout", flags.restart_timeout);
  options.pending_timeout = duration_flag_ms("--pending-timeout", flags.pending_timeout);
  options.coexist = flags.coexist;
  if (auto t = duration_flag_ms("--timeout", flags.timeout); t.count() > 0) options.timeout = t;
  options.cancel_on_interrupt = flags.cancel_on_interrupt;
  options.pause_cluster_updater = flags.pause_cluster_updater;
  if (!flags.target_node_selector.empty())
    options.target_node_selector = node_selector_flag("--target-node-selector", flags.target_node_selector);
  options.try_unschedulable = flags.try_unschedulable;
  options.chunk_size = flags.chunk_size;
  options.label_selector = flags.selector;
  options.node = flags.node;
  cluster::ConfigOverrides overrides;
  if (flags.methods_given) overrides.methods = methods_flag("--methods", flags.methods);
  overrides.batch_eviction_size = flags.batch_size;
  if (!flags.batch_interval.empty())
    overrides.batch_eviction_interval_ns = duration_flag("--batch-interval", flags.batch_interval);

  RunInterrupt interrupt;  // before any thread exists
  KubeSession session = connect(flags.kube, cli.global);
  options.namespace_ = flags.all_namespaces ? std::string() : session.namespace_;

  cluster::Snapshot config;
  try {
    cluster::load_cluster_config(*session.client, config);
  } catch (const kube::ApiError& e) {
    if (e.code() != 403) throw;
    // Reading the strategy is the first thing a run does; without the right it is a preflight refusal.
    std::cerr << "error: preflight: cannot read the update strategy (KubeVirt and HyperConverged CRs): " << e.what()
              << "\nNothing was changed.\n";
    return 2;
  }
  const cluster::PlanConfigSource cluster_strategy = cluster::plan_config_from(config, {});
  const cluster::PlanConfigSource strategy = cluster::plan_config_from(config, overrides);
  for (const auto& p : strategy.problems)
    std::cerr << "Warning: " << p << " (the invalid value is ignored; run `validate --from-cluster`)\n";
  options.config = strategy.config;
  if (options.config.methods.empty()) {
    std::cerr << "error: the cluster's workloadUpdateMethods is empty (" << strategy.from
              << "), so there is no default for this run: say what it may do with --methods LiveMigrate,Evict (or "
                 "--methods LiveMigrate to never shut a VM down)\nNothing was changed.\n";
    return 2;
  }
  const std::uint32_t cluster_limit = options.config.parallel_migrations_per_cluster;
  if (flags.max_parallel && *flags.max_parallel > cluster_limit) {
    std::cerr << "error: --max-parallel " << *flags.max_parallel << " is more than the cluster allows "
              << "(parallelMigrationsPerCluster " << cluster_limit << ", " << strategy.from
              << "); use at most " << cluster_limit << "\n";
    return 2;
  }
  options.max_parallel = flags.max_parallel.value_or(cluster_limit);

  // Preflight: nothing is touched unless every check passes.
  // KubeVirt's updater reads the KubeVirt CR; HCO overwrites that from the HyperConverged CR. Both count.
  cluster::Snapshot hco_only = config;
  cluster::edit_config_objects(hco_only).kubevirts.clear();
  std::vector<std::pair<decide::PlanConfig, std::string>> strategies{{cluster_strategy.config, cluster_strategy.from}};
  if (!cluster::hyperconverged_objects(config).empty()) {
    const cluster::PlanConfigSource hco_strategy = cluster::plan_config_from(hco_only, {});
    strategies.emplace_back(hco_strategy.config, cluster::object_label(cluster::hyperconverged_objects(config).front(), "HyperConverged"));
  }
  const std::optional<update::UpdaterPause> pause =
      flags.pause_cluster_updater ? update::pause_target(config) : std::nullopt;
  if (pause) {
    options.updater_object = pause->kind == "HyperConverged" ? "hyperconvergeds" : "kubevirts";
    options.updater_namespace = pause->namespace_;
  }
  std::vector<std::string> problems =
      update::cluster_problems(config, strategies, flags.coexist || flags.pause_cluster_updater);
  if (!options.target_node_selector.empty() && !config.kubevirts.empty() &&
      !update::has_added_node_selector(config.kubevirts.front().observed_version))
    problems.push_back("--target-node-selector needs spec.addedNodeSelector on VirtualMachineInstanceMigrations, which "
                       "KubeVirt has since " + std::string(update::kAddedNodeSelectorSince) + "; this cluster runs " +
                       (config.kubevirts.front().observed_version.empty()
                            ? std::string("an unknown version (no status.observedKubeVirtVersion)")
                            : config.kubevirts.front().observed_version) +
                       ", which would drop the selector and let the VMs go to any node");
  if (problems.empty()) {
    const std::string kv_namespace = config.kubevirts.front().namespace_;
    std::vector<std::string> judged_less;
    for (auto& d : update::denied_access(*session.client, update::access_needs(options, kv_namespace), &judged_less))
      problems.push_back(std::move(d));
    for (const auto& w : judged_less) std::cerr << "Warning: preflight: " << w << "; the run goes on without it\n";
  }
  if (!problems.empty()) {
    for (const auto& p : problems) std::cerr << "error: preflight: " << p << "\n";
    std::cerr << "Nothing was changed.\n";
    return 2;
  }

  // A second run stops here, before it lists the cluster or asks anything.
  if (options.dry_run == update::DryRun::None) {
    try {
      update::RunLease(*session.client, config.kubevirts.front().namespace_, update::holder_identity()).check_free();
    } catch (const update::LeaseHeldError& e) {
      std::cerr << "error: " << e.what() << "\nNothing was changed.\n";
      return 2;
    }
  }

  const bool json = format == "json";
  const bool tty = !json && isatty(STDOUT_FILENO);
  const render::Colour colour{render::colour_wanted_for_fd(STDOUT_FILENO)};
  LiveDisplay live(colour);
  update::RunHooks hooks;
  const bool dry = options.dry_run != update::DryRun::None;
  hooks.on_event = [&](const update::RunEvent& e) {
    if (json) {
      render::write_run_event_json(std::cout, e);
      std::cout.flush();
    } else if (dry) {
      // The report lists every action.
    } else if (tty) {
      live.event(render::run_event_line(e, colour));
    } else {
      std::cout << render::run_event_line(e, colour) << "\n";
      std::cout.flush();
    }
  };
  if (tty) hooks.on_progress = [&](const update::RunProgress& p) { live.progress(p); };

  update::Runner runner(*session.client, options, config, hooks);
  runner.connect();
  if (options.dry_run == update::DryRun::None && !flags.yes) {
    std::optional<std::set<std::string>> confirmed;
    try {
      confirmed = confirm_evictions(runner.plan_now(), pause ? update::describe_pause(*pause) : std::string());
    } catch (const std::runtime_error& e) {
      std::cerr << "error: " << e.what() << "\n";
      return 2;
    }
    if (!confirmed) {
      std::cerr << "Not confirmed; nothing was changed.\n";
      return 1;
    }
    runner.confirm_evictions(std::move(*confirmed));
  }
  interrupt.arm();
  update::RunReport report;
  try {
    report = options.dry_run == update::DryRun::None ? runner.run(interrupt.token()) : runner.dry_run();
  } catch (const update::LeaseHeldError& e) {
    std::cerr << "error: " << e.what() << "\nNothing was changed.\n";
    return 2;
  } catch (const update::LeaseLostError& e) {
    live.finish();
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  } catch (const update::RunError& e) {
    live.finish();
    std::cerr << "error: " << e.what() << "; run again to resume\n";
    return 2;
  }
  live.finish();
  if (json) std::cout << render::report_json(report).dump() << "\n";
  else render::write_run_report(std::cout, report, colour);
  std::cout.flush();
  return update::exit_code(report);
}

}  // namespace

void register_run_command(Cli& cli) {
  auto flags = std::make_shared<RunFlags>();
  CLI::App* sub = cli.app.add_subcommand(
      "run",
      "Drive the workload update from here: live-migrate outdated VMIs within the cluster's limits and evict the "
      "others in batches, with the decisions `plan` shows; safe to interrupt and to run again");
  register_output_formats(sub, {"text", "json"});
  sub->add_flag("-A,--all-namespaces", flags->all_namespaces, "Update VMIs in all namespaces (ignores -n)");
  sub->add_option("-l,--selector", flags->selector,
                  "Only VMIs matching this label selector (e.g. app=db,tier!=web); their launcher pods carry the same "
                  "labels and are selected with it")
      ->type_name("SELECTOR");
  sub->add_option("--node", flags->node,
                  "Only VMIs running on this node when the run first sees them (they stay followed after moving)")
      ->type_name("NODE");
  sub->add_option_function<std::string>(
         "--methods",
         [flags](const std::string& v) {
           flags->methods = v;
           flags->methods_given = true;
         },
         "What this run may do: LiveMigrate, Evict or both, comma-separated (default: the cluster's "
         "workloadUpdateMethods; required when those are empty)")
      ->type_name("LIST");
  sub->add_option("--batch-size", flags->batch_size, "Evictions per batch (default: the cluster's batchEvictionSize)")
      ->type_name("N");
  sub->add_option("--batch-interval", flags->batch_interval,
                  "Time between eviction batches (default: the cluster's batchEvictionInterval)")
      ->type_name("DURATION");
  sub->add_option("--max-parallel", flags->max_parallel,
                  "Migrations unfinished at once, counting everyone's (default and maximum: the cluster's "
                  "parallelMigrationsPerCluster); the per-node outbound limit is respected too")
      ->type_name("N");
  sub->add_option("--max-attempts", flags->max_attempts,
                  "Attempts per VMI (failed or refused migrations, or refused evictions) before it is reported stuck")
      ->type_name("N")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  sub->add_option("--retry-backoff", flags->retry_backoff,
                  "Wait after a failed attempt before the next; doubles per failure, capped at 5m")
      ->type_name("DURATION")
      ->capture_default_str();
  sub->add_option("--restart-timeout", flags->restart_timeout,
                  "How long an evicted runStrategy Always VM may take to run again before it is reported stuck")
      ->type_name("DURATION")
      ->capture_default_str();
  sub->add_option("--pending-timeout", flags->pending_timeout,
                  "Delete this run's migration that stays Pending without a target pod this long (a failed attempt; "
                  "e.g. a ResourceQuota refuses its target pod)")
      ->type_name("DURATION")
      ->capture_default_str();
  sub->add_option("--timeout", flags->timeout,
                  "Stop starting new actions after this long and report (0s: no limit); in-flight migrations finish")
      ->type_name("DURATION")
      ->capture_default_str();
  sub->add_flag("--coexist", flags->coexist,
                "Run even though KubeVirt's own workload updater is active (both then act on the same VMIs)");
  sub->add_flag("-y,--yes", flags->yes, "Do not ask before evicting (shutting down) VMs");
  auto* dry = sub->add_option("--dry-run", flags->dry_run,
                              "client: print the actions and change nothing; server: send them with dryRun=All so "
                              "the API server and KubeVirt's webhooks judge them, and change nothing (a value is "
                              "required, as in kubectl)")
                  ->type_name("MODE")
                  ->capture_default_str();
  restrict_to_words(dry, {"none", "client", "server"});
  sub->add_option("--target-node-selector", flags->target_node_selector,
                  "Move the VMs only onto nodes with these labels: spec.addedNodeSelector on every migration "
                  "(KubeVirt >= v1.6.0; the VM's own nodeSelector keys win)")
      ->type_name("KEY=VALUE,...");
  sub->add_flag("--try-unschedulable", flags->try_unschedulable,
                "Migrate VMIs even when no node can take their target pod (placement NoTargetNode, as `plan` shows); "
                "by default they are skipped, and judged again whenever a node or pod changes");
  sub->add_flag("--pause-cluster-updater", flags->pause_cluster_updater,
                "Switch KubeVirt's own updater off for the run (workloadUpdateMethods [] on the HyperConverged CR, "
                "recorded in the run Lease) and restore it when the run ends; after a kill -9 the next run or "
                "`abort` restores it");
  sub->add_flag("--cancel-on-interrupt", flags->cancel_on_interrupt,
                "On Ctrl-C/SIGTERM, delete this run's unfinished migrations instead of leaving them to finish");
  sub->add_option("--chunk-size", flags->chunk_size, "Objects per list request (0: everything in one request)")
      ->type_name("N")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  add_kube_flags(*sub, flags->kube);
  sub->footer(
      "Output formats (-o): text (default; a live display on a terminal, one line per event otherwise), json (JSON "
      "Lines: one event per line, then the report).\n"
      "Exit status: 0 every VMI in scope updated (or shut down as confirmed); 1 some stuck, skipped or unfinished "
      "(--timeout), the confirmation declined, or a --dry-run=server action refused; 2 error (bad flags, preflight "
      "failed, no terminal to confirm on without --yes, Lease held by another run or lost, the cluster no longer "
      "watchable); 130 interrupted.");
  sub->callback([&cli, sub, flags] { cli.action = [&cli, sub, flags] { return run_run(cli, *sub, *flags); }; });
}

}  // namespace wu::cmd

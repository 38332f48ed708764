// `status`: progress of the workload update on a live cluster: outdated VMIs, migrations in flight by
// who started them, each VMI's last attempts, stuck VMIs, and the run Lease holder.
#include <cstdio>
#include <iostream>

#include "cli_app.hpp"
#include "cluster/plan_config_source.hpp"
#include "cluster/snapshot_loader.hpp"
#include "completion_registry.hpp"
#include "decide/plan.hpp"
#include "kube_flags.hpp"
#include "kube_session.hpp"
#include "render/run_json.hpp"
#include "render/status_output.hpp"
#include "update/progress_status.hpp"
#include "update/run_identity.hpp"
#include "yaml/json_to_yaml.hpp"

namespace wu::cmd {

namespace {

struct StatusFlags {
  kube::ConfigOverrides kube;
  bool all_namespaces = false;
  std::string selector;
  int stuck_after = 3;
};

int run_status(Cli& cli, const CLI::App& sub, const StatusFlags& flags) {
  const std::string format = resolve_output_format(sub, cli.global.output);
  KubeSession session = connect(flags.kube, cli.global);
  const std::string scope = flags.all_namespaces ? std::string() : session.namespace_;
  cluster::Snapshot snapshot = cluster::load_live_snapshot(*session.client, {scope, flags.selector});
  const cluster::PlanConfigSource source = cluster::plan_config_from(snapshot, {});
  decide::PlanOptions options;
  options.in_scope = [&](const cluster::Vmi& v) { return scope.empty() || v.namespace_ == scope; };
  const decide::Plan plan = decide::make_plan(snapshot, source.config, options);

  nlohmann::json lease;  // null when there is none (or no KubeVirt CR to find its namespace)
  if (!snapshot.kubevirts.empty()) {
    const kube::ResourceRef leases{"coordination.k8s.io", "v1", "leases", snapshot.kubevirts.front().namespace_,
                                   update::kLeaseName, ""};
    try {
      lease = session.client->get(leases);
    } catch (const kube::ApiError& e) {
      if (!kube::is_not_found(e)) throw;
    }
  }
  const update::ProgressStatus status = update::make_status(snapshot, plan, flags.stuck_after, lease);
  if (format == "json") std::cout << render::status_json(status).dump(2) << "\n";
  else if (format == "yaml") std::cout << yaml::json_to_yaml(render::status_json(status));
  else render::write_status_table(std::cout, status, render::Colour{render::colour_wanted_for_fd(fileno(stdout))});
  return 0;
}

}  // namespace

void register_status_command(Cli& cli) {
  auto flags = std::make_shared<StatusFlags>();
  CLI::App* sub = cli.app.add_subcommand(
      "status",
      "Show how far the workload update has got: outdated VMIs, migrations in flight (by this tool, by KubeVirt, "
      "by others), each VMI's last attempts with failure reasons, stuck VMIs, and the run Lease holder");
  register_output_formats(sub, {"table", "json", "yaml"});
  sub->add_flag("-A,--all-namespaces", flags->all_namespaces, "VMIs in all namespaces (ignores -n)");
  sub->add_option("-l,--selector", flags->selector, "Only VMIs matching this label selector")->type_name("SELECTOR");
  sub->add_option("--stuck-after", flags->stuck_after,
                  "Call an outdated VMI stuck when its last N migrations all failed")
      ->type_name("N")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  add_kube_flags(*sub, flags->kube);
  sub->footer("Output formats (-o): table (default), json, yaml.\nExit status: 0 shown; 2 error.");
  sub->callback([&cli, sub, flags] { cli.action = [&cli, sub, flags] { return run_status(cli, *sub, *flags); }; });
}

}  // namespace wu::cmd

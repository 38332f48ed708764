#include "cli_app.hpp"

#include "completion_registry.hpp"
#include "wu/version.hpp"

namespace wu::cmd {

std::unique_ptr<Cli> build_cli(const std::string& display_name) {
  auto cli = std::make_unique<Cli>();
  cli->global.display_name = display_name;
  CLI::App& app = cli->app;
  app.name(display_name);
  app.description(
      "Predict and drive the update of outdated KubeVirt / OpenShift Virtualization VMIs (workload updates), "
      "and check the workloadUpdateStrategy that controls it.");
  app.require_subcommand(1);
  app.fallthrough();  // global options may also follow the subcommand
  app.set_version_flag("--version", std::string("kubectl-workload_update ") + kVersion + " (commit " + kGitCommit + ")");
  add_global_options(app, cli->global);
  register_validate_command(*cli);
  register_plan_command(*cli);
  register_run_command(*cli);
  register_status_command(*cli);
  register_abort_command(*cli);
  register_version_command(*cli);
  register_completion_command(*cli);
  app.footer("Run '" + display_name + " COMMAND --help' for a command's options. Exit status: 0 ok, 1 the answer is "
             "\"no\" (e.g. invalid), 2 could not do the job (bad flags, unreadable input).");
  return cli;
}

std::string resolve_output_format(const CLI::App& subcommand, const std::string& requested) {
  const auto* formats = output_formats_for(&subcommand);
  if (!formats || formats->empty()) return requested;
  if (requested.empty()) return formats->front();
  for (const auto& f : *formats)
    if (f == requested) return f;
  std::string list;
  for (const auto& f : *formats) list += (list.empty() ? "" : ", ") + f;
  throw CLI::ValidationError("--output", "unsupported output format \"" + requested + "\" for " +
                                             subcommand.get_name() + "; use one of: " + list);
}

}  // namespace wu::cmd

// `abort`: stops the run holding the Lease, from any machine; with --cancel-migrations also deletes
// that run's unfinished VMIMs. A run whose process died (kill -9) is cleaned up by abort itself.
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli_app.hpp"
#include "completion_registry.hpp"
#include "flag_values.hpp"
#include "kube_flags.hpp"
#include "kube_session.hpp"
#include "kube/api_error.hpp"
#include "update/preflight.hpp"
#include "update/run_abort.hpp"
#include "update/run_identity.hpp"

namespace wu::cmd {

namespace {

struct AbortFlags {
  kube::ConfigOverrides kube;
  bool cancel_migrations = false;
  std::string timeout = "1m";
};

int run_abort_command(Cli& cli, const CLI::App& sub, const AbortFlags& flags) {
  const std::string format = resolve_output_format(sub, cli.global.output);
  update::AbortOptions options;
  options.cancel_migrations = flags.cancel_migrations;
  options.timeout = duration_flag_ms("--timeout", flags.timeout);
  options.identity = update::holder_identity();
  KubeSession session = connect(flags.kube, cli.global);
  std::optional<std::string> ns;
  try {
    ns = update::lease_namespace(*session.client);
  } catch (const kube::ApiError& e) {
    if (e.code() != 403) throw;
    std::cerr << "error: preflight: cannot find the KubeVirt CR (and so the run Lease): " << e.what()
              << "\nNothing was changed.\n";
    return 2;
  }
  if (!ns) {
    std::cerr << "error: no KubeVirt CR found, so there is no run Lease to abort (is KubeVirt installed, and may you "
                 "list kubevirts?)\n";
    return 2;
  }
  // Refuse before touching the Lease rather than stop half-way (a stop asked for, the clean-up not done).
  const auto denied =
      update::denied_access(*session.client, update::abort_access_needs(options.cancel_migrations, *ns));
  if (!denied.empty()) {
    for (const auto& d : denied) std::cerr << "error: preflight: " << d << "\n";
    std::cerr << "Nothing was changed.\n";
    return 2;
  }
  const update::AbortReport r = update::abort_run(*session.client, *ns, options);
  if (format == "json") {
    std::cout << nlohmann::json{{"kind", "WorkloadUpdateAbort"},
                                {"result", update::abort_result_name(r.result)},
                                {"runId", r.run_id},
                                {"holder", r.holder},
                                {"message", r.message},
                                {"cancelledMigrations", r.cancelled},
                                {"cancelFailures", r.cancel_failures},
                                {"updaterRestore", r.updater_restore}}
                     .dump(2)
              << "\n";
  } else {
    std::cout << r.message << ".\n";
    for (const auto& m : r.cancelled) std::cout << "cancelled migration " << m << "\n";
    for (const auto& f : r.cancel_failures) std::cerr << "error: could not cancel " << f << "\n";
    if (!r.updater_restore.empty()) (r.updater_restore_failed ? std::cerr : std::cout) << r.updater_restore << "\n";
    if (options.cancel_migrations && r.cancelled.empty() && r.cancel_failures.empty() &&
        r.result != update::AbortResult::StillRunning && !r.run_id.empty())
      std::cout << "no unfinished migration of run " << r.run_id << " to cancel\n";
  }
  if (r.result == update::AbortResult::StillRunning || !r.cancel_failures.empty() || r.updater_restore_failed) return 1;
  return 0;
}

}  // namespace

void register_abort_command(Cli& cli) {
  auto flags = std::make_shared<AbortFlags>();
  CLI::App* sub = cli.app.add_subcommand(
      "abort",
      "Stop the run holding the Lease, from any machine (it starts nothing new and exits 130); with "
      "--cancel-migrations also delete its unfinished migrations. Cleans up after a run that was killed");
  register_output_formats(sub, {"text", "json"});
  sub->add_flag("--cancel-migrations", flags->cancel_migrations,
                "Also delete the run's unfinished VMIMs (KubeVirt aborts those migrations)");
  sub->add_option("--timeout", flags->timeout, "How long to wait for the run to stop (Go duration)")
      ->type_name("DURATION")
      ->capture_default_str();
  add_kube_flags(*sub, flags->kube);
  sub->footer(
      "Output formats (-o): text (default), json.\nExit status: 0 stopped, cleaned up, or no run to stop; 1 the "
      "run did not stop within --timeout, or a migration could not be cancelled; 2 error.");
  sub->callback([&cli, sub, flags] { cli.action = [&cli, sub, flags] { return run_abort_command(cli, *sub, *flags); }; });
}

}  // namespace wu::cmd

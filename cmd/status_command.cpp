// `status`: progress of the workload update on a live cluster: outdated VMIs, migrations in flight by
// who started them, each VMI's last attempts, stuck VMIs, and the run Lease holder.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <optional>

#include "cli_app.hpp"
#include "completion_registry.hpp"
#include "kube_flags.hpp"
#include "kube_session.hpp"
#include "render/run_json.hpp"
#include "render/status_output.hpp"
#include "flag_values.hpp"
#include "run_interrupt.hpp"
#include "update/progress_status.hpp"
#include "update/status_reader.hpp"
#include "yaml/json_to_yaml.hpp"

namespace wu::cmd {

namespace {

struct StatusFlags {
  kube::ConfigOverrides kube;
  bool all_namespaces = false;
  std::string selector;
  int stuck_after = 3;
  bool wait = false;
  std::string timeout = "30m";
  std::string interval = "2s";
};

// --wait: one line per look (redrawn in place on a terminal, printed when it changes otherwise), or
// JSON Lines; exit 0 done, 1 not done (at the timeout, or a run finished with VMIs left), 130 interrupted.
int wait_status(KubeSession& session, const update::StatusQuery& query, const StatusFlags& flags,
                const std::string& format, RunInterrupt& interrupt) {
  update::WaitOptions options;
  options.timeout = duration_flag_ms("--timeout", flags.timeout);
  options.interval = duration_flag_ms("--interval", flags.interval);
  if (options.interval.count() <= 0) throw CLI::ValidationError("--interval", "must be longer than 0s");
  const bool tty = isatty(fileno(stdout)) != 0;
  const render::Colour colour{render::colour_wanted_for_fd(fileno(stdout))};
  std::string last;
  interrupt.arm();
  const update::WaitOutcome outcome = update::wait_for_update(
      *session.client, query, options,
      [&](const update::ProgressStatus& st, const update::WaitVerdict& verdict) {
        if (format == "json") {
          std::cout << render::status_wait_json(st, verdict).dump() << std::endl;
          return;
        }
        const std::string line = render::status_wait_line(st, verdict, colour);
        if (tty) std::cout << "\r\x1b[2K" << line << (verdict.end ? "\n" : "") << std::flush;
        else if (line != last || verdict.end) std::cout << line << std::endl;
        last = line;
      },
      interrupt.token());
  switch (outcome) {
    case update::WaitOutcome::Done: return 0;
    case update::WaitOutcome::Interrupted: return 130;
    default: return 1;
  }
}

int run_status(Cli& cli, const CLI::App& sub, const StatusFlags& flags) {
  const std::string format = resolve_output_format(sub, cli.global.output);
  std::optional<RunInterrupt> interrupt;  // --wait only; before any thread exists
  if (flags.wait) interrupt.emplace();
  if (flags.wait && format == "yaml")
    throw CLI::ValidationError("-o", "--wait prints JSON Lines with -o json, or a progress line; -o yaml is for one look");
  KubeSession session = connect(flags.kube, cli.global);
  update::StatusQuery query;
  query.namespace_ = flags.all_namespaces ? std::string() : session.namespace_;
  query.selector = flags.selector;
  query.stuck_after = flags.stuck_after;
  if (flags.wait) return wait_status(session, query, flags, format, *interrupt);
  const update::ProgressStatus status = update::read_status(*session.client, query);
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
  sub->add_flag("--wait", flags->wait,
                "Wait until no VMI in scope is outdated, or until the run holding the Lease finishes; progress "
                "line on a terminal, JSON Lines with -o json");
  sub->add_option("--timeout", flags->timeout, "With --wait: give up after this long (Go duration)")
      ->type_name("DURATION")
      ->capture_default_str();
  sub->add_option("--interval", flags->interval, "With --wait: look again this often (Go duration)")
      ->type_name("DURATION")
      ->capture_default_str();
  add_kube_flags(*sub, flags->kube);
  sub->footer(
      "Output formats (-o): table (default), json, yaml.\nExit status: 0 shown (with --wait: done); 1 with --wait: "
      "not done at --timeout, or the run finished with VMIs still outdated; 2 error; 130 interrupted.");
  sub->callback([&cli, sub, flags] { cli.action = [&cli, sub, flags] { return run_status(cli, *sub, *flags); }; });
}

}  // namespace wu::cmd

// See command_line.hpp.
#include "command_line.hpp"

#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include "argv_normalize.hpp"
#include "cli_app.hpp"
#include "completion_engine.hpp"

namespace wu::cmd {
namespace {

std::string basename_of(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

const CLI::App& deepest_parsed(const CLI::App& app) {
  for (const CLI::App* sub : app.get_subcommands())
    if (sub->parsed()) return deepest_parsed(*sub);
  return app;
}

// CLI11 names a subcommand alone in its usage line ("Usage: validate"); show the full command.
std::string help_for(const Cli& cli, const CLI::App& app) {
  std::string text = app.help();
  if (&app == &cli.app) return text;
  std::string path;
  for (const CLI::App* a = &app; a && a != &cli.app; a = a->get_parent()) path = a->get_name() + (path.empty() ? "" : " " + path);
  const std::string from = "Usage: " + app.get_name();
  if (auto pos = text.find(from); pos != std::string::npos)
    text.replace(pos, from.size(), "Usage: " + cli.global.display_name + " " + path);
  return text;
}

int usage_error(const Cli& cli, const std::string& message) {
  std::cerr << "error: " << message << "\n\n" << help_for(cli, deepest_parsed(cli.app));
  return 2;
}

}  // namespace

int run_command_line(int argc, char** argv) {
  const std::string argv0 = argc > 0 ? argv[0] : "kubectl-workload_update";
  std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);

  // Installed as kubectl_complete-workload_update, kubectl runs us for `kubectl workload-update <TAB>`.
  const std::string base = basename_of(argv0);
  const bool completion_helper = base.rfind("kubectl_complete-", 0) == 0 || base.rfind("oc_complete-", 0) == 0;
  auto cli = build_cli(completion_helper ? "kubectl workload-update" : display_name_for(argv0));

  if (completion_helper || (!args.empty() && args.front() == "__complete")) {
    if (!completion_helper) args.erase(args.begin());
    if (args.empty()) args.push_back("");
    std::cout << format_completion(complete_args(cli->app, args));
    return 0;
  }

  args = normalize_argv(args);
  std::reverse(args.begin(), args.end());  // CLI11 takes the vector in reverse order
  try {
    cli->app.parse(args);
  } catch (const CLI::CallForHelp&) {
    std::cout << help_for(*cli, deepest_parsed(cli->app));
    return 0;
  } catch (const CLI::CallForAllHelp&) {
    std::cout << cli->app.help("", CLI::AppFormatMode::All);
    return 0;
  } catch (const CLI::CallForVersion& v) {
    std::cout << v.what() << "\n";
    return 0;
  } catch (const CLI::ParseError& e) {
    return usage_error(*cli, e.what());
  }
  if (!cli->action) return usage_error(*cli, "no command given");
  try {
    return cli->action();
  } catch (const CLI::ParseError& e) {
    return usage_error(*cli, e.what());
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  }
}

}  // namespace wu::cmd

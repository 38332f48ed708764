// `version`: the plugin's version and the commit it was built from.
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli_app.hpp"
#include "completion_registry.hpp"
#include "wu/version.hpp"
#include "yaml/json_to_yaml.hpp"

namespace wu::cmd {

void register_version_command(Cli& cli) {
  CLI::App* sub = cli.app.add_subcommand("version", "Print the version of this plugin");
  register_output_formats(sub, {"text", "json", "yaml"});
  sub->callback([&cli, sub] {
    cli.action = [&cli, sub] {
      const std::string format = resolve_output_format(*sub, cli.global.output);
      const nlohmann::json info{{"version", kVersion}, {"gitCommit", kGitCommit}, {"platform", "linux/amd64"}};
      if (format == "json") std::cout << info.dump(2) << "\n";
      else if (format == "yaml") std::cout << yaml::json_to_yaml(info);
      else std::cout << "kubectl-workload_update " << kVersion << " (commit " << kGitCommit << ")\n";
      return 0;
    };
  });
}

}  // namespace wu::cmd

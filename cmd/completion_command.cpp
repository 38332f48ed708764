// `completion bash|zsh|fish` prints a completion script. (The kubectl plugin protocol, `__complete`,
// is answered in main.cpp before parsing, so no flag in the typed words can disturb it.)
#include <iostream>

#include "cli_app.hpp"
#include "completion_registry.hpp"
#include "completion_scripts.hpp"

namespace wu::cmd {

void register_completion_command(Cli& cli) {
  auto shell = std::make_shared<std::string>();
  CLI::App* sub = cli.app.add_subcommand(
      "completion",
      "Print a shell completion script for bash, zsh or fish (e.g. `source <(kubectl-workload_update completion "
      "bash)`)");
  auto* positional = sub->add_option("shell", *shell, "The shell: bash, zsh or fish")->required();
  restrict_to_words(positional, {"bash", "zsh", "fish"});
  sub->callback([&cli, shell] {
    cli.action = [&cli, shell] {
      if (*shell == "bash") std::cout << bash_completion_script(cli.app);
      else if (*shell == "zsh") std::cout << zsh_completion_script(cli.app);
      else std::cout << fish_completion_script(cli.app);
      return 0;
    };
  });

}

}  // namespace wu::cmd

#pragma once
// Static bash, zsh and fish completion scripts generated from the command tree, so they always
// cover every subcommand, flag and fixed flag value. The copies in completions/ are these outputs;
// a test regenerates them and fails when they are stale.
#include <string>

#include <CLI/CLI.hpp>

namespace wu::cmd {

std::string bash_completion_script(const CLI::App& root);
std::string zsh_completion_script(const CLI::App& root);
std::string fish_completion_script(const CLI::App& root);

}  // namespace wu::cmd

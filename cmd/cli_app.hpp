#pragma once
// The whole command tree: global options plus one registered subcommand per file
// (validate_command.cpp, version_command.cpp, completion_command.cpp, ...).
#include <functional>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "global_options.hpp"

namespace wu::cmd {

struct Cli {
  CLI::App app;
  GlobalOptions global;
  // Set by the subcommand that was parsed; returns the exit status.
  std::function<int()> action;
};

std::unique_ptr<Cli> build_cli(const std::string& display_name);

// Checks -o against the subcommand's formats and returns the format to use ("" -> its default).
// Throws CLI::ValidationError with a message listing the allowed formats.
std::string resolve_output_format(const CLI::App& subcommand, const std::string& requested);

// Registration hooks, one per subcommand file.
void register_validate_command(Cli& cli);
void register_plan_command(Cli& cli);
void register_status_command(Cli& cli);
void register_run_command(Cli& cli);
void register_abort_command(Cli& cli);
void register_version_command(Cli& cli);
void register_completion_command(Cli& cli);

}  // namespace wu::cmd

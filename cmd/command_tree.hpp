#pragma once
// A read-only view of the CLI11 command tree for completion: visible subcommands, the options a
// subcommand accepts (its own, its option groups', and its parents'), and short descriptions.
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace wu::cmd {

std::vector<const CLI::App*> visible_subcommands(const CLI::App& app);
std::vector<const CLI::Option*> accepted_options(const CLI::App& app);  // named options only
std::vector<const CLI::Option*> positionals(const CLI::App& app);
std::vector<std::string> option_names(const CLI::Option& opt);  // "-f", "--filename"
bool takes_value(const CLI::Option& opt);
// The first clause of a description, for one-line completion menus.
std::string short_description(const std::string& description);

}  // namespace wu::cmd

#pragma once
// Flags every subcommand shares: -o/--output and -v/--v, plus how the program was invoked
// (as `kubectl workload-update`, `oc workload-update`, or directly).
#include <string>

namespace CLI {
class App;
}

namespace wu::cmd {

struct GlobalOptions {
  std::string output;   // "" = the subcommand's default format
  int verbosity = 0;    // kubectl's -v levels
  std::string display_name = "kubectl workload-update";  // for usage and messages
};

void add_global_options(CLI::App& app, GlobalOptions& options);

// "kubectl workload-update" when run as kubectl-workload_update, "oc workload-update" as
// oc-workload_update, else the plain program name.
std::string display_name_for(const std::string& argv0);

}  // namespace wu::cmd

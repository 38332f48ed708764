#pragma once
// The whole command line: kubectl-style argument normalising, the plugin completion protocol, parsing,
// running the chosen subcommand, and mapping failures to exit status 2. main() only calls this, so the
// executable's own file does not compile CLI11 again (the library's files already do).

namespace wu::cmd {

int run_command_line(int argc, char** argv);

}  // namespace wu::cmd

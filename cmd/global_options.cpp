#include "global_options.hpp"

#include <CLI/CLI.hpp>

namespace wu::cmd {

void add_global_options(CLI::App& app, GlobalOptions& options) {
  app.add_option("-o,--output", options.output,
                 "Output format; each command lists the formats it supports (e.g. json, yaml)")
      ->type_name("FORMAT");
  app.add_option("-v,--v", options.verbosity,
                 "Log verbosity like kubectl's: 6 shows API requests, 8 adds bodies (credentials are always "
                 "redacted)")
      ->type_name("N")
      ->check(CLI::Range(0, 10));
}

std::string display_name_for(const std::string& argv0) {
  const auto slash = argv0.rfind('/');
  const std::string base = slash == std::string::npos ? argv0 : argv0.substr(slash + 1);
  auto plugin_name = [&](const std::string& prefix, const std::string& tool) -> std::string {
    if (base.rfind(prefix, 0) != 0) return {};
    std::string rest = base.substr(prefix.size());
    for (auto& c : rest)
      if (c == '_') c = '-';
    return tool + " " + rest;
  };
  if (auto k = plugin_name("kubectl-", "kubectl"); !k.empty()) return k;
  if (auto o = plugin_name("oc-", "oc"); !o.empty()) return o;
  return base.empty() ? "kubectl-workload_update" : base;
}

}  // namespace wu::cmd

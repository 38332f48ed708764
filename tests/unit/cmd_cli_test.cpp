#include <doctest/doctest.h>

#include <algorithm>

#include "argv_normalize.hpp"
#include "cli_app.hpp"
#include "completion_engine.hpp"
#include "global_options.hpp"

using namespace wu::cmd;

TEST_CASE("kubectl-style -X=value arguments are split for CLI11") {
  CHECK(normalize_argv({"-v=6", "-o=json", "-v6", "--v=6", "-n", "x"}) ==
        std::vector<std::string>{"-v", "6", "-o", "json", "-v6", "--v=6", "-n", "x"});
  CHECK(normalize_argv({"--", "-v=6"}) == std::vector<std::string>{"--", "-v=6"});
  CHECK(normalize_argv({"--methods="}) == std::vector<std::string>{"--methods", ""});
}

TEST_CASE("every spelling of -v parses to the same level") {
  for (std::vector<std::string> args :
       {std::vector<std::string>{"version", "-v=6"}, {"version", "-v6"}, {"version", "-v", "6"}, {"version", "--v=6"}}) {
    auto cli = build_cli("kubectl workload-update");
    auto normalized = normalize_argv(args);
    std::reverse(normalized.begin(), normalized.end());
    CHECK_NOTHROW(cli->app.parse(normalized));
    CHECK(cli->global.verbosity == 6);
  }
}

TEST_CASE("the display name follows how kubectl or oc ran the plugin") {
  CHECK(display_name_for("/usr/bin/kubectl-workload_update") == "kubectl workload-update");
  CHECK(display_name_for("oc-workload_update") == "oc workload-update");
}

TEST_CASE("completion protocol: subcommands, flags and flag values") {
  auto cli = build_cli("kubectl workload-update");
  auto names = [](const CompletionResult& r) {
    std::vector<std::string> out;
    for (const auto& c : r.candidates) out.push_back(c.first);
    return out;
  };
  auto top = complete_args(cli->app, {""});
  CHECK(top.directive == kDirectiveNoFileComp);
  auto top_names = names(top);
  CHECK(std::find(top_names.begin(), top_names.end(), "validate") != top_names.end());
  CHECK(std::find(top_names.begin(), top_names.end(), "__complete") == top_names.end());
  CHECK(names(complete_args(cli->app, {"va"})) == std::vector<std::string>{"validate"});
  auto flags = names(complete_args(cli->app, {"validate", "--f"}));
  CHECK(std::find(flags.begin(), flags.end(), "--field-validation") != flags.end());
  CHECK(std::find(flags.begin(), flags.end(), "--filename") != flags.end());
  CHECK(names(complete_args(cli->app, {"validate", "--field-validation", "W"})) == std::vector<std::string>{"Warn"});
  CHECK(names(complete_args(cli->app, {"validate", "-o", ""})) ==
        std::vector<std::string>{"text", "json", "yaml", "junit"});
  CHECK(names(complete_args(cli->app, {"validate", "--output=j"})) ==
        std::vector<std::string>{"--output=json", "--output=junit"});
  auto files = complete_args(cli->app, {"validate", "-f", ""});
  CHECK(files.directive == kDirectiveFilterFileExt);
  CHECK(names(files) == std::vector<std::string>{"yaml", "yml", "json"});
  CHECK(names(complete_args(cli->app, {"completion", ""})) == std::vector<std::string>{"bash", "zsh", "fish"});
  CHECK(format_completion(complete_args(cli->app, {"completion", "z"})) == "zsh\n:4\n");
}

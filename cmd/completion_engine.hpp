#pragma once
// The kubectl plugin completion protocol (cobra's __complete): given the arguments typed so far
// and the word being completed (last), print one `candidate<TAB>description` per line and a final
// `:<directive>` line. kubectl runs `kubectl_complete-workload_update` with exactly these arguments.
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

namespace wu::cmd {

// Cobra ShellCompDirective bits.
enum CompletionDirective : int {
  kDirectiveDefault = 0,
  kDirectiveError = 1,
  kDirectiveNoSpace = 2,
  kDirectiveNoFileComp = 4,
  kDirectiveFilterFileExt = 8,
  kDirectiveFilterDirs = 16,
};

struct CompletionResult {
  std::vector<std::pair<std::string, std::string>> candidates;  // value, description
  int directive = kDirectiveNoFileComp;
};

CompletionResult complete_args(const CLI::App& root, const std::vector<std::string>& args);

std::string format_completion(const CompletionResult& result);

}  // namespace wu::cmd

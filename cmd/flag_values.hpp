#pragma once
// Parsing flag values shared by subcommands: comma lists, Go durations, update methods. Each throws
// CLI::ValidationError naming the flag, so the user sees which one to fix (exit 2).
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace wu::cmd {

std::vector<std::string> split_commas(const std::string& s);
// Nanoseconds.
std::int64_t duration_flag(const std::string& flag, const std::string& value);
// The same, in whole milliseconds (what the library's options take).
std::chrono::milliseconds duration_flag_ms(const std::string& flag, const std::string& value);
// "LiveMigrate,Evict" ('' for none); each must be LiveMigrate or Evict.
std::vector<std::string> methods_flag(const std::string& flag, const std::string& value);
// "KEY=VALUE,KEY2=VALUE2" (label syntax: a key with an optional DNS prefix, a value of at most 63
// characters of [A-Za-z0-9._-]); throws CLI::ValidationError naming the flag and the bad pair.
std::vector<std::pair<std::string, std::string>> node_selector_flag(const std::string& flag, const std::string& value);

}  // namespace wu::cmd

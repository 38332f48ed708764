#include "flag_values.hpp"

#include <sstream>
#include <variant>

#include <CLI/CLI.hpp>

#include "cluster/label_selector.hpp"
#include "util/go_duration.hpp"

namespace wu::cmd {

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ','))
    if (!item.empty()) out.push_back(item);
  return out;
}

std::int64_t duration_flag(const std::string& flag, const std::string& value) {
  auto parsed = util::parse_go_duration(value);
  if (auto* err = std::get_if<util::DurationError>(&parsed))
    throw CLI::ValidationError(flag, err->message + " (use Go units such as 90s, 2m or 1h)");
  return std::get<std::int64_t>(parsed);
}

std::chrono::milliseconds duration_flag_ms(const std::string& flag, const std::string& value) {
  return std::chrono::milliseconds(duration_flag(flag, value) / 1000000);
}

std::vector<std::string> methods_flag(const std::string& flag, const std::string& value) {
  std::vector<std::string> methods = split_commas(value);
  for (const auto& m : methods)
    if (m != "LiveMigrate" && m != "Evict")
      throw CLI::ValidationError(flag, "unknown method \"" + m + "\"; use LiveMigrate and/or Evict");
  return methods;
}

std::vector<std::pair<std::string, std::string>> node_selector_flag(const std::string& flag, const std::string& value) {
  std::optional<std::vector<std::pair<std::string, std::string>>> pairs;
  try {
    pairs = cluster::LabelSelector::parse(value).equalities();
  } catch (const cluster::SelectorError& e) {
    throw CLI::ValidationError(flag, e.what());
  }
  if (!pairs || pairs->empty())
    throw CLI::ValidationError(flag, "\"" + value + "\": give node labels as KEY=VALUE[,KEY=VALUE...] (a node selector has "
                                     "no !=, in, notin or bare keys)");
  return *pairs;
}

}  // namespace wu::cmd

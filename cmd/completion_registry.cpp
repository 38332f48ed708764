#include "completion_registry.hpp"

#include <CLI/CLI.hpp>

namespace wu::cmd {

namespace {
std::map<const CLI::Option*, ValueCompletion>& registry() {
  static std::map<const CLI::Option*, ValueCompletion> r;
  return r;
}
}  // namespace

void register_value_completion(const CLI::Option* option, ValueCompletion completion) {
  registry()[option] = std::move(completion);
}

const ValueCompletion* value_completion_for(const CLI::Option* option) {
  auto it = registry().find(option);
  return it == registry().end() ? nullptr : &it->second;
}

void restrict_to_words(CLI::Option* option, const std::vector<std::string>& words) {
  option->check(CLI::IsMember(words));
  ValueCompletion c;
  c.kind = ValueCompletion::Kind::Words;
  c.words = words;
  register_value_completion(option, std::move(c));
}

void complete_as_files(CLI::Option* option, std::vector<std::string> extensions) {
  ValueCompletion c;
  c.kind = ValueCompletion::Kind::Files;
  c.extensions = std::move(extensions);
  register_value_completion(option, std::move(c));
}

}  // namespace wu::cmd

namespace wu::cmd {

namespace {
std::map<const CLI::App*, std::vector<std::string>>& formats_registry() {
  static std::map<const CLI::App*, std::vector<std::string>> r;
  return r;
}
}  // namespace

void register_output_formats(const CLI::App* subcommand, std::vector<std::string> formats) {
  formats_registry()[subcommand] = std::move(formats);
}

const std::vector<std::string>* output_formats_for(const CLI::App* subcommand) {
  auto it = formats_registry().find(subcommand);
  return it == formats_registry().end() ? nullptr : &it->second;
}

}  // namespace wu::cmd

#pragma once
// What an option's or a positional argument's value can be, for shell completion: a fixed list of
// words, file names (optionally by extension), or nothing useful to offer.
#include <map>
#include <string>
#include <vector>

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace wu::cmd {

struct ValueCompletion {
  enum class Kind { Words, Files, Directories, None } kind = Kind::None;
  std::vector<std::string> words;       // Kind::Words
  std::vector<std::string> extensions;  // Kind::Files: e.g. {"yaml","yml","json"}; empty = any file
};

// Registers how to complete the value of `option` (keyed by the option object).
void register_value_completion(const CLI::Option* option, ValueCompletion completion);
const ValueCompletion* value_completion_for(const CLI::Option* option);

// Adds a CLI11 validator restricting `option` to `words`, and registers them for completion.
void restrict_to_words(CLI::Option* option, const std::vector<std::string>& words);
void complete_as_files(CLI::Option* option, std::vector<std::string> extensions = {});

}  // namespace wu::cmd

namespace wu::cmd {

// The -o formats a subcommand supports (the first is its default), for completion and validation.
void register_output_formats(const CLI::App* subcommand, std::vector<std::string> formats);
const std::vector<std::string>* output_formats_for(const CLI::App* subcommand);

}  // namespace wu::cmd

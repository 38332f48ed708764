#pragma once
// Reading the files a user names: FILE, "-" for stdin, or a directory (recursively, *.yaml, *.yml,
// *.json, in sorted order). Sizes are capped so that a huge file gets a clear error, not an OOM.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace wu::yaml {

struct InputFile {
  std::string name;   // as shown in messages: the path given, or "<stdin>"
  std::string bytes;
};

class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct InputLimits {
  std::uint64_t max_bytes = 64ULL << 20;  // per file
};

// Expands directories into the files they hold (recursively), keeping the user's order otherwise.
// Throws InputError naming the path when it does not exist or cannot be listed.
std::vector<std::string> expand_paths(const std::vector<std::string>& paths);

// Reads one path ("-" = stdin). Throws InputError naming the path and the reason.
InputFile read_input(const std::string& path, const InputLimits& limits);

}  // namespace wu::yaml

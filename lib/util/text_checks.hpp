#pragma once
// Checks that input bytes are text we can parse: no NUL bytes, valid UTF-8.
// YAML and JSON parsers misbehave on both (yaml-cpp stops at a NUL), so we refuse them up front
// and say exactly where the bad byte is.
#include <optional>
#include <string>
#include <string_view>

namespace wu::util {

struct TextProblem {
  std::size_t offset = 0;  // byte offset of the offending byte
  int line = 1;            // 1-based
  int column = 1;          // 1-based, counted in characters
  std::string what;        // e.g. "a NUL byte", "invalid UTF-8 (byte 0xff)"
};

// The first NUL byte or invalid UTF-8 sequence, if any.
std::optional<TextProblem> find_non_text(std::string_view bytes);

// True when `bytes` starts with a UTF-16 or UTF-32 byte-order mark.
bool has_utf16_or_32_bom(std::string_view bytes);

}  // namespace wu::util

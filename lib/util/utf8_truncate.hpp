#pragma once
// Shortening a value for a message without cutting a UTF-8 character in half (a split character
// makes the message invalid UTF-8, and `-o json` could not print it).
#include <cstddef>
#include <string>
#include <string_view>

namespace wu::util {

// The longest prefix of `text` of at most `max_bytes` bytes that ends on a character boundary.
std::string_view utf8_prefix(std::string_view text, std::size_t max_bytes);

// utf8_prefix, plus "..." when something was cut.
std::string utf8_truncate(std::string_view text, std::size_t max_bytes);

}  // namespace wu::util

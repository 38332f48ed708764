#pragma once
// Small string helpers that several modules need: one home each.
#include <string>
#include <string_view>
#include <vector>

namespace wu::util {

// "a, b, c" (or with another separator); "" for no parts.
std::string join(const std::vector<std::string>& parts, std::string_view separator = ", ");

// ASCII case-insensitive equality, as HTTP header names compare.
bool iequals(std::string_view a, std::string_view b);

}  // namespace wu::util

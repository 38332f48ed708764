#pragma once
// "Did you mean" suggestions for misspelt identifiers (method names, field names).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wu::util {

// Levenshtein distance, case-sensitive.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The closest candidate, if it is close enough to be a plausible typo:
// a case-insensitive match, or an edit distance of at most max(2, len/3).
std::optional<std::string> did_you_mean(std::string_view typed, const std::vector<std::string>& candidates);

}  // namespace wu::util

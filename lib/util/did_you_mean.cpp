#include "util/did_you_mean.hpp"

#include <algorithm>
#include <cctype>

namespace wu::util {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t subst = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, subst});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

static std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::optional<std::string> did_you_mean(std::string_view typed, const std::vector<std::string>& candidates) {
  const std::string typed_lower = lower(typed);
  std::optional<std::string> best;
  std::size_t best_distance = static_cast<std::size_t>(-1);
  for (const auto& candidate : candidates) {
    if (lower(candidate) == typed_lower) return candidate;
    // Compare case-insensitively: "liveMigrate" and "LIVEMIGRATE" are the same mistake.
    std::size_t d = edit_distance(typed_lower, lower(candidate));
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  if (!best) return std::nullopt;
  const std::size_t limit = std::max<std::size_t>(2, best->size() / 3);
  if (best_distance <= limit) return best;
  return std::nullopt;
}

}  // namespace wu::util

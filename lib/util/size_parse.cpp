#include "util/size_parse.hpp"

#include <cstdio>
#include <limits>

namespace wu::util {

std::optional<std::uint64_t> parse_byte_size(std::string_view t) {
  std::uint64_t value = 0;
  std::size_t i = 0;
  if (t.empty()) return std::nullopt;
  for (; i < t.size() && t[i] >= '0' && t[i] <= '9'; ++i) {
    const std::uint64_t digit = static_cast<std::uint64_t>(t[i] - '0');
    if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  if (i == 0) return std::nullopt;
  const std::string_view suffix = t.substr(i);
  std::uint64_t mult = 1;
  if (suffix.empty() || suffix == "B") mult = 1;
  else if (suffix == "K" || suffix == "KB" || suffix == "k") mult = 1000ULL;
  else if (suffix == "M" || suffix == "MB") mult = 1000ULL * 1000;
  else if (suffix == "G" || suffix == "GB") mult = 1000ULL * 1000 * 1000;
  else if (suffix == "Ki" || suffix == "KiB") mult = 1ULL << 10;
  else if (suffix == "Mi" || suffix == "MiB") mult = 1ULL << 20;
  else if (suffix == "Gi" || suffix == "GiB") mult = 1ULL << 30;
  else return std::nullopt;
  if (value > std::numeric_limits<std::uint64_t>::max() / mult) return std::nullopt;
  return value * mult;
}

std::string format_byte_size(std::uint64_t bytes) {
  char buf[64];
  if (bytes < 1024) std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(bytes));
  else if (bytes < (1ULL << 20)) std::snprintf(buf, sizeof buf, "%.1f KiB", bytes / 1024.0);
  else if (bytes < (1ULL << 30)) std::snprintf(buf, sizeof buf, "%.1f MiB", bytes / 1048576.0);
  else std::snprintf(buf, sizeof buf, "%.1f GiB", bytes / 1073741824.0);
  return buf;
}

}  // namespace wu::util

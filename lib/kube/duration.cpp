#include "kube/duration.hpp"

#include <cmath>
#include <cstdint>

#include "kube/errors.hpp"

namespace wu::kube {

std::optional<std::chrono::nanoseconds> parse_go_duration(std::string_view s) {
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return std::chrono::nanoseconds(0);
  if (s.empty()) return std::nullopt;
  long double total = 0;
  while (!s.empty()) {
    std::size_t i = 0;
    long double value = 0;
    bool digits = false;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      value = value * 10 + (s[i] - '0');
      ++i;
      digits = true;
    }
    if (i < s.size() && s[i] == '.') {
      ++i;
      long double scale = 0.1L;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        value += (s[i] - '0') * scale;
        scale /= 10;
        ++i;
        digits = true;
      }
    }
    if (!digits) return std::nullopt;
    std::size_t u = i;
    while (u < s.size() && !(s[u] >= '0' && s[u] <= '9') && s[u] != '.') ++u;
    std::string_view unit = s.substr(i, u - i);
    long double mult;
    if (unit == "ns") mult = 1;
    else if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") mult = 1e3L;
    else if (unit == "ms") mult = 1e6L;
    else if (unit == "s") mult = 1e9L;
    else if (unit == "m") mult = 60e9L;
    else if (unit == "h") mult = 3600e9L;
    else return std::nullopt;  // missing or unknown unit
    total += value * mult;
    if (total > static_cast<long double>(INT64_MAX)) return std::nullopt;
    s.remove_prefix(u);
  }
  auto ns = static_cast<std::int64_t>(std::llround(total));
  return std::chrono::nanoseconds(neg ? -ns : ns);
}

std::string format_go_duration(std::chrono::nanoseconds d) {
  std::int64_t n = d.count();
  if (n == 0) return "0s";
  std::string sign = n < 0 ? "-" : "";
  std::uint64_t u = n < 0 ? std::uint64_t(-(n + 1)) + 1 : std::uint64_t(n);
  auto frac = [](std::uint64_t v, std::uint64_t unit) {
    std::string whole = std::to_string(v / unit);
    std::uint64_t rest = v % unit;
    if (rest == 0) return whole;
    std::string digits = std::to_string(rest);
    std::string pad(std::to_string(unit).size() - 1 - digits.size(), '0');
    digits = pad + digits;
    while (!digits.empty() && digits.back() == '0') digits.pop_back();
    return whole + "." + digits;
  };
  if (u < 1000) return sign + std::to_string(u) + "ns";
  if (u < 1000000) return sign + frac(u, 1000) + "\xC2\xB5s";
  if (u < 1000000000) return sign + frac(u, 1000000) + "ms";
  std::uint64_t secs_ns = u % 60000000000ULL;
  std::uint64_t mins_total = u / 60000000000ULL;
  std::string out = frac(secs_ns, 1000000000ULL) + "s";
  if (mins_total > 0) {
    std::uint64_t hours = mins_total / 60, mins = mins_total % 60;
    out = std::to_string(mins) + "m" + out;
    if (hours > 0) out = std::to_string(hours) + "h" + out;
  }
  return sign + out;
}

std::chrono::milliseconds parse_request_timeout(std::string_view text) {
  bool all_digits = !text.empty();
  for (char c : text) all_digits = all_digits && c >= '0' && c <= '9';
  if (all_digits && text.size() <= 12) {
    return std::chrono::seconds(std::stoll(std::string(text)));
  }
  if (auto d = parse_go_duration(text)) {
    if (d->count() <= 0) return std::chrono::milliseconds(0);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(*d);
    return ms.count() == 0 ? std::chrono::milliseconds(1) : ms;
  }
  throw ConfigError(
      "Invalid timeout value. Timeout must be a single integer in seconds, or an integer followed by a "
      "corresponding time unit (e.g. 1s | 2m | 3h)");
}

}  // namespace wu::kube

#include "util/rfc3339.hpp"

#include <cctype>
#include <cstdio>
#include <ctime>
#include <string>

namespace wu::util {

std::optional<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view s) {
  std::tm tm{};
  int y, mo, d, h, mi, sec;
  char sep;
  std::string str(s);
  int n = 0;
  if (std::sscanf(str.c_str(), "%4d-%2d-%2d%c%2d:%2d:%2d%n", &y, &mo, &d, &sep, &h, &mi, &sec, &n) != 7 ||
      (sep != 'T' && sep != 't'))
    return std::nullopt;
  std::size_t i = static_cast<std::size_t>(n);
  long long nanos = 0;
  if (i < str.size() && str[i] == '.') {
    ++i;
    long long scale = 100000000;
    while (i < str.size() && std::isdigit((unsigned char)str[i])) {
      nanos += (str[i] - '0') * scale;
      scale /= 10;
      ++i;
    }
  }
  long offset = 0;
  if (i < str.size() && (str[i] == 'Z' || str[i] == 'z')) {
    ++i;
  } else if (i < str.size() && (str[i] == '+' || str[i] == '-')) {
    int oh, om;
    if (std::sscanf(str.c_str() + i + 1, "%2d:%2d", &oh, &om) != 2) return std::nullopt;
    offset = (oh * 3600L + om * 60L) * (str[i] == '-' ? -1 : 1);
    i += 6;
  } else {
    return std::nullopt;
  }
  if (i != str.size()) return std::nullopt;
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  std::time_t t = timegm(&tm) - offset;
  return std::chrono::system_clock::from_time_t(t) +
         std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::nanoseconds(nanos));
}

std::string format_rfc3339(std::time_t at) {
  std::tm tm{};
  gmtime_r(&at, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace wu::util

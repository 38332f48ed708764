#include "util/go_duration.hpp"

#include <array>
#include <cstdio>
#include <optional>
#include <utility>

namespace wu::util {

namespace {

constexpr std::uint64_t kNanosecond = 1;
constexpr std::uint64_t kMicrosecond = 1000 * kNanosecond;
constexpr std::uint64_t kMillisecond = 1000 * kMicrosecond;
constexpr std::uint64_t kSecond = 1000 * kMillisecond;
constexpr std::uint64_t kMinute = 60 * kSecond;
constexpr std::uint64_t kHour = 60 * kMinute;
constexpr std::uint64_t kTwoTo63 = 1ULL << 63;

std::optional<std::uint64_t> unit_value(std::string_view u) {
  static const std::array<std::pair<std::string_view, std::uint64_t>, 8> units{{
      {"ns", kNanosecond},
      {"us", kMicrosecond},
      {"\xC2\xB5s", kMicrosecond},  // U+00B5 micro sign
      {"\xCE\xBCs", kMicrosecond},  // U+03BC Greek small letter mu
      {"ms", kMillisecond},
      {"s", kSecond},
      {"m", kMinute},
      {"h", kHour},
  }};
  for (const auto& [name, value] : units)
    if (name == u) return value;
  return std::nullopt;
}

// Go's time.quote: ASCII printable as is (with " and \ escaped), anything else as \xNN bytes.
std::string go_quote(std::string_view s) {
  static const char* hex = "0123456789abcdef";
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c >= 0x80 || c < ' ') {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 0xF];
    } else {
      if (c == '"' || c == '\\') out += '\\';
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

DurationError invalid(std::string_view orig) { return {"time: invalid duration " + go_quote(orig)}; }

// Go's leadingInt: digits into a uint64; false on overflow.
bool leading_int(std::string_view& s, std::uint64_t& x) {
  std::size_t i = 0;
  x = 0;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c < '0' || c > '9') break;
    if (x > kTwoTo63 / 10) return false;
    x = x * 10 + static_cast<std::uint64_t>(c - '0');
    if (x > kTwoTo63) return false;
  }
  s.remove_prefix(i);
  return true;
}

// Go's leadingFraction: digits after the dot; extra precision beyond uint64 is ignored.
void leading_fraction(std::string_view& s, std::uint64_t& x, double& scale) {
  std::size_t i = 0;
  x = 0;
  scale = 1;
  bool overflow = false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c < '0' || c > '9') break;
    if (overflow) continue;
    if (x > (kTwoTo63 - 1) / 10) {
      overflow = true;
      continue;
    }
    std::uint64_t y = x * 10 + static_cast<std::uint64_t>(c - '0');
    if (y > kTwoTo63) {
      overflow = true;
      continue;
    }
    x = y;
    scale *= 10;
  }
  s.remove_prefix(i);
}

}  // namespace

std::variant<std::int64_t, DurationError> parse_go_duration(std::string_view orig) {
  std::string_view s = orig;
  std::uint64_t d = 0;
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return std::int64_t{0};
  if (s.empty()) return invalid(orig);
  while (!s.empty()) {
    std::uint64_t v = 0, f = 0;
    double scale = 1;
    if (!(s[0] == '.' || (s[0] >= '0' && s[0] <= '9'))) return invalid(orig);
    std::size_t before = s.size();
    if (!leading_int(s, v)) return invalid(orig);
    const bool pre = before != s.size();
    bool post = false;
    if (!s.empty() && s[0] == '.') {
      s.remove_prefix(1);
      std::size_t before_fraction = s.size();
      leading_fraction(s, f, scale);
      post = before_fraction != s.size();
    }
    if (!pre && !post) return invalid(orig);  // no digits, e.g. ".s"
    std::size_t i = 0;
    for (; i < s.size(); ++i) {
      char c = s[i];
      if (c == '.' || (c >= '0' && c <= '9')) break;
    }
    if (i == 0) return DurationError{"time: missing unit in duration " + go_quote(orig)};
    std::string_view u = s.substr(0, i);
    s.remove_prefix(i);
    auto unit = unit_value(u);
    if (!unit) return DurationError{"time: unknown unit " + go_quote(u) + " in duration " + go_quote(orig)};
    if (v > kTwoTo63 / *unit) return invalid(orig);
    v *= *unit;
    if (f > 0) {
      v += static_cast<std::uint64_t>(static_cast<double>(f) * (static_cast<double>(*unit) / scale));
      if (v > kTwoTo63) return invalid(orig);
    }
    d += v;
    if (d > kTwoTo63) return invalid(orig);
  }
  if (neg) return static_cast<std::int64_t>(0 - d);  // two's complement, as Go's -int64(d)
  if (d > kTwoTo63 - 1) return invalid(orig);
  return static_cast<std::int64_t>(d);
}

namespace {

// Go's fmtFrac: the fraction of v/10^prec without trailing zeros (and without the dot when zero).
std::string fmt_frac(std::uint64_t& v, int prec) {
  std::string digits;
  bool print = false;
  for (int i = 0; i < prec; ++i) {
    const int digit = static_cast<int>(v % 10);
    print = print || digit != 0;
    if (print) digits.insert(digits.begin(), static_cast<char>('0' + digit));
    v /= 10;
  }
  if (print) digits.insert(digits.begin(), '.');
  return digits;
}

}  // namespace

std::string format_go_duration(std::int64_t d) {
  std::uint64_t u = static_cast<std::uint64_t>(d);
  const bool neg = d < 0;
  if (neg) u = 0 - u;
  std::string out;
  if (u < kSecond) {
    if (u == 0) return "0s";
    int prec;
    std::string unit;
    if (u < kMicrosecond) prec = 0, unit = "ns";
    else if (u < kMillisecond) prec = 3, unit = "\xC2\xB5s";
    else prec = 6, unit = "ms";
    std::string frac = fmt_frac(u, prec);
    out = std::to_string(u) + frac + unit;
  } else {
    std::string frac = fmt_frac(u, 9);
    out = std::to_string(u % 60) + frac + "s";
    u /= 60;
    if (u > 0) {
      out = std::to_string(u % 60) + "m" + out;
      u /= 60;
      if (u > 0) out = std::to_string(u) + "h" + out;
    }
  }
  return neg ? "-" + out : out;
}

}  // namespace wu::util

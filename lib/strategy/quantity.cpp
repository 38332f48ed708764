#include "strategy/quantity.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string>

namespace wu::strategy {

const char* const kQuantityPattern =
    R"(^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$)";

namespace {

const char* const kErrFormatWrong =
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const char* const kErrSuffix = "unable to parse quantity's suffix";

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool known_suffix(std::string_view suffix) {
  static const char* const known[] = {"Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "n", "u", "m", "", "k", "M", "G", "T", "P", "E"};
  for (const char* k : known)
    if (suffix == k) return true;
  if (suffix.size() > 1 && (suffix[0] == 'e' || suffix[0] == 'E')) {
    // strconv.ParseInt(suffix[1:], 10, 64)
    std::string exponent(suffix.substr(1));
    std::size_t i = (exponent[0] == '+' || exponent[0] == '-') ? 1 : 0;
    if (i == exponent.size()) return false;
    for (std::size_t k = i; k < exponent.size(); ++k)
      if (!is_digit(exponent[k])) return false;
    errno = 0;
    (void)std::strtoll(exponent.c_str(), nullptr, 10);
    return errno != ERANGE;
  }
  return false;
}

}  // namespace

// kQuantityPattern as a scanner: std::regex recurses per character and overflows the stack on a
// long value (100,000 digits), which is input the API server answers with a plain error.
bool matches_quantity_pattern(std::string_view s) {
  std::size_t i = 0;
  auto digits = [&] {
    const std::size_t start = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    return i - start;
  };
  // (([0-9]+(\.[0-9]*)?)|(\.[0-9]+))
  auto number = [&] {
    if (i < s.size() && s[i] == '.') {
      ++i;
      return digits() > 0;
    }
    if (digits() == 0) return false;
    if (i < s.size() && s[i] == '.') {
      ++i;
      digits();
    }
    return true;
  };
  auto sign = [&] {
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  };
  sign();
  if (!number()) return false;
  if (i == s.size()) return true;
  const std::string_view rest = s.substr(i);
  if (rest.size() == 2 && rest[1] == 'i' && std::string_view("KMGTPE").find(rest[0]) != std::string_view::npos) return true;
  if (rest.size() == 1 && std::string_view("numkMGTPE").find(rest[0]) != std::string_view::npos) return true;
  if (rest[0] != 'e' && rest[0] != 'E') return false;
  ++i;
  sign();
  return number() && i == s.size();
}

// Mirrors parseQuantityString and the suffix interpretation of ParseQuantity. The numeric value
// itself is not needed here, only whether it parses and its sign.
QuantityParse parse_quantity(std::string_view str) {
  QuantityParse r;
  if (str.empty()) {
    r.error = kErrFormatWrong;
    return r;
  }
  if (str == "0") {
    r.ok = r.zero = true;
    return r;
  }
  std::size_t pos = 0, end = str.size();
  bool positive = true;
  if (str[0] == '-') positive = false, ++pos;
  else if (str[0] == '+') ++pos;
  auto finish = [&](bool numeric_nonzero) {
    r.ok = true;
    r.negative = !positive && numeric_nonzero;
    r.zero = !numeric_nonzero;
    return r;
  };
  while (pos < end && str[pos] == '0') ++pos;  // leading zeros
  std::size_t num_start = pos;
  while (pos < end && is_digit(str[pos])) ++pos;
  bool nonzero = pos > num_start;
  if (pos >= end) return finish(nonzero);
  if (str[pos] == '.') {
    ++pos;
    std::size_t denom_start = pos;
    while (pos < end && is_digit(str[pos])) ++pos;
    for (std::size_t k = denom_start; k < pos; ++k) nonzero = nonzero || str[k] != '0';
    if (pos >= end) return finish(nonzero);
  }
  const std::size_t suffix_start = pos;
  const std::string_view suffix_chars = "eEinumkKMGTP";
  while (pos < end && suffix_chars.find(str[pos]) != std::string_view::npos) ++pos;
  if (pos < end && (str[pos] == '-' || str[pos] == '+')) ++pos;
  while (pos < end && is_digit(str[pos])) ++pos;
  if (pos < end) {
    r.error = kErrFormatWrong;  // a non-digit after the suffix
    return r;
  }
  if (!known_suffix(str.substr(suffix_start))) {
    r.error = kErrSuffix;
    return r;
  }
  // Go can also answer "unable to parse numeric part of quantity", but only for digit strings the
  // scanner above never lets through, so that error cannot arise here.
  return finish(nonzero);
}

std::optional<double> quantity_value(std::string_view text) {
  if (!parse_quantity(text).ok || !matches_quantity_pattern(text)) return std::nullopt;
  std::size_t number_end = 0;
  while (number_end < text.size() && (is_digit(text[number_end]) || text[number_end] == '.' ||
                                      (number_end == 0 && (text[0] == '+' || text[0] == '-'))))
    ++number_end;
  const std::string number(text.substr(0, number_end));
  const std::string_view suffix = text.substr(number_end);
  const double value = std::strtod(number.c_str(), nullptr);
  if (value == 0) return 0.0;  // not 0 x 10^999 = NaN
  struct Scale {
    const char* suffix;
    double factor;
  };
  static const Scale scales[] = {{"Ki", 0x1p10}, {"Mi", 0x1p20}, {"Gi", 0x1p30}, {"Ti", 0x1p40}, {"Pi", 0x1p50},
                                 {"Ei", 0x1p60}, {"n", 1e-9},    {"u", 1e-6},    {"m", 1e-3},    {"", 1},
                                 {"k", 1e3},     {"M", 1e6},     {"G", 1e9},     {"T", 1e12},    {"P", 1e15},
                                 {"E", 1e18}};
  for (const auto& s : scales)
    if (suffix == s.suffix) return value * s.factor;
  // A decimal exponent: e3, E-2.
  const std::string exponent(suffix.substr(1));
  return value * std::pow(10.0, std::strtod(exponent.c_str(), nullptr));
}

}  // namespace wu::strategy

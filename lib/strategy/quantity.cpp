#include "strategy/quantity.hpp"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
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

namespace {

using Big = __int128;
constexpr Big kMaxMilli = std::numeric_limits<std::int64_t>::max();

Big milli_mul(Big a, Big b) {
  if (a == 0 || b == 0) return 0;
  if (a > kMaxMilli / b) return kMaxMilli + 1;
  return a * b;
}

Big milli_pow(int base, int exp) {
  Big r = 1;
  for (int i = 0; i < exp && r <= kMaxMilli; ++i) r *= base;
  return r;
}

}  // namespace

// The grammar of apimachinery's resource.ParseQuantity (k8s.io/apimachinery/pkg/api/resource/quantity.go,
// parseQuantityString): <signedNumber><suffix>.
std::optional<std::int64_t> quantity_milli(std::string_view s) {
  if (!parse_quantity(s).ok) return std::nullopt;
  std::size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
  Big mantissa = 0;
  int fraction_digits = 0, digits = 0;
  bool in_fraction = false;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '.' && !in_fraction) {
      in_fraction = true;
      continue;
    }
    if (!std::isdigit(static_cast<unsigned char>(c))) break;
    ++digits;
    if (mantissa <= kMaxMilli) {
      mantissa = mantissa * 10 + (c - '0');
      if (in_fraction) ++fraction_digits;
    } else if (!in_fraction) {
      mantissa = kMaxMilli + 1;  // saturated; further fraction digits do not matter
    }
  }
  if (digits == 0) return std::nullopt;
  const std::string_view suffix = s.substr(i);
  // value = mantissa / 10^fraction * base^exp, in milli-units: times 1000.
  int base = 10, exp = 0;
  if (suffix.empty()) exp = 0;
  else if (suffix == "Ki") base = 2, exp = 10;
  else if (suffix == "Mi") base = 2, exp = 20;
  else if (suffix == "Gi") base = 2, exp = 30;
  else if (suffix == "Ti") base = 2, exp = 40;
  else if (suffix == "Pi") base = 2, exp = 50;
  else if (suffix == "Ei") base = 2, exp = 60;
  else if (suffix == "n") exp = -9;
  else if (suffix == "u") exp = -6;
  else if (suffix == "m") exp = -3;
  else if (suffix == "k") exp = 3;
  else if (suffix == "M") exp = 6;
  else if (suffix == "G") exp = 9;
  else if (suffix == "T") exp = 12;
  else if (suffix == "P") exp = 15;
  else if (suffix == "E") exp = 18;
  else if (suffix[0] == 'e' || suffix[0] == 'E') {
    std::size_t j = 1;
    bool neg_exp = false;
    if (j < suffix.size() && (suffix[j] == '+' || suffix[j] == '-')) neg_exp = suffix[j++] == '-';
    if (j == suffix.size()) return std::nullopt;
    int e = 0;
    for (; j < suffix.size(); ++j) {
      if (!std::isdigit(static_cast<unsigned char>(suffix[j]))) return std::nullopt;
      e = std::min(e * 10 + (suffix[j] - '0'), 1000);
    }
    exp = neg_exp ? -e : e;
  } else {
    return std::nullopt;
  }
  Big numerator = milli_mul(mantissa, 1000);
  Big denominator = milli_pow(10, fraction_digits);
  if (base == 2) {
    numerator = milli_mul(numerator, milli_pow(2, exp));
  } else if (exp >= 0) {
    numerator = milli_mul(numerator, milli_pow(10, exp));
  } else {
    denominator = milli_mul(denominator, milli_pow(10, -exp));
  }
  if (numerator > kMaxMilli) return negative ? -static_cast<std::int64_t>(kMaxMilli) : static_cast<std::int64_t>(kMaxMilli);
  if (denominator > kMaxMilli) return 0;
  Big value = (numerator + denominator - 1) / denominator;  // round up, as MilliValue does
  if (value > kMaxMilli) value = kMaxMilli;
  return negative ? -static_cast<std::int64_t>(value) : static_cast<std::int64_t>(value);
}

}  // namespace wu::strategy

#include "util/resource_quantity.hpp"

#include <cctype>
#include <limits>

namespace wu::util {

namespace {

using Big = __int128;
constexpr Big kMax = std::numeric_limits<std::int64_t>::max();

Big saturating_mul(Big a, Big b) {
  if (a == 0 || b == 0) return 0;
  if (a > kMax / b) return kMax + 1;
  return a * b;
}

Big pow_of(int base, int exp) {
  Big r = 1;
  for (int i = 0; i < exp && r <= kMax; ++i) r *= base;
  return r;
}

}  // namespace

// The grammar of apimachinery's resource.ParseQuantity (k8s.io/apimachinery/pkg/api/resource/quantity.go,
// parseQuantityString): <signedNumber><suffix>.
std::optional<std::int64_t> quantity_milli(std::string_view s) {
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
    if (mantissa <= kMax) {
      mantissa = mantissa * 10 + (c - '0');
      if (in_fraction) ++fraction_digits;
    } else if (!in_fraction) {
      mantissa = kMax + 1;  // saturated; further fraction digits do not matter
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
  Big numerator = saturating_mul(mantissa, 1000);
  Big denominator = pow_of(10, fraction_digits);
  if (base == 2) {
    numerator = saturating_mul(numerator, pow_of(2, exp));
  } else if (exp >= 0) {
    numerator = saturating_mul(numerator, pow_of(10, exp));
  } else {
    denominator = saturating_mul(denominator, pow_of(10, -exp));
  }
  if (numerator > kMax) return negative ? -static_cast<std::int64_t>(kMax) : static_cast<std::int64_t>(kMax);
  if (denominator > kMax) return 0;
  Big value = (numerator + denominator - 1) / denominator;  // round up, as MilliValue does
  if (value > kMax) value = kMax;
  return negative ? -static_cast<std::int64_t>(value) : static_cast<std::int64_t>(value);
}

}  // namespace wu::util

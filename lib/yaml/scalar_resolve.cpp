#include "yaml/scalar_resolve.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>

namespace wu::yaml {

namespace {

constexpr std::string_view kTagPrefix = "tag:yaml.org,2002:";

bool is_one_of(std::string_view s, std::initializer_list<std::string_view> options) {
  for (auto o : options)
    if (s == o) return true;
  return false;
}

// Go's strconv.ParseUint(s, 0, 64) on an unsigned digit string with optional 0x/0o/0b/0 prefix.
bool parse_go_uint_base0(std::string_view s, std::uint64_t& out) {
  if (s.empty()) return false;
  int base = 10;
  if (s.size() > 1 && s[0] == '0') {
    char p = s[1];
    if (p == 'x' || p == 'X') base = 16, s.remove_prefix(2);
    else if (p == 'o' || p == 'O') base = 8, s.remove_prefix(2);
    else if (p == 'b' || p == 'B') base = 2, s.remove_prefix(2);
    else base = 8, s.remove_prefix(1);
  }
  if (s.empty()) return false;
  std::uint64_t v = 0;
  for (char c : s) {
    int d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
    else return false;
    if (d >= base) return false;
    if (v > (std::numeric_limits<std::uint64_t>::max() - static_cast<unsigned>(d)) / static_cast<unsigned>(base))
      return false;
    v = v * static_cast<unsigned>(base) + static_cast<unsigned>(d);
  }
  out = v;
  return true;
}

// Whether `s` matches ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$ (go-yaml's float
// pattern). A scanner, not std::regex: libstdc++'s regex recurses per character and overflows the
// stack on a long digit string.
bool looks_like_yaml_float(std::string_view s) {
  std::size_t i = 0;
  auto digits = [&] {
    const std::size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i - start;
  };
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (digits() == 0) return false;
  } else {
    if (digits() == 0) return false;
    if (i < s.size() && s[i] == '.') {
      ++i;
      digits();
    }
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (digits() == 0) return false;
  }
  return i == s.size();
}

void set_float(Node& out, double v) {
  out.kind = Kind::Float;
  out.float_value = v;
  // encoding/json prints a whole float below 1e21 without a fraction, so it decodes as an integer.
  out.integral_float = std::isfinite(v) && std::floor(v) == v && std::fabs(v) < 1e21;
  if (out.integral_float && v >= -9223372036854775808.0 && v < 9223372036854775808.0)
    out.int_value = static_cast<std::int64_t>(v);
}

bool resolve_number(std::string_view in, Node& out) {
  std::string plain;
  plain.reserve(in.size());
  for (char c : in)
    if (c != '_') plain += c;
  std::string_view digits = plain;
  bool negative = false;
  if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) {
    negative = digits[0] == '-';
    digits.remove_prefix(1);
  }
  std::uint64_t u = 0;
  if (parse_go_uint_base0(digits, u)) {
    constexpr std::uint64_t kMaxNeg = 9223372036854775808ULL;
    if (negative && u <= kMaxNeg) {
      out.kind = Kind::Int;
      out.int_value = u == kMaxNeg ? std::numeric_limits<std::int64_t>::min() : -static_cast<std::int64_t>(u);
      out.float_value = static_cast<double>(*out.int_value);
      return true;
    }
    if (!negative) {
      out.kind = Kind::Int;
      if (u <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        out.int_value = static_cast<std::int64_t>(u);
      else
        out.uint_value = u;
      out.float_value = static_cast<double>(u);
      return true;
    }
  }
  if (looks_like_yaml_float(plain)) {
    errno = 0;
    char* end = nullptr;
    double v = std::strtod(plain.c_str(), &end);
    if (errno != ERANGE) {  // Go's ParseFloat fails on overflow; the scalar then stays a string
      set_float(out, v);
      return true;
    }
  }
  return false;
}

}  // namespace

void resolve_scalar(std::string_view value, std::string_view tag, Node& out) {
  out.text = std::string(value);
  out.kind = Kind::String;
  if (tag == "!" ) return;  // quoted, or the non-specific tag: always a string
  std::string_view wanted;  // explicit core tag, if any
  if (tag.substr(0, kTagPrefix.size()) == kTagPrefix) wanted = tag.substr(kTagPrefix.size());
  if (wanted == "str" || wanted == "binary" || wanted == "timestamp") return;
  if (tag != "?" && wanted.empty()) return;  // a local tag such as !foo: go-yaml keeps the string

  if (is_one_of(value, {"", "~", "null", "Null", "NULL"})) {
    out.kind = Kind::Null;
    return;
  }
  if (is_one_of(value, {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"})) {
    out.kind = Kind::Bool;
    out.boolean = true;
    return;
  }
  if (is_one_of(value, {"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"})) {
    out.kind = Kind::Bool;
    out.boolean = false;
    return;
  }
  if (is_one_of(value, {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"})) {
    set_float(out, std::numeric_limits<double>::infinity());
    return;
  }
  if (is_one_of(value, {"-.inf", "-.Inf", "-.INF"})) {
    set_float(out, -std::numeric_limits<double>::infinity());
    return;
  }
  if (is_one_of(value, {".nan", ".NaN", ".NAN"})) {
    set_float(out, std::numeric_limits<double>::quiet_NaN());
    return;
  }
  const char first = value.empty() ? '\0' : value.front();
  if ((first >= '0' && first <= '9') || first == '+' || first == '-' || first == '.') {
    Node probe;
    if (resolve_number(value, probe)) {
      probe.text = out.text;
      probe.mark = out.mark;
      out = std::move(probe);
    }
  }
}

bool plain_scalar_would_change_type(std::string_view s) {
  Node n;
  resolve_scalar(s, "?", n);
  return n.kind != Kind::String;
}

}  // namespace wu::yaml

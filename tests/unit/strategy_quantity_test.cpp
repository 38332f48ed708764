#include <doctest/doctest.h>

#include <regex>
#include <string>

#include "strategy/quantity.hpp"

using namespace wu::strategy;

TEST_CASE("bandwidthPerMigration: the CRD pattern") {
  for (const char* good : {"0", "64Mi", "1Gi", "2048Mi", "1.5G", ".5", "1e6", "1E+3", "1e1.5", "-1Gi", "+10k", "100m"})
    CHECK_MESSAGE(matches_quantity_pattern(good), good);
  for (const char* bad : {"", "1K", "1KB", "Mi", "1 Mi", "1.2.3", "1mi", "Wrong Value", "0x10"})
    CHECK_MESSAGE(!matches_quantity_pattern(bad), bad);
}

TEST_CASE("bandwidthPerMigration: resource.ParseQuantity verdicts and texts") {
  CHECK(parse_quantity("64Mi").ok);
  CHECK(parse_quantity("0").zero);
  CHECK(parse_quantity("-1Gi").negative);
  CHECK(!parse_quantity("-0").negative);
  CHECK(parse_quantity("1e6").ok);
  auto frac_exp = parse_quantity("1e1.5");
  CHECK(!frac_exp.ok);
  CHECK(frac_exp.error ==
        "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
  CHECK(parse_quantity("2E0.5").error == frac_exp.error);
  CHECK(parse_quantity("1e99999999999999999999").error == "unable to parse quantity's suffix");
  CHECK(parse_quantity("1Mb").error == frac_exp.error);  // 'b' is not a suffix character
  CHECK(parse_quantity("1KiB").error == frac_exp.error);
  CHECK(parse_quantity("1kk").error == "unable to parse quantity's suffix");
  CHECK(parse_quantity("").error == frac_exp.error);
}

TEST_CASE("bandwidthPerMigration: the scanner answers exactly as the CRD's regular expression") {
  // Every string up to 5 characters over the alphabet that matters, against std::regex.
  const std::regex re(kQuantityPattern);
  const std::string alphabet = "01.+-eEiKkMmux";
  std::string s;
  std::size_t checked = 0;
  auto walk = [&](auto&& self, int left) -> void {
    const bool want = std::regex_match(s, re);
    if (matches_quantity_pattern(s) != want) FAIL_CHECK("scanner and regex disagree on '" << s << "'");
    ++checked;
    if (left == 0) return;
    for (char c : alphabet) {
      s.push_back(c);
      self(self, left - 1);
      s.pop_back();
    }
  };
  walk(walk, 4);
  CHECK(checked > 40000);
  for (const char* v : {"1Ei", "1E", "1e", "1e+", "1e+.5", "1.e3", ".e3", "+.5Mi", "1.5Ki", "12ki", "1Pi"})
    CHECK_MESSAGE(matches_quantity_pattern(v) == std::regex_match(std::string(v), re), v);
}

TEST_CASE("bandwidthPerMigration: 100,000 characters are checked without recursion (issue #10)") {
  // std::regex recursed once per character and overflowed the stack here.
  CHECK(matches_quantity_pattern(std::string(100000, '1')));
  CHECK(matches_quantity_pattern(std::string(100000, '1') + "Mi"));
  CHECK_FALSE(matches_quantity_pattern(std::string(100000, '1') + "x"));
  CHECK(parse_quantity(std::string(100000, '1')).ok);
}

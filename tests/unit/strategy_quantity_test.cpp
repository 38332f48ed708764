#include <doctest/doctest.h>

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

#include <doctest/doctest.h>

#include "util/go_duration.hpp"

using wu::util::DurationError;
using wu::util::format_go_duration;
using wu::util::parse_go_duration;

namespace {
std::int64_t ok(const char* s) {
  auto r = parse_go_duration(s);
  REQUIRE_MESSAGE(std::holds_alternative<std::int64_t>(r), s);
  return std::get<std::int64_t>(r);
}
std::string err(const char* s) {
  auto r = parse_go_duration(s);
  REQUIRE_MESSAGE(std::holds_alternative<DurationError>(r), s);
  return std::get<DurationError>(r).message;
}
constexpr std::int64_t kSec = 1000000000LL;
}  // namespace

TEST_CASE("Go durations: valid forms parse to the same nanoseconds as time.ParseDuration") {
  CHECK(ok("1m0s") == 60 * kSec);
  CHECK(ok("90s") == 90 * kSec);
  CHECK(ok("1h30m") == 5400 * kSec);
  CHECK(ok("0") == 0);
  CHECK(ok("+0") == 0);
  CHECK(ok("-0") == 0);
  CHECK(ok("0s") == 0);
  CHECK(ok("-1m") == -60 * kSec);
  CHECK(ok("+5s") == 5 * kSec);
  CHECK(ok("1.5h") == 5400 * kSec);
  CHECK(ok(".5s") == kSec / 2);
  CHECK(ok("1.s") == kSec);
  CHECK(ok("100ms") == kSec / 10);
  CHECK(ok("10us") == 10000);
  CHECK(ok("10\xC2\xB5s") == 10000);  // micro sign
  CHECK(ok("10\xCE\xBCs") == 10000);  // Greek mu
  CHECK(ok("7ns") == 7);
  CHECK(ok("1h1m1s1ms1us1ns") == 3661 * kSec + 1001001);
  CHECK(ok("2562047h47m16.854775807s") == 9223372036854775807LL);
  CHECK(ok("-2562047h47m16.854775808s") == (-9223372036854775807LL - 1));
}

TEST_CASE("Go durations: the three error texts, exactly") {
  CHECK(err("") == "time: invalid duration \"\"");
  CHECK(err("1") == "time: missing unit in duration \"1\"");
  CHECK(err("1d") == "time: unknown unit \"d\" in duration \"1d\"");
  CHECK(err("1M") == "time: unknown unit \"M\" in duration \"1M\"");
  CHECK(err("1 m") == "time: unknown unit \" m\" in duration \"1 m\"");
  CHECK(err(".") == "time: invalid duration \".\"");
  CHECK(err(".s") == "time: invalid duration \".s\"");
  CHECK(err("-") == "time: invalid duration \"-\"");
  CHECK(err("s") == "time: invalid duration \"s\"");
  CHECK(err("1m-5s") == "time: unknown unit \"m-\" in duration \"1m-5s\"");
  CHECK(err("1m.") == "time: invalid duration \"1m.\"");
  CHECK(err("2562047h47m16.854775808s") == "time: invalid duration \"2562047h47m16.854775808s\"");
  CHECK(err("9999999999999999999h") == "time: invalid duration \"9999999999999999999h\"");
  CHECK(err("3000000h") == "time: invalid duration \"3000000h\"");
  // Non-ASCII bytes are quoted as \x escapes, as Go's time.quote does.
  CHECK(err("1\xC3\xA9") == "time: unknown unit \"\\xc3\\xa9\" in duration \"1\\xc3\\xa9\"");
}

TEST_CASE("Go durations: canonical printing matches Duration.String") {
  CHECK(format_go_duration(0) == "0s");
  CHECK(format_go_duration(60 * kSec) == "1m0s");
  CHECK(format_go_duration(90 * kSec) == "1m30s");
  CHECK(format_go_duration(3600 * kSec) == "1h0m0s");
  CHECK(format_go_duration(-60 * kSec) == "-1m0s");
  CHECK(format_go_duration(kSec / 2) == "500ms");
  CHECK(format_go_duration(1500) == "1.5\xC2\xB5s");
  CHECK(format_go_duration(7) == "7ns");
  CHECK(format_go_duration(kSec + kSec / 4) == "1.25s");
  CHECK(format_go_duration(9223372036854775807LL) == "2562047h47m16.854775807s");
  CHECK(format_go_duration(-9223372036854775807LL - 1) == "-2562047h47m16.854775808s");
  // Round trip of what HCO stores.
  CHECK(format_go_duration(ok("1m")) == "1m0s");
  CHECK(format_go_duration(ok("0")) == "0s");
}

// RFC 3339 as Kubernetes writes it: what the Lease annotations and event lines use, read back.
#include <doctest/doctest.h>

#include <chrono>
#include <optional>

#include "util/rfc3339.hpp"

TEST_CASE("format_rfc3339 writes UTC whole seconds that parse_rfc3339 reads back") {
  CHECK(wu::util::format_rfc3339(0) == "1970-01-01T00:00:00Z");
  CHECK(wu::util::format_rfc3339(1'700'000'000) == "2023-11-14T22:13:20Z");
  const auto back = wu::util::parse_rfc3339(wu::util::format_rfc3339(1'700'000'000));
  REQUIRE(back);
  CHECK(std::chrono::system_clock::to_time_t(*back) == 1'700'000'000);
}

namespace {
// Seconds since the epoch, written so that it reads the same for any time_point type.
std::optional<long long> unix_seconds(const char* text) {
  const auto t = wu::util::parse_rfc3339(text);
  if (!t) return std::nullopt;
  return static_cast<long long>(std::chrono::floor<std::chrono::seconds>(*t).time_since_epoch().count());
}
}  // namespace

TEST_CASE("parse_rfc3339 covers every year Kubernetes accepts, 0001 to 9999 (issue #10)") {
  // A nanosecond time_point overflowed outside 1678-2262: 3940-01-01 came back as 2186-05-03.
  CHECK(unix_seconds("3940-01-01T00:00:00Z") == 62167132800LL);
  CHECK(unix_seconds("0452-01-01T00:00:00Z") == -47903443200LL);
  CHECK(unix_seconds("0001-01-01T00:00:00Z") == -62135596800LL);
  CHECK(unix_seconds("9999-12-31T23:59:59Z") == 253402300799LL);
  CHECK(unix_seconds("1969-12-31T23:59:59Z") == -1);
  CHECK(unix_seconds("2000-02-29T12:00:00+01:30") == 951825600LL - 5400);
  CHECK(unix_seconds("2026-07-01T00:00:30.999999999Z") == 1782864030LL);
}

TEST_CASE("parse_rfc3339 refuses what Go's time.Parse(time.RFC3339) refuses") {
  for (const char* bad : {"0000-01-01T00:00:00Z", "2026-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-04-31T00:00:00Z",
                          "2026-01-01T24:00:00Z", "2026-01-01T00:60:00Z", "2026-01-01T00:00:60Z", "2026-01-01 00:00:00Z",
                          "2026-01-01T00:00:00", "2026-01-01T00:00:00.Z", "2026-01-01T00:00:00+1:00",
                          "2026-01-01T00:00:00+24:00", " 2026-01-01T00:00:00Z", "+2026-01-01T00:00:00Z",
                          "2026-1-01T00:00:00Z", "2026-01-01T00:00:00Zjunk", "", "99999-01-01T00:00:00Z"})
    CHECK_MESSAGE(!wu::util::parse_rfc3339(bad), bad);
}

TEST_CASE("format_rfc3339 writes four-digit years, so that early years read back") {
  CHECK(wu::util::format_rfc3339(-47903443200LL) == "0452-01-01T00:00:00Z");
  CHECK(unix_seconds(wu::util::format_rfc3339(-62135596800LL).c_str()) == -62135596800LL);
}

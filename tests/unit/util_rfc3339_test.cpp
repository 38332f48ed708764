// RFC 3339 as Kubernetes writes it: what the Lease annotations and event lines use, read back.
#include <doctest/doctest.h>

#include <chrono>

#include "util/rfc3339.hpp"

TEST_CASE("format_rfc3339 writes UTC whole seconds that parse_rfc3339 reads back") {
  CHECK(wu::util::format_rfc3339(0) == "1970-01-01T00:00:00Z");
  CHECK(wu::util::format_rfc3339(1'700'000'000) == "2023-11-14T22:13:20Z");
  const auto back = wu::util::parse_rfc3339(wu::util::format_rfc3339(1'700'000'000));
  REQUIRE(back);
  CHECK(std::chrono::system_clock::to_time_t(*back) == 1'700'000'000);
}

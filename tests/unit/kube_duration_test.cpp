// --request-timeout and Go durations.
#include <doctest/doctest.h>

#include "kube/duration.hpp"
#include "kube/errors.hpp"

using namespace wu::kube;
using namespace std::chrono_literals;

TEST_CASE("request timeout: bare integers are seconds, otherwise Go durations") {
  CHECK(parse_request_timeout("0") == 0ms);
  CHECK(parse_request_timeout("30") == 30s);
  CHECK(parse_request_timeout("1s") == 1s);
  CHECK(parse_request_timeout("2m") == 120s);
  CHECK(parse_request_timeout("3h") == 3h);
  CHECK(parse_request_timeout("1.5s") == 1500ms);
  CHECK(parse_request_timeout("1h2m3s") == 3723s);
  CHECK(parse_request_timeout("250ms") == 250ms);
  CHECK(parse_request_timeout("-5s") == 0ms);  // negative: no timeout, as in client-go
  for (const char* bad : {"", "abc", "5x", "1.5", "s", "-5", "1s2", " 5"}) {
    CAPTURE(bad);
    CHECK_THROWS_WITH_AS(parse_request_timeout(bad),
                         "Invalid timeout value. Timeout must be a single integer in seconds, or an integer followed "
                         "by a corresponding time unit (e.g. 1s | 2m | 3h)",
                         ConfigError);
  }
}

TEST_CASE("Go duration formatting matches time.Duration.String()") {
  CHECK(format_go_duration(0s) == "0s");
  CHECK(format_go_duration(500ms) == "500ms");
  CHECK(format_go_duration(30s) == "30s");
  CHECK(format_go_duration(90s) == "1m30s");
  CHECK(format_go_duration(2min) == "2m0s");
  CHECK(format_go_duration(1h) == "1h0m0s");
  CHECK(format_go_duration(1500ms) == "1.5s");
  CHECK(format_go_duration(std::chrono::nanoseconds(1234567)) == "1.234567ms");
  CHECK(parse_go_duration("1h0m0s") == std::chrono::nanoseconds(1h));
  CHECK_FALSE(parse_go_duration("1d").has_value());
}

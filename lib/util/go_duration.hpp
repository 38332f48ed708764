#pragma once
// Go's time.ParseDuration and Duration.String, reproduced exactly: batchEvictionInterval is a
// metav1.Duration, so HCO and KubeVirt accept precisely what Go accepts, and store the canonical form.
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace wu::util {

struct DurationError {
  std::string message;  // Go's own text, e.g. `time: unknown unit "d" in duration "1d"`
};

// Nanoseconds, or Go's error.
std::variant<std::int64_t, DurationError> parse_go_duration(std::string_view text);

// Go's Duration.String(): "1h0m0s", "1m30s", "0s", "-1m0s", "500ms", "1.5µs".
std::string format_go_duration(std::int64_t nanoseconds);

}  // namespace wu::util

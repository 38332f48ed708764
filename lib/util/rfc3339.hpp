#pragma once
// RFC 3339 timestamps as Kubernetes writes them ("2026-07-01T00:00:30Z", fractions and offsets
// allowed): exec credential expiry, object and migration timestamps.
#include <chrono>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

namespace wu::util {

// Microseconds since the epoch: enough for every year Kubernetes accepts (0001-9999). A
// system_clock::time_point counts nanoseconds in 64 bits and only reaches the years 1678-2262.
using Rfc3339Time = std::chrono::sys_time<std::chrono::microseconds>;

// nullopt when `text` is not a complete RFC 3339 date-time in the years 0001-9999 (what Go's
// time.Parse(time.RFC3339, ...) accepts: two-digit fields in range, a real day of the month,
// optional fraction, Z or a +hh:mm offset). Fractions below a microsecond are dropped.
std::optional<Rfc3339Time> parse_rfc3339(std::string_view text);

// Whole seconds since the epoch (may be negative for years before 1970).
std::int64_t to_unix_seconds(Rfc3339Time t);

// "2026-07-01T00:00:30Z" (UTC, whole seconds), as Kubernetes writes Time fields.
std::string format_rfc3339(std::time_t at);

}  // namespace wu::util

#pragma once
// RFC 3339 timestamps as Kubernetes writes them ("2026-07-01T00:00:30Z", fractions and offsets
// allowed): exec credential expiry, object and migration timestamps.
#include <chrono>
#include <optional>
#include <ctime>
#include <string>
#include <string_view>

namespace wu::util {

// nullopt when `text` is not a complete RFC 3339 date-time.
std::optional<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view text);

// "2026-07-01T00:00:30Z" (UTC, whole seconds), as Kubernetes writes Time fields.
std::string format_rfc3339(std::time_t at);

}  // namespace wu::util

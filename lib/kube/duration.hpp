#pragma once
// Go-style durations: kubectl's --request-timeout and the ?timeout= query.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace wu::kube {

// Go's time.ParseDuration ("300ms", "1.5h", "2h45m", "-1s", "0"). nullopt when invalid.
std::optional<std::chrono::nanoseconds> parse_go_duration(std::string_view text);

// Go's time.Duration.String(): "0s", "500ms", "30s", "1m30s", "1h0m0s".
std::string format_go_duration(std::chrono::nanoseconds d);

// kubectl's --request-timeout (clientcmd.ParseTimeout): a bare non-negative
// integer is seconds, otherwise a Go duration; "0" or negative means none.
// Throws ConfigError with kubectl's message when invalid.
std::chrono::milliseconds parse_request_timeout(std::string_view text);

}  // namespace wu::kube

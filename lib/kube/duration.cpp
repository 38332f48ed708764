#include "kube/duration.hpp"

#include <cstdint>

#include "kube/errors.hpp"
#include "util/go_duration.hpp"

namespace wu::kube {

// Go's exact grammar and formatting live in util/go_duration (shared with batchEvictionInterval);
// these are the chrono-typed views the client uses.
std::optional<std::chrono::nanoseconds> parse_go_duration(std::string_view s) {
  auto parsed = util::parse_go_duration(s);
  if (!std::holds_alternative<std::int64_t>(parsed)) return std::nullopt;
  return std::chrono::nanoseconds(std::get<std::int64_t>(parsed));
}

std::string format_go_duration(std::chrono::nanoseconds d) { return util::format_go_duration(d.count()); }

std::chrono::milliseconds parse_request_timeout(std::string_view text) {
  bool all_digits = !text.empty();
  for (char c : text) all_digits = all_digits && c >= '0' && c <= '9';
  if (all_digits && text.size() <= 12) {
    return std::chrono::seconds(std::stoll(std::string(text)));
  }
  if (auto d = parse_go_duration(text)) {
    if (d->count() <= 0) return std::chrono::milliseconds(0);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(*d);
    return ms.count() == 0 ? std::chrono::milliseconds(1) : ms;
  }
  throw ConfigError(
      "Invalid timeout value. Timeout must be a single integer in seconds, or an integer followed by a "
      "corresponding time unit (e.g. 1s | 2m | 3h)");
}

}  // namespace wu::kube

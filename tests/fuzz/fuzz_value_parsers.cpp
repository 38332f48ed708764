// libFuzzer harness: the small value parsers — Go durations (both), Kubernetes quantities, RFC 3339
// times and label selectors. The first byte picks the parser. Besides "no crash", each has an oracle:
// the quantity scanner must agree with the CRD's regular expression (on short inputs, where
// std::regex is safe), an accepted time must lie in 0001-9999 and format back, a duration must
// format back to itself.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <regex>
#include <string>
#include <variant>

#include "cluster/label_selector.hpp"
#include "kube/duration.hpp"
#include "kube/errors.hpp"
#include "strategy/quantity.hpp"
#include "util/go_duration.hpp"
#include "util/rfc3339.hpp"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 5) {
    case 0: {
      const auto d = wu::util::parse_go_duration(text);
      if (const auto* ns = std::get_if<std::int64_t>(&d)) {
        const auto again = wu::util::parse_go_duration(wu::util::format_go_duration(*ns));
        check(std::holds_alternative<std::int64_t>(again) && std::get<std::int64_t>(again) == *ns);
      }
      break;
    }
    case 1: {
      (void)wu::kube::parse_go_duration(text);
      try {
        (void)wu::kube::parse_request_timeout(text);
      } catch (const wu::kube::ConfigError&) {
      }
      break;
    }
    case 2: {
      const bool matches = wu::strategy::matches_quantity_pattern(text);
      if (text.size() <= 48) {
        static const std::regex re(wu::strategy::kQuantityPattern);
        check(matches == std::regex_match(text, re));
      }
      const auto parsed = wu::strategy::parse_quantity(text);
      // A value exactly when both the pattern and ParseQuantity accept it; its sign is ParseQuantity's.
      const auto value = wu::strategy::quantity_value(text);
      check(value.has_value() == (parsed.ok && matches));
      if (value && !std::isnan(*value)) check(parsed.negative ? *value <= 0 : *value >= 0);  // an underflowing exponent gives -0
      break;
    }
    case 3: {
      if (const auto t = wu::util::parse_rfc3339(text)) {
        const std::int64_t s = wu::util::to_unix_seconds(*t);
        check(s >= -62135596800LL - 86400 && s <= 253402300799LL + 86400);  // 0001-01-01 .. 9999-12-31, +-offset
        if (s >= -62135596800LL && s <= 253402300799LL) {
          const auto back = wu::util::parse_rfc3339(wu::util::format_rfc3339(static_cast<std::time_t>(s)));
          check(back && wu::util::to_unix_seconds(*back) == s);
        }
      }
      break;
    }
    case 4: {
      try {
        const auto selector = wu::cluster::LabelSelector::parse(text);
        (void)selector.matches({{"app", "web"}, {"kubevirt.io/outdatedLauncherImage", ""}});
      } catch (const wu::cluster::SelectorError&) {
      }
      break;
    }
  }
  return 0;
}

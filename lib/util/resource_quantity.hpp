#pragma once
// The value of a Kubernetes resource quantity ("500m", "4Gi", "1.5", "2e3"), for adding up pod requests
// and comparing them with a node's allocatable. Values are kept in milli-units so that CPU ("250m") and
// byte counts share one integer type; rounding is up, as apimachinery's Quantity.MilliValue rounds.
#include <cstdint>
#include <optional>
#include <string_view>

namespace wu::util {

// The quantity in thousandths of its unit (cores for cpu, bytes for memory), or nullopt when the text is
// not a quantity (resource.ParseQuantity's grammar: sign, digits with an optional fraction, then a binary
// suffix Ki..Ei, a decimal suffix n u m k M G T P E, or an exponent e/E<int>). Saturates at INT64_MAX.
std::optional<std::int64_t> quantity_milli(std::string_view text);

}  // namespace wu::util

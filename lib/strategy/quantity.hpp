#pragma once
// Kubernetes quantities (bandwidthPerMigration): the CRD's pattern, checked by the API server, and
// apimachinery's resource.ParseQuantity, run by HCO's validating webhook. Some strings pass the first
// and fail the second (for example "1e1.5").
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wu::strategy {

// The exact `pattern` of bandwidthPerMigration in the HCO and KubeVirt CRDs.
extern const char* const kQuantityPattern;

bool matches_quantity_pattern(std::string_view text);

struct QuantityParse {
  bool ok = false;
  bool negative = false;
  bool zero = false;
  std::string error;  // apimachinery's text when !ok
};

// resource.ParseQuantity's verdict, with its exact error texts.
QuantityParse parse_quantity(std::string_view text);

// The value of a quantity ("8Gi" = 8589934592, "500m" = 0.5), for memory sizes and bandwidths;
// nullopt when parse_quantity refuses it.
std::optional<double> quantity_value(std::string_view text);

// The same quantity in thousandths of its unit (cores for cpu, bytes for memory), exactly, for adding up
// pod requests against a node's allocatable; rounded up as Quantity.MilliValue rounds, saturating at
// INT64_MAX. nullopt when ParseQuantity refuses the text.
std::optional<std::int64_t> quantity_milli(std::string_view text);

}  // namespace wu::strategy

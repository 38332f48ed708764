// Kubernetes resource quantities (k8s.io/apimachinery pkg/api/resource):
// "95500m", "790483444Ki", "2Gi", "1k", "250", "1e3" as integer milli-units,
// so cpu, memory, hugepages and pod counts add up and compare exactly.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace sim {

// Value × 1000 (e.g. "100m" → 100, "2Gi" → 2147483648000); nullopt when malformed.
std::optional<int64_t> parseQuantityMilli(const std::string& text);
// Canonical-enough renderings for the requests the simulator writes.
std::string formatCpuMilli(int64_t milli);       // "200m", "2"
std::string formatBytesMilli(int64_t milli);     // "2Gi", "2318Mi", "123Ki", "1000"

}  // namespace sim

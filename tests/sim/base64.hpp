// Base64 for kubeconfig data fields (standard alphabet, padded) and continue
// tokens (URL alphabet, unpadded, like the API server's).
#pragma once

#include <optional>
#include <string>

namespace sim {

std::string base64Encode(const std::string& in, bool urlSafeNoPad = false);
// Accepts either alphabet, with or without padding; nullopt on bad input.
std::optional<std::string> base64Decode(const std::string& in);

}  // namespace sim

#include "hostile.hpp"

namespace sim {

namespace {

std::string payload(const std::string& kind) {
  if (kind == "deepObject") return std::string(100000, '[') + std::string(100000, ']');
  if (kind == "hugeString") return "\"" + std::string(16u << 20, 'x') + "\"";
  if (kind == "invalidUtf8") return "\"caf\xC3\x28 \xFF\xFE\"";
  if (kind == "numberOverflow") return "1e400";
  return "null";
}

}  // namespace

bool isHostileKind(const std::string& kind) {
  return kind == "deepObject" || kind == "hugeString" || kind == "invalidUtf8" || kind == "numberOverflow";
}

std::string withHostileField(const std::string& objectJson, const std::string& kind) {
  if (kind.empty()) return objectJson;
  const auto brace = objectJson.find('{');
  if (brace == std::string::npos) return objectJson;
  const bool empty = objectJson.find_first_not_of(" \t\r\n", brace + 1) == objectJson.find('}', brace);
  return objectJson.substr(0, brace + 1) + "\"simHostile\":" + payload(kind) + (empty ? "" : ",") +
         objectJson.substr(brace + 1);
}

}  // namespace sim

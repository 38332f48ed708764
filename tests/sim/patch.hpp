// PATCH bodies: JSON merge patch (RFC 7386) and JSON patch (RFC 6902).
// Strategic merge patch is applied as a merge patch (lists are replaced, not
// merged by key), which is enough for the flat patches kubectl and the plugin send.
#pragma once

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

namespace sim {

enum class PatchType { Merge, Json, StrategicMerge, Apply, Unknown };

PatchType patchTypeFromContentType(const std::string& contentType);

// A patch that is malformed (400) or does not apply to the document (422).
class PatchError : public std::runtime_error {
 public:
  PatchError(bool malformed, const std::string& msg) : std::runtime_error(msg), malformed_(malformed) {}
  bool malformed() const { return malformed_; }

 private:
  bool malformed_;
};

nlohmann::json applyMergePatch(const nlohmann::json& target, const nlohmann::json& patch);
nlohmann::json applyJsonPatch(const nlohmann::json& target, const nlohmann::json& ops);

}  // namespace sim

#include "pagination.hpp"

#include <nlohmann/json.hpp>

#include "base64.hpp"

namespace sim {

int64_t unixSeconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

std::string encodeContinue(const ContinueToken& t) {
  // Same outer shape as the API server's tokens (base64url JSON with v/rv/start), plus the issue time.
  nlohmann::ordered_json j;
  j["v"] = "meta.k8s.io/v1";
  j["rv"] = t.rv;
  j["start"] = t.lastKey + std::string(1, '\0');
  j["iat"] = t.issuedAt;
  return base64Encode(j.dump(), true);
}

std::optional<ContinueToken> decodeContinue(const std::string& s) {
  auto raw = base64Decode(s);
  if (!raw) return std::nullopt;
  nlohmann::json j = nlohmann::json::parse(*raw, nullptr, false);
  if (j.is_discarded() || !j.is_object() || j.value("v", "") != "meta.k8s.io/v1") return std::nullopt;
  if (!j.contains("rv") || !j["rv"].is_number_integer() || !j.contains("start") || !j["start"].is_string() ||
      !j.contains("iat") || !j["iat"].is_number_integer())
    return std::nullopt;
  ContinueToken t;
  t.rv = j["rv"].get<int64_t>();
  std::string start = j["start"].get<std::string>();
  if (start.empty() || start.back() != '\0') return std::nullopt;
  start.pop_back();
  t.lastKey = start;
  t.issuedAt = j["iat"].get<int64_t>();
  if (t.rv < -1 || t.rv == 0) return std::nullopt;
  return t;
}

bool continueExpired(const ContinueToken& t, std::chrono::seconds ttl, std::chrono::system_clock::time_point now) {
  return unixSeconds(now) - t.issuedAt > ttl.count();
}

}  // namespace sim

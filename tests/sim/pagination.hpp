// Continue tokens: opaque to clients; they carry the snapshot resourceVersion,
// the last key served and when the snapshot was taken (for --page-token-ttl).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace sim {

struct ContinueToken {
  int64_t rv = 0;          // snapshot; -1 = continue at the latest state (after a 410)
  std::string lastKey;     // list strictly after this key
  int64_t issuedAt = 0;    // unix seconds when the snapshot was taken
};

std::string encodeContinue(const ContinueToken& t);
// nullopt for anything that is not a token we issued.
std::optional<ContinueToken> decodeContinue(const std::string& s);
bool continueExpired(const ContinueToken& t, std::chrono::seconds ttl, std::chrono::system_clock::time_point now);
int64_t unixSeconds(std::chrono::system_clock::time_point t);

}  // namespace sim

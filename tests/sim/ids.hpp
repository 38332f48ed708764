// Identifiers and timestamps in the formats the API server produces.
#pragma once

#include <chrono>
#include <cstdint>
#include <random>
#include <string>

namespace sim {

// RFC 3339 with second precision and "Z", as in metadata.creationTimestamp.
std::string rfc3339(std::chrono::system_clock::time_point t);
std::string nowRfc3339();  // on the simulated clock
// Parses rfc3339(); returns false on anything else.
bool parseRfc3339(const std::string& s, std::chrono::system_clock::time_point& out);

// Random version-4 UUID, lower case.
std::string makeUid(std::mt19937_64& rng);
// generateName suffix: 5 characters of the API server's alphabet (no vowels, no 0/1/3).
std::string nameSuffix(std::mt19937_64& rng, size_t n = 5);

}  // namespace sim

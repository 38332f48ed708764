// The audit log: one JSON record per request, kept in memory for /_sim/audit
// and optionally appended to a JSON-lines file. Token values are never recorded.
#pragma once

#include <cstdint>
#include <deque>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

namespace sim {

class AuditLog {
 public:
  explicit AuditLog(const std::string& filePath, size_t memoryLimit = 200000);
  // Assigns seq and time; returns seq.
  uint64_t append(nlohmann::json record);
  // Records with seq > since, oldest first.
  nlohmann::json since(uint64_t since) const;
  void clear();  // forgets the in-memory records; seq keeps counting

 private:
  mutable std::mutex mu_;
  std::deque<nlohmann::json> records_;
  size_t limit_;
  uint64_t seq_ = 0;
  std::ofstream file_;
};

}  // namespace sim

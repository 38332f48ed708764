// Every VMIM's phase history on the simulated clock (millisecond precision),
// kept after the VMIM is deleted, for GET /_sim/migrations: tests compute from
// it how many migrations were active at once and how long each phase took.
#pragma once

#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "store.hpp"

namespace sim {

class MigrationHistory {
 public:
  void observe(const StoreEvent& ev);  // store hook: records phase changes of VMIMs
  // Source and target node of a migration once the controller has chosen them.
  void noteNodes(const std::string& uid, const std::string& source, const std::string& target);
  nlohmann::json snapshot() const;  // {"now", "timeScale", "items": [...]} in creation order

 private:
  struct Entry {
    uint64_t seq = 0;
    nlohmann::json item;
  };
  mutable std::mutex mu_;
  std::map<std::string, Entry> byUid_;
  uint64_t seq_ = 0;
};

}  // namespace sim

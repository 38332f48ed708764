// Fault injection: error responses, dropped connections and delays per resource
// and verb, and early-closed or expired watches. Probabilities use a seeded RNG;
// "count" rules fire on the next N matching requests so tests can assert exact
// retry counts.
#pragma once

#include <cstdint>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

namespace sim {

struct FaultDecision {
  int code = 0;             // 429, 500 or 503; 0 = no error
  bool drop = false;        // close the connection without answering
  int delayMs = 0;          // added before the answer
  int retryAfterSeconds = 0;
  std::string corrupt;      // a hostile.hpp kind: the body's (first) object is corrupted; "" = none
  std::string description;  // for the audit log ("" = none)
};

struct WatchFaultPlan {
  long closeAfterEvents = 0;      // 0 = never
  double closeAfterSeconds = 0;   // 0 = never
  bool expire = false;            // answer with an ERROR 410 event at once
};

class Faults {
 public:
  explicit Faults(uint64_t seed) : rng_(seed) {}

  // Config format (all sections optional):
  // {"seed": 1,
  //  "rules": [{"resource": "virtualmachineinstances"|"*", "verb": "list"|"*", "namespace": "*",
  //             "code": 429|500|503, "drop": true, "delayMs": 100, "retryAfterSeconds": 1,
  //             "corrupt": "deepObject"|"hugeString"|"invalidUtf8"|"numberOverflow",
  //             "probability": 0.5, "count": 3}],
  //  "watch": {"closeAfterEvents": 5, "closeAfterSeconds": 10, "expireNext": 1}}
  // Rules are appended; "watch" replaces the watch settings. Throws std::invalid_argument.
  void configure(const nlohmann::json& cfg);
  void clear();
  FaultDecision decide(const std::string& resource, const std::string& verb, const std::string& ns);
  WatchFaultPlan watchPlan();
  nlohmann::json state() const;

 private:
  struct Rule {
    std::string resource = "*", verb = "*", ns = "*";
    int code = 0;
    bool drop = false;
    int delayMs = 0;
    int retryAfterSeconds = 0;
    std::string corrupt;
    double probability = 1.0;
    long remaining = -1;  // -1 = unlimited
    long fired = 0;
  };
  mutable std::mutex mu_;
  std::mt19937_64 rng_;
  std::vector<Rule> rules_;
  long watchCloseAfterEvents_ = 0;
  double watchCloseAfterSeconds_ = 0;
  long watchExpireNext_ = 0;
};

}  // namespace sim

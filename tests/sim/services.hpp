// Everything a request handler needs, wired once by the server.
#pragma once

#include <mutex>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "audit.hpp"
#include "auth.hpp"
#include "faults.hpp"
#include "knobs.hpp"
#include "request_info.hpp"
#include "store.hpp"

namespace sim {

class MigrationHistory;
class RolloutController;

struct Services {
  Store& store;
  Faults& faults;
  Authenticator& auth;
  AuditLog& audit;
  Knobs& knobs;
  std::chrono::seconds pageTokenTtl{300};
  std::chrono::seconds bookmarkInterval{60};
  const std::atomic<bool>* stopping = nullptr;
  std::string serverAddress;  // host:port as clients reach it
  uint64_t seed = 1;                      // --seed: drawn durations and failures of the KubeVirt controllers
  MigrationHistory* migrations = nullptr;  // phase history for /_sim/migrations
  RolloutController* rollout = nullptr;    // POST /_sim/rollout
  // Held by the controller loop for each round of ticks: POST /_sim/objects holds it while it loads, so
  // no controller sees half a scenario (a VMIM loaded before its target pod would get a second one).
  std::mutex* controllerRound = nullptr;
};

// One resource request in flight.
struct Call {
  const httplib::Request& req;
  httplib::Response& res;
  const RequestInfo& info;
  const User& user;
  bool dryRun;
  nlohmann::json& audit;  // handlers add "mutation" and "resourceVersion"
  std::string corrupt = {};  // a fault's hostile.hpp kind for the body sent (lists, watches)
};

// Serves a resource request; throws ApiError for API errors.
void handleResource(Services& s, Call& c);

// Deletes one object with the API server's semantics: finalizers defer removal
// (deletionTimestamp only); pods terminate gracefully when the podTerminationSeconds
// knob is positive. opts is a DeleteOptions body (preconditions, gracePeriodSeconds).
Store::DeleteResult deleteObject(Services& s, const ResourceInfo& r, const std::string& ns, const std::string& name,
                                 const nlohmann::json& opts, bool dryRun);

}  // namespace sim

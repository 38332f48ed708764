// The simulator process: loads state, serves the API over HTTPS (or HTTP),
// authenticates, injects faults, audits, and writes the state directory.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kubeconfig.hpp"

namespace sim {

struct Config {
  std::string host = "127.0.0.1";
  int port = 0;
  std::string stateDir;
  std::vector<TokenUser> users;  // admin, readonly, then --token extras
  std::vector<std::string> scenarios;
  size_t generate = 0;
  bool placementCases = false;  // --placement-cases: the generator's unschedulable-target VMIs
  uint64_t seed = 1;
  std::string auditLog;
  int pageTokenTtl = 300;
  size_t watchHistory = 20000;
  int bookmarkInterval = 60;
  bool plainHttp = false;
  size_t threads = 128;
  int tickMs = 100;
};

// Runs until SIGINT or SIGTERM. Returns the process exit code; prints errors to stderr.
int runServer(const Config& cfg);

}  // namespace sim

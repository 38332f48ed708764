// kubevirt-sim: a Kubernetes API server simulator for KubeVirt clusters, for
// testing `kubectl` and the workload-update plugin without a real cluster.
#include <CLI/CLI.hpp>

#include <iostream>

#include "server.hpp"

int main(int argc, char** argv) {
  CLI::App app{"kubevirt-sim: a simulated Kubernetes API server with KubeVirt resources"};
  sim::Config cfg;
  std::string listen = "127.0.0.1:0";
  std::vector<std::string> tokens;
  app.add_option("--listen", listen, "HOST:PORT to listen on (port 0 picks a free port); loopback only")
      ->capture_default_str();
  app.add_option("--state-dir", cfg.stateDir, "directory for ca.crt, kubeconfig and ready.json")->required();
  app.add_option("--token", tokens,
                 "extra user NAME=TOKEN (prefix TOKEN with ro: for read-only); repeatable; admin=... or "
                 "readonly=... replace the default tokens");
  app.add_option("--scenario", cfg.scenarios, "scenario YAML file (objects: and knobs:); repeatable")
      ->check(CLI::ExistingFile);
  app.add_option("--generate", cfg.generate, "generate a fleet of N VMIs (with VMs, launcher pods, nodes)");
  app.add_option("--placement-cases", cfg.placementCases,
                 "with --generate: add namespace placement, VMIs whose migration target cannot be scheduled (true/false)")
      ->default_val(false);
  app.add_option("--seed", cfg.seed, "seed for the fleet generator and fault probabilities")->capture_default_str();
  app.add_option("--audit-log", cfg.auditLog, "also append audit records to FILE (JSON lines)");
  app.add_option("--page-token-ttl", cfg.pageTokenTtl, "seconds until a continue token expires (410)")
      ->capture_default_str();
  app.add_option("--watch-history", cfg.watchHistory,
                 "events kept for watch resumption and consistent pagination; older versions get 410")
      ->capture_default_str();
  app.add_option("--bookmark-interval", cfg.bookmarkInterval, "seconds between watch BOOKMARK events")
      ->capture_default_str();
  app.add_flag("--plain-http", cfg.plainHttp, "serve plain HTTP instead of HTTPS (no client certificates)");
  app.add_option("--threads", cfg.threads, "worker threads (each open watch holds one)")->capture_default_str();
  app.add_option("--tick-ms", cfg.tickMs, "controller loop interval in milliseconds")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  auto colon = listen.rfind(':');
  if (colon == std::string::npos) {
    std::cerr << "kubevirt-sim: --listen must be HOST:PORT, got \"" << listen << "\"\n";
    return 1;
  }
  cfg.host = listen.substr(0, colon);
  if (cfg.host.size() >= 2 && cfg.host.front() == '[' && cfg.host.back() == ']') cfg.host = cfg.host.substr(1, cfg.host.size() - 2);
  try {
    cfg.port = std::stoi(listen.substr(colon + 1));
  } catch (const std::exception&) {
    std::cerr << "kubevirt-sim: --listen port must be a number, got \"" << listen.substr(colon + 1) << "\"\n";
    return 1;
  }
  if (cfg.host != "127.0.0.1" && cfg.host != "::1" && cfg.host != "localhost") {
    std::cerr << "kubevirt-sim: --listen must use a loopback address (127.0.0.1, ::1 or localhost)\n";
    return 1;
  }
  if (cfg.port < 0 || cfg.port > 65535) {
    std::cerr << "kubevirt-sim: --listen port out of range\n";
    return 1;
  }

  cfg.users = {{"admin", "sim-admin-token", false}, {"readonly", "sim-readonly-token", true}};
  for (const auto& t : tokens) {
    auto eq = t.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == t.size()) {
      std::cerr << "kubevirt-sim: --token must be NAME=TOKEN, got \"" << t << "\"\n";
      return 1;
    }
    sim::TokenUser u{t.substr(0, eq), t.substr(eq + 1), false};
    if (u.token.rfind("ro:", 0) == 0) {
      u.readOnly = true;
      u.token = u.token.substr(3);
    }
    if (u.token.empty() || u.name == "certuser") {
      std::cerr << "kubevirt-sim: bad --token \"" << t << "\"\n";
      return 1;
    }
    bool replaced = false;
    for (auto& existing : cfg.users)
      if (existing.name == u.name) {
        existing = u;
        replaced = true;
      }
    if (!replaced) cfg.users.push_back(u);
  }
  return sim::runServer(cfg);
}

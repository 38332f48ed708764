#pragma once
// `abort`: stops a run from anywhere. It asks the run holding the Lease to stop (an annotation the
// run sees through its watch of the Lease, or else when it renews it), waits for it to let the Lease go, and
// with cancel_migrations deletes the run's unfinished VMIMs (found by its run label; KubeVirt then
// aborts each migration). A run whose holder died (kill -9: the Lease expired without a release) is
// cleaned up by abort itself.
#include <chrono>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "kube/client.hpp"

namespace wu::update {

struct AbortOptions {
  bool cancel_migrations = false;
  std::chrono::milliseconds timeout{std::chrono::seconds(60)};  // for the run to stop
  std::string identity;  // who asks: written into the request
};

enum class AbortResult {
  NoRun,        // no run holds the Lease (a finished or released one: only its VMIMs, if asked)
  Stopped,      // the run saw the request and let the Lease go
  HolderGone,   // the holder's Lease had expired (killed): abort released it itself
  StillRunning, // the run did not let the Lease go within the timeout
};
const char* abort_result_name(AbortResult r);

struct AbortReport {
  AbortResult result = AbortResult::NoRun;
  std::string run_id, holder;
  std::vector<std::string> cancelled;       // "ns/name" of VMIMs deleted
  std::vector<std::string> cancel_failures; // "ns/name: why"
  std::string updater_restore;              // a paused updater the run left: what the restore did ("" none)
  bool updater_restore_failed = false;
  std::string message;
};

// Where the run Lease lives: the KubeVirt CR's namespace; nullopt without a KubeVirt CR.
std::optional<std::string> lease_namespace(kube::Client& client, std::stop_token stop = {});

// `kubevirt_namespace`: where the Lease is (the KubeVirt CR's namespace).
AbortReport abort_run(kube::Client& client, const std::string& kubevirt_namespace, const AbortOptions& options,
                      std::stop_token stop = {});

}  // namespace wu::update

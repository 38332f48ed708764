#pragma once
// `status` against a live cluster: the snapshot in scope, KubeVirt's configuration, the plan that
// tells outdated VMIs apart, and the run Lease, read once and folded into a ProgressStatus.
// `status --wait` reads it again and again and judges when the update is over (judge_wait).
#include <chrono>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>

#include "kube/client.hpp"
#include "update/progress_status.hpp"

namespace wu::update {

struct StatusQuery {
  std::string namespace_;  // "" = all namespaces
  std::string selector;
  int stuck_after = 3;
};

ProgressStatus read_status(kube::Client& client, const StatusQuery& query, std::stop_token stop = {});

enum class WaitOutcome { Done, NotDone, TimedOut, Interrupted };
const char* wait_outcome_name(WaitOutcome o);  // "Done", "NotDone", "TimedOut", "Interrupted"

struct WaitVerdict {
  std::optional<WaitOutcome> end;  // empty: keep waiting
  std::string why;                 // one sentence, for the live line and the last JSON line
};

// Pure. Over when no VMI in scope is outdated (Done), or when a run that held the Lease during the
// wait has released it with VMIs still outdated (NotDone: stuck, skipped or unfinished ones remain).
// Otherwise the wait goes on (a run is working, or KubeVirt's own updater, or nothing yet).
WaitVerdict judge_wait(const ProgressStatus& status, bool lease_held_during_wait);

struct WaitOptions {
  std::chrono::milliseconds timeout{std::chrono::minutes(30)};
  std::chrono::milliseconds interval{std::chrono::seconds(2)};
};

// Reads the status every interval until judge_wait ends it, the timeout passes (TimedOut) or a stop
// is requested (Interrupted); each read goes to on_sample with its verdict.
WaitOutcome wait_for_update(kube::Client& client, const StatusQuery& query, const WaitOptions& options,
                            const std::function<void(const ProgressStatus&, const WaitVerdict&)>& on_sample,
                            std::stop_token stop = {});

}  // namespace wu::update

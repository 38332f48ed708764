#pragma once
// What an eviction request (POST .../pods/{name}/eviction) turned into.
// Classified from the HTTP code and Status, so callers never parse messages.
#include <optional>
#include <string>

#include "kube/api_error.hpp"

namespace wu::kube {

enum class EvictionResult {
  Started,               // 200/201: deletion started (wait for the pod to go)
  AlreadyGone,           // 404: nothing to evict
  EvacuationTriggered,   // 429 "Eviction triggered evacuation": KubeVirt started a live migration
  EvacuationInProgress,  // 429 while KubeVirt's evacuation of this VMI is running
  BlockedByPdb,          // 429 with cause DisruptionBudget: retry later
  TooManyRequests,       // any other 429 (e.g. API throttling)
  MultiplePdbs,          // 500: the pod matches more than one PodDisruptionBudget
  NamespaceTerminating,  // 403 with cause NamespaceTerminating
  Failed,                // anything else
};

struct EvictionOutcome {
  EvictionResult result = EvictionResult::Failed;
  int http_code = 0;
  std::string message;             // the server's message (empty on success)
  std::optional<ApiError> error;   // set for every non-2xx answer
};

// Pure classification; `error` is empty for 2xx.
EvictionOutcome classify_eviction(int http_code, const std::optional<ApiError>& error);

const char* to_string(EvictionResult r);

}  // namespace wu::kube

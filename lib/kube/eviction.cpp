#include "kube/eviction.hpp"

namespace wu::kube {

EvictionOutcome classify_eviction(int code, const std::optional<ApiError>& error) {
  EvictionOutcome out;
  out.http_code = code;
  out.error = error;
  if (error) out.message = error->status_message();
  auto says = [&](const char* text) { return out.message.find(text) != std::string::npos; };
  if (code >= 200 && code < 300) out.result = EvictionResult::Started;
  else if (code == 404) out.result = EvictionResult::AlreadyGone;
  // KubeVirt answers later attempts "Evacuation in progress: Eviction triggered ...": check that first.
  else if (code == 429 && says("Evacuation in progress")) out.result = EvictionResult::EvacuationInProgress;
  else if (code == 429 && says("Eviction triggered evacuation")) out.result = EvictionResult::EvacuationTriggered;
  else if (code == 429 && error && error->has_cause("DisruptionBudget")) out.result = EvictionResult::BlockedByPdb;
  else if (code == 429 && says("disruption budget")) out.result = EvictionResult::BlockedByPdb;
  else if (code == 429) out.result = EvictionResult::TooManyRequests;
  else if (code == 500 && (says("more than one PodDisruptionBudget") || says("more than one pod disruption budget")))
    out.result = EvictionResult::MultiplePdbs;
  else if (code == 403 && error && error->has_cause("NamespaceTerminating"))
    out.result = EvictionResult::NamespaceTerminating;
  else out.result = EvictionResult::Failed;
  return out;
}

const char* to_string(EvictionResult r) {
  switch (r) {
    case EvictionResult::Started: return "Started";
    case EvictionResult::AlreadyGone: return "AlreadyGone";
    case EvictionResult::EvacuationTriggered: return "EvacuationTriggered";
    case EvictionResult::EvacuationInProgress: return "EvacuationInProgress";
    case EvictionResult::BlockedByPdb: return "BlockedByPdb";
    case EvictionResult::TooManyRequests: return "TooManyRequests";
    case EvictionResult::MultiplePdbs: return "MultiplePdbs";
    case EvictionResult::NamespaceTerminating: return "NamespaceTerminating";
    case EvictionResult::Failed: return "Failed";
  }
  return "";
}

}  // namespace wu::kube

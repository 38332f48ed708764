// KubeVirt's pod-eviction validating webhook (virt-api,
// "virt-launcher-eviction-interceptor.kubevirt.io") as a pure decision table;
// see kubevirt-workload-update.md §4.1.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace sim {

struct WebhookInput {
  nlohmann::json pod;                  // the pod being evicted
  std::optional<nlohmann::json> vmi;   // VMI named by the pod's kubevirt.io/domain annotation, if found
  std::string vmiLookupError;          // why the VMI could not be fetched (when vmi is empty)
  std::string clusterEvictionStrategy; // KubeVirt CR spec.configuration.evictionStrategy ("" = unset)
  bool hotplugOwnerLiveWithVmi = false;  // hotplug pod whose owner launcher is live and whose VMI exists
  nlohmann::json evictionAnnotations = nlohmann::json::object();
};

struct WebhookDecision {
  enum class Kind { Allow, Deny, Mark } kind = Kind::Allow;
  std::string message;         // for Deny and Mark (the 429 message)
  std::string evacuationNode;  // for Mark: value for vmi.status.evacuationNodeName
  bool fromDescheduler = false;  // for Mark: also annotate the VMI kubevirt.io/eviction-source=descheduler
};

constexpr const char* kEvictionWebhookName = "virt-launcher-eviction-interceptor.kubevirt.io";

WebhookDecision decideEviction(const WebhookInput& in);

// "Only an explicit True counts as migratable."
bool vmiLiveMigratable(const nlohmann::json& vmi);

}  // namespace sim

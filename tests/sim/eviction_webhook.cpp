#include "eviction_webhook.hpp"

namespace sim {

using nlohmann::json;

namespace {

std::string str(const json& j, const json::json_pointer& p) {
  return j.contains(p) && j.at(p).is_string() ? j.at(p).get<std::string>() : "";
}

WebhookDecision allow() { return {}; }

WebhookDecision deny(std::string msg) {
  WebhookDecision d;
  d.kind = WebhookDecision::Kind::Deny;
  d.message = std::move(msg);
  return d;
}

}  // namespace

bool vmiLiveMigratable(const json& vmi) {
  const json::json_pointer p("/status/conditions");
  if (!vmi.contains(p) || !vmi.at(p).is_array()) return false;
  for (const auto& c : vmi.at(p))
    if (c.value("type", "") == "LiveMigratable") return c.value("status", "") == "True";
  return false;
}

WebhookDecision decideEviction(const WebhookInput& in) {
  const json& pod = in.pod;
  const std::string role = str(pod, json::json_pointer("/metadata/labels/kubevirt.io"));
  if (role == "hotplug-disk") {
    if (in.hotplugOwnerLiveWithVmi)
      return deny("cannot evict hotplug pod " + str(pod, json::json_pointer("/metadata/name")) +
                  " while its virt-launcher pod and VMI are running");
    return allow();
  }
  if (role != "virt-launcher") return allow();
  const std::string phase = str(pod, json::json_pointer("/status/phase"));
  if (phase == "Succeeded" || phase == "Failed") return allow();

  const std::string domain = str(pod, json::json_pointer("/metadata/annotations/kubevirt.io~1domain"));
  if (domain.empty()) return allow();
  if (!in.vmi) return deny(in.vmiLookupError.empty() ? "VMI " + domain + " not found" : in.vmiLookupError);
  const json& vmi = *in.vmi;

  std::string strategy = str(vmi, json::json_pointer("/spec/evictionStrategy"));
  if (strategy.empty()) strategy = in.clusterEvictionStrategy;
  if (strategy.empty() || strategy == "None") return allow();

  const bool migratable = vmiLiveMigratable(vmi);
  if (strategy == "LiveMigrate") {
    if (!migratable)
      return deny("VMI " + str(vmi, json::json_pointer("/metadata/name")) +
                  " is configured with an eviction strategy but is not live-migratable");
  } else if (strategy == "LiveMigrateIfPossible") {
    if (!migratable) return allow();
  } else if (strategy != "External") {
    return allow();  // unknown strategies behave like None
  }

  // Marking for evacuation.
  const std::string vmiKey = str(vmi, json::json_pointer("/metadata/namespace")) + "/" +
                             str(vmi, json::json_pointer("/metadata/name"));
  const std::string triggered = "Eviction triggered evacuation of VMI \"" + vmiKey + "\"";
  if (!str(vmi, json::json_pointer("/status/evacuationNodeName")).empty())
    return deny("Evacuation in progress: " + triggered);
  const std::string podNode = str(pod, json::json_pointer("/spec/nodeName"));
  if (str(vmi, json::json_pointer("/status/nodeName")) != podNode) return deny("Eviction request for target Pod");
  WebhookDecision d;
  d.kind = WebhookDecision::Kind::Mark;
  d.message = triggered;
  d.evacuationNode = podNode;
  d.fromDescheduler = in.evictionAnnotations.is_object() &&
                      in.evictionAnnotations.value("requested-by", "") == "sigs.k8s.io/descheduler";
  return d;
}

}  // namespace sim

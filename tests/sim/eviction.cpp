#include "eviction.hpp"

#include <cmath>

#include "body.hpp"
#include "eviction_webhook.hpp"
#include "http_util.hpp"
#include "services.hpp"
#include "status_errors.hpp"

namespace sim {

using nlohmann::json;

namespace {

const ResourceInfo& res(const char* group, const char* version, const char* plural) {
  return *findResource(group, version, plural);
}

Labels labelsOf(const json& obj) {
  Labels l;
  if (obj.contains("/metadata/labels"_json_pointer))
    for (auto& [k, v] : obj["metadata"]["labels"].items())
      if (v.is_string()) l[k] = v.get<std::string>();
  return l;
}

bool podHealthy(const json& pod) {
  if (pod["metadata"].contains("deletionTimestamp")) return false;
  if (pod.value("/status/phase"_json_pointer, "") != "Running") return false;
  if (pod.contains("/status/conditions"_json_pointer))
    for (const auto& c : pod["status"]["conditions"])
      if (c.value("type", "") == "Ready") return c.value("status", "") == "True";
  return false;
}

// An IntOrString against a total: "N%" rounds up, as the disruption controller does.
int scaled(const json& v, int total) {
  if (v.is_number_integer()) return v.get<int>();
  if (v.is_string()) {
    std::string s = v.get<std::string>();
    if (!s.empty() && s.back() == '%') {
      double pct = std::atof(s.substr(0, s.size() - 1).c_str());
      return static_cast<int>(std::ceil(pct * total / 100.0));
    }
    return std::atoi(s.c_str());
  }
  return 0;
}

void respondDenied(const std::string& webhookMessage) {
  json d = json::object();
  throw ApiError(429, "",
                 std::string("admission webhook \"") + kEvictionWebhookName + "\" denied the request: " + webhookMessage,
                 d);
}

}  // namespace

bool pdbSelects(const json& pdb, const json& pod) {
  if (!pdb.contains("/spec/selector"_json_pointer) || pdb["spec"]["selector"].is_null()) return false;
  const json& sel = pdb["spec"]["selector"];
  std::string text;
  if (sel.contains("matchLabels") && sel["matchLabels"].is_object())
    for (auto& [k, v] : sel["matchLabels"].items()) text += (text.empty() ? "" : ",") + k + "=" + v.get<std::string>();
  if (sel.contains("matchExpressions") && sel["matchExpressions"].is_array())
    for (const auto& e : sel["matchExpressions"]) {
      std::string op = e.value("operator", "");
      std::string key = e.value("key", "");
      std::string vals;
      if (e.contains("values"))
        for (const auto& v : e["values"]) vals += (vals.empty() ? "" : ",") + v.get<std::string>();
      std::string term;
      if (op == "In") term = key + " in (" + vals + ")";
      else if (op == "NotIn") term = key + " notin (" + vals + ")";
      else if (op == "Exists") term = key;
      else if (op == "DoesNotExist") term = "!" + key;
      else return false;
      text += (text.empty() ? "" : ",") + term;
    }
  try {
    return LabelSelector::parse(text).matches(labelsOf(pod));  // {} selects every pod (policy/v1)
  } catch (const std::invalid_argument&) {
    return false;
  }
}

PdbVerdict evaluatePdb(const json& pdb, const std::vector<json>& pods) {
  PdbVerdict v;
  for (const auto& p : pods) {
    if (p["metadata"].contains("deletionTimestamp")) continue;
    ++v.expected;
    if (podHealthy(p)) ++v.healthy;
  }
  const json& spec = pdb["spec"];
  if (spec.contains("minAvailable")) v.desiredHealthy = scaled(spec["minAvailable"], v.expected);
  else if (spec.contains("maxUnavailable")) v.desiredHealthy = std::max(0, v.expected - scaled(spec["maxUnavailable"], v.expected));
  v.disruptionsAllowed = std::max(0, v.healthy - v.desiredHealthy);
  return v;
}

void handleEviction(Services& s, Call& c) {
  json body = readBody(c.req, true);
  if (!body.is_object()) throw badRequest("invalid Eviction in request body");
  const std::string apiVersion = body.value("apiVersion", "");
  if (body.value("kind", "") != "Eviction" || (apiVersion != "policy/v1" && apiVersion != "policy/v1beta1"))
    throw badRequest("the body must be a policy/v1 or policy/v1beta1 Eviction (got kind \"" + body.value("kind", "") +
                     "\", apiVersion \"" + apiVersion + "\")");
  const std::string bodyName = body.value("/metadata/name"_json_pointer, "");
  if (!bodyName.empty() && bodyName != c.info.name)
    throw badRequest("name in URL does not match name in Eviction object");
  bool dryRun = c.dryRun;
  json opts = body.value("deleteOptions", json::object());
  if (opts.contains("dryRun") && opts["dryRun"].is_array())
    for (const auto& d : opts["dryRun"]) dryRun = dryRun || d == "All";
  c.dryRun = dryRun;
  c.audit["dryRun"] = dryRun;

  std::string sideEffect;
  Store::DeleteResult result;
  try {
    result = evictPod(s, c.info.ns, c.info.name, body.value("/metadata/annotations"_json_pointer, json::object()), opts,
                      dryRun, &sideEffect);
  } catch (...) {
    if (!sideEffect.empty()) c.audit["sideEffect"] = sideEffect;  // the webhook marked the VMI, then answered 429
    throw;
  }
  c.audit["mutation"] = !dryRun;
  if (result.object && result.object->rv) c.audit["resourceVersion"] = std::to_string(result.object->rv);
  sendBody(c.req, c.res, 201, successStatus(201).dump());
}

Store::DeleteResult evictPod(Services& s, const std::string& ns, const std::string& name, const json& evictionAnnotations,
                             const json& opts, bool dryRun, std::string* sideEffect) {
  const ResourceInfo& pods = res("", "v1", "pods");
  ObjPtr podObj = s.store.get(pods, ns, name);
  if (!podObj) throw notFound(pods, name);
  json pod = podObj->parse();

  // 1. KubeVirt's validating webhook on pods/eviction.
  WebhookInput in;
  in.pod = pod;
  in.evictionAnnotations = evictionAnnotations;
  const ResourceInfo& vmis = res("kubevirt.io", "v1", "virtualmachineinstances");
  const std::string domain = pod.value("/metadata/annotations/kubevirt.io~1domain"_json_pointer, "");
  if (!domain.empty()) {
    if (ObjPtr v = s.store.get(vmis, ns, domain)) in.vmi = v->parse();
    else in.vmiLookupError = notFound(vmis, domain).what();
  }
  for (const auto& kv : s.store.all(res("kubevirt.io", "v1", "kubevirts"))) {
    in.clusterEvictionStrategy = kv.value("/spec/configuration/evictionStrategy"_json_pointer, "");
    break;
  }
  if (pod.value("/metadata/labels/kubevirt.io"_json_pointer, "") == "hotplug-disk" &&
      pod.contains("/metadata/ownerReferences"_json_pointer) && pod["metadata"]["ownerReferences"].size() == 1) {
    const std::string owner = pod["metadata"]["ownerReferences"][0].value("name", "");
    if (ObjPtr launcher = s.store.get(pods, ns, owner)) {
      json l = launcher->parse();
      const std::string phase = l.value("/status/phase"_json_pointer, "");
      const std::string vmiName = l.value("/metadata/annotations/kubevirt.io~1domain"_json_pointer, "");
      in.hotplugOwnerLiveWithVmi = phase != "Succeeded" && phase != "Failed" && !vmiName.empty() &&
                                   s.store.get(vmis, ns, vmiName) != nullptr;
    }
  }
  WebhookDecision d = decideEviction(in);
  if (d.kind == WebhookDecision::Kind::Deny) respondDenied(d.message);
  if (d.kind == WebhookDecision::Kind::Mark) {
    try {
      ObjPtr marked = s.store.modify(
          vmis, ns, domain,
          [&](json& vmi) {
            vmi["status"]["evacuationNodeName"] = d.evacuationNode;
            if (d.fromDescheduler) vmi["metadata"]["annotations"]["kubevirt.io/eviction-source"] = "descheduler";
          },
          dryRun);
      if (!dryRun && sideEffect) *sideEffect = "vmi " + ns + "/" + domain + " evacuationNodeName=" + d.evacuationNode;
    } catch (const ApiError& e) {
      respondDenied(e.what());
    }
    respondDenied(d.message);
  }

  // 2. PodDisruptionBudgets (skipped for pods that are not running, like the API server).
  const std::string phase = pod.value("/status/phase"_json_pointer, "");
  const bool ignorePdb = phase == "Succeeded" || phase == "Failed" || phase == "Pending" ||
                         pod["metadata"].contains("deletionTimestamp");
  if (!ignorePdb) {
    std::vector<json> matching;
    for (auto& pdb : s.store.all(res("policy", "v1", "poddisruptionbudgets"), ns))
      if (pdbSelects(pdb, pod)) matching.push_back(std::move(pdb));
    if (matching.size() > 1)
      throw internalError("This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.");
    if (matching.size() == 1) {
      std::vector<json> selected;
      for (auto& p : s.store.all(pods, ns))
        if (pdbSelects(matching[0], p)) selected.push_back(std::move(p));
      PdbVerdict v = evaluatePdb(matching[0], selected);
      if (v.disruptionsAllowed <= 0) {
        const std::string pdbName = matching[0]["metadata"].value("name", "");
        json details = {{"causes",
                         {{{"reason", "DisruptionBudget"},
                           {"message", "The disruption budget " + pdbName + " needs " +
                                           std::to_string(v.desiredHealthy) + " healthy pods and has " +
                                           std::to_string(v.healthy) + " currently"}}}}};
        throw ApiError(429, "TooManyRequests", "Cannot evict pod as it would violate the pod's disruption budget.",
                       details);
      }
    }
  }

  // 3. Delete the pod.
  return deleteObject(s, pods, ns, name, opts, dryRun);
}

}  // namespace sim

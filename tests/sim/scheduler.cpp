#include "scheduler.hpp"

#include <algorithm>
#include <cstdlib>
#include <set>
#include <tuple>

#include "quantity.hpp"

namespace sim::sched {

using nlohmann::json;

namespace {

std::string strAt(const json& j, const char* pointer) {
  const json::json_pointer p(pointer);
  return j.contains(p) && j.at(p).is_string() ? j.at(p).get<std::string>() : "";
}

const json& arrayAt(const json& j, const char* pointer) {
  static const json empty = json::array();
  const json::json_pointer p(pointer);
  return j.contains(p) && j.at(p).is_array() ? j.at(p) : empty;
}

std::map<std::string, std::string> stringMap(const json& j) {
  std::map<std::string, std::string> out;
  if (j.is_object())
    for (const auto& [k, v] : j.items())
      if (v.is_string()) out[k] = v.get<std::string>();
  return out;
}

void addList(ResourceList& into, const json& list) {
  if (!list.is_object()) return;
  for (const auto& [k, v] : list.items())
    if (v.is_string())
      if (auto q = parseQuantityMilli(v.get<std::string>())) into[k] += *q;
}

ResourceList containerRequests(const json& c) {
  ResourceList r;
  addList(r, c.value("/resources/requests"_json_pointer, json::object()));
  ResourceList limits;
  addList(limits, c.value("/resources/limits"_json_pointer, json::object()));
  for (const auto& [k, v] : limits)
    if (!r.count(k)) r[k] = v;  // requests default to limits
  return r;
}

// selection.Operator semantics of a NodeSelectorRequirement on one value (label present or not).
bool requirementMatches(const json& req, const std::map<std::string, std::string>& labels) {
  const std::string key = req.value("key", "");
  const std::string op = req.value("operator", "");
  const auto it = labels.find(key);
  const bool has = it != labels.end();
  std::vector<std::string> values;
  for (const auto& v : req.value("values", json::array()))
    if (v.is_string()) values.push_back(v.get<std::string>());
  const bool in = has && std::find(values.begin(), values.end(), it->second) != values.end();
  if (op == "In") return in;
  if (op == "NotIn") return !in;
  if (op == "Exists") return has;
  if (op == "DoesNotExist") return !has;
  if (op == "Gt" || op == "Lt") {
    // nodeaffinity.go: exactly one integer value; a missing or non-integer label does not match.
    if (!has || values.size() != 1) return false;
    char* e1 = nullptr;
    char* e2 = nullptr;
    const long long lv = std::strtoll(it->second.c_str(), &e1, 10);
    const long long rv = std::strtoll(values[0].c_str(), &e2, 10);
    if (*e1 != '\0' || *e2 != '\0' || it->second.empty() || values[0].empty()) return false;
    return op == "Gt" ? lv > rv : lv < rv;
  }
  return false;  // an unknown operator is a parse error: the term does not match
}

bool termEmpty(const json& term) {
  return arrayAt(term, "/matchExpressions").empty() && arrayAt(term, "/matchFields").empty();
}

// Topology values (node label topologyKey) of nodes holding a pod that matches term, for the pod in ns.
bool termSelectsPod(const json& term, const std::string& termOwnerNs, const std::string& podNs,
                    const std::map<std::string, std::string>& podLabels) {
  // PodAffinityTerm namespaces: empty means the owner's namespace (namespaceSelector is not modelled).
  const json& nss = arrayAt(term, "/namespaces");
  bool nsOk = nss.empty() ? podNs == termOwnerNs : false;
  for (const auto& n : nss)
    if (n.is_string() && n.get<std::string>() == podNs) nsOk = true;
  if (!nsOk) return false;
  const json sel = term.value("labelSelector", json());
  if (!sel.is_object()) return false;  // a nil selector matches nothing
  return labelSelectorMatches(sel, podLabels);
}

}  // namespace

NodeInfo nodeInfo(const json& node) {
  NodeInfo n;
  n.name = strAt(node, "/metadata/name");
  n.labels = stringMap(node.value("/metadata/labels"_json_pointer, json::object()));
  if (!n.labels.count("kubernetes.io/hostname")) n.labels["kubernetes.io/hostname"] = n.name;
  n.taints = arrayAt(node, "/spec/taints");
  n.unschedulable = node.value("/spec/unschedulable"_json_pointer, false);
  for (const auto& c : arrayAt(node, "/status/conditions")) {
    if (c.value("type", "") != "Ready" || c.value("status", "") == "True") continue;
    const std::string key = c.value("status", "") == "False" ? "node.kubernetes.io/not-ready" : "node.kubernetes.io/unreachable";
    bool present = false;
    for (const auto& t : n.taints)
      if (t.value("key", "") == key && t.value("effect", "") == "NoSchedule") present = true;
    if (!present) n.taints.push_back({{"key", key}, {"effect", "NoSchedule"}});
  }
  const json::json_pointer ap("/status/allocatable");
  if (node.contains(ap) && node.at(ap).is_object() && !node.at(ap).empty()) {
    n.hasAllocatable = true;
    addList(n.allocatable, node.at(ap));
  }
  return n;
}

ResourceList podRequests(const json& pod) {
  ResourceList sum;
  for (const auto& c : arrayAt(pod, "/spec/containers"))
    for (const auto& [k, v] : containerRequests(c)) sum[k] += v;
  for (const auto& c : arrayAt(pod, "/spec/initContainers"))
    for (const auto& [k, v] : containerRequests(c)) sum[k] = std::max(sum[k], v);
  addList(sum, pod.value("/spec/overhead"_json_pointer, json::object()));
  return sum;
}

BoundPod boundPod(const json& pod) {
  BoundPod b;
  b.ns = strAt(pod, "/metadata/namespace");
  b.name = strAt(pod, "/metadata/name");
  b.node = strAt(pod, "/spec/nodeName");
  b.labels = stringMap(pod.value("/metadata/labels"_json_pointer, json::object()));
  b.requests = podRequests(pod);
  b.antiAffinityTerms = arrayAt(pod, "/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution");
  return b;
}

void account(std::vector<NodeInfo>& nodes, const BoundPod& pod) {
  for (auto& n : nodes)
    if (n.name == pod.node) {
      for (const auto& [k, v] : pod.requests) n.requested[k] += v;
      ++n.podCount;
      return;
    }
}

bool toleratesTaint(const json& t, const json& taint) {
  const std::string effect = t.value("effect", "");
  if (!effect.empty() && effect != taint.value("effect", "")) return false;
  const std::string key = t.value("key", "");
  if (!key.empty() && key != taint.value("key", "")) return false;
  const std::string op = t.value("operator", "");
  if (op.empty() || op == "Equal") return t.value("value", "") == taint.value("value", "");
  return op == "Exists";
}

const json* findUntoleratedTaint(const json& taints, const json& tolerations) {
  if (!taints.is_array()) return nullptr;
  for (const auto& taint : taints) {
    const std::string effect = taint.value("effect", "");
    if (effect != "NoSchedule" && effect != "NoExecute") continue;
    bool tolerated = false;
    if (tolerations.is_array())
      for (const auto& t : tolerations)
        if (toleratesTaint(t, taint)) tolerated = true;
    if (!tolerated) return &taint;
  }
  return nullptr;
}

bool matchesNodeSelectorTerms(const json& terms, const NodeInfo& node) {
  if (!terms.is_array()) return false;
  const std::map<std::string, std::string> fields = {{"metadata.name", node.name}};
  for (const auto& term : terms) {
    if (termEmpty(term)) continue;
    bool all = true;
    for (const auto& r : arrayAt(term, "/matchExpressions")) all = all && requirementMatches(r, node.labels);
    for (const auto& r : arrayAt(term, "/matchFields")) {
      // Only metadata.name is a valid field, and only with In/NotIn of one value.
      all = all && r.value("key", "") == "metadata.name" && requirementMatches(r, fields);
    }
    if (all) return true;
  }
  return false;
}

bool matchesRequiredNodeAffinity(const json& pod, const NodeInfo& node) {
  const json sel = pod.value("/spec/nodeSelector"_json_pointer, json::object());
  if (sel.is_object())
    for (const auto& [k, v] : sel.items()) {
      const auto it = node.labels.find(k);
      if (it == node.labels.end() || !v.is_string() || it->second != v.get<std::string>()) return false;
    }
  const json::json_pointer rp("/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution");
  if (!pod.contains(rp) || pod.at(rp).is_null()) return true;
  return matchesNodeSelectorTerms(pod.at(rp).value("nodeSelectorTerms", json::array()), node);
}

bool labelSelectorMatches(const json& selector, const std::map<std::string, std::string>& labels) {
  const json matchLabels = selector.value("matchLabels", json::object());
  for (const auto& [k, v] : matchLabels.items()) {
    const auto it = labels.find(k);
    if (it == labels.end() || !v.is_string() || it->second != v.get<std::string>()) return false;
  }
  for (const auto& r : selector.value("matchExpressions", json::array())) {
    const std::string op = r.value("operator", "");
    if (op != "In" && op != "NotIn" && op != "Exists" && op != "DoesNotExist") return false;
    if (!requirementMatches(r, labels)) return false;
  }
  return true;
}

Decision schedule(const json& pod, const std::vector<NodeInfo>& nodes, const std::vector<BoundPod>& pods) {
  std::vector<const BoundPod*> ptrs;
  ptrs.reserve(pods.size());
  for (const auto& p : pods) ptrs.push_back(&p);
  return schedule(pod, nodes, ptrs);
}

Decision schedule(const json& pod, const std::vector<NodeInfo>& nodes, const std::vector<const BoundPod*>& pods) {
  Decision d;
  const std::string ns = strAt(pod, "/metadata/namespace");
  const auto labels = stringMap(pod.value("/metadata/labels"_json_pointer, json::object()));
  const json tolerations = pod.value("/spec/tolerations"_json_pointer, json::array());
  const std::string wantedNode = strAt(pod, "/spec/nodeName");
  const ResourceList req = podRequests(pod);
  const json antiTerms = arrayAt(pod, "/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution");

  // interpodaffinity/filtering.go PreFilter: topology pairs (key=value) where the incoming pod's anti-affinity
  // terms find a matching pod, and where an existing pod's anti-affinity term matches the incoming pod.
  std::set<std::pair<std::string, std::string>> antiPairs, existingAntiPairs;
  std::map<std::string, const NodeInfo*> byName;
  for (const auto& n : nodes) byName[n.name] = &n;
  for (const BoundPod* pp : pods) {
    const BoundPod& p = *pp;
    if (antiTerms.empty() && p.antiAffinityTerms.empty()) continue;  // nothing to learn from this pod
    const auto it = byName.find(p.node);
    if (it == byName.end()) continue;
    const NodeInfo* n = it->second;
    for (const auto& term : antiTerms) {
      const std::string key = term.value("topologyKey", "");
      const auto tv = n->labels.find(key);
      if (tv != n->labels.end() && termSelectsPod(term, ns, p.ns, p.labels)) antiPairs.insert({key, tv->second});
    }
    for (const auto& term : p.antiAffinityTerms) {
      const std::string key = term.value("topologyKey", "");
      const auto tv = n->labels.find(key);
      if (tv != n->labels.end() && termSelectsPod(term, p.ns, ns, labels)) existingAntiPairs.insert({key, tv->second});
    }
  }
  auto inPairs = [](const std::set<std::pair<std::string, std::string>>& pairs, const NodeInfo& n) {
    for (const auto& [k, v] : pairs) {
      const auto it = n.labels.find(k);
      if (it != n.labels.end() && it->second == v) return true;
    }
    return false;
  };

  for (const auto& n : nodes) {
    Verdict v;
    // nodeunschedulable/node_unschedulable.go Filter.
    static const json unschedulableTaint = {{"key", "node.kubernetes.io/unschedulable"}, {"effect", "NoSchedule"}};
    bool toleratesUnschedulable = false;
    if (tolerations.is_array())
      for (const auto& t : tolerations) toleratesUnschedulable = toleratesUnschedulable || toleratesTaint(t, unschedulableTaint);
    if (n.unschedulable && !toleratesUnschedulable) {
      v.reasons = {"node(s) were unschedulable"};
    } else if (!wantedNode.empty() && wantedNode != n.name) {  // nodename/node_name.go
      v.reasons = {"node(s) didn't match the requested node name"};
    } else if (const json* taint = findUntoleratedTaint(n.taints, tolerations)) {  // tainttoleration/taint_toleration.go
      v.reasons = {"node(s) had untolerated taint {" + taint->value("key", "") + ": " + taint->value("value", "") + "}"};
    } else if (!matchesRequiredNodeAffinity(pod, n)) {  // nodeaffinity/node_affinity.go ErrReasonPod
      v.reasons = {"node(s) didn't match Pod's node affinity/selector"};
    } else {
      // noderesources/fit.go fitsRequest: pods, cpu, memory, then the scalar resources.
      if (n.hasAllocatable) {
        auto allocatable = [&](const std::string& k) {
          auto it = n.allocatable.find(k);
          return it == n.allocatable.end() ? int64_t{0} : it->second;
        };
        auto used = [&](const std::string& k) {
          auto it = n.requested.find(k);
          return it == n.requested.end() ? int64_t{0} : it->second;
        };
        if (n.allocatable.count("pods") && static_cast<int64_t>(n.podCount + 1) * 1000 > allocatable("pods"))
          v.reasons.push_back("Too many pods");
        for (const auto& [k, want] : req) {
          if (want <= 0 || k == "pods") continue;
          if (want > allocatable(k) - used(k)) v.reasons.push_back("Insufficient " + k);
        }
        v.resolvable = !v.reasons.empty();
      }
      if (v.reasons.empty()) {
        // interpodaffinity/filtering.go Filter (required pod affinity is not modelled).
        if (inPairs(antiPairs, n)) v.reasons = {"node(s) didn't match pod anti-affinity rules"};
        else if (inPairs(existingAntiPairs, n)) v.reasons = {"node(s) didn't satisfy existing pods anti-affinity rules"};
        v.resolvable = !v.reasons.empty();
      }
    }
    d.verdicts.push_back(v);
  }

  // noderesources/least_allocated.go: the mean free share of cpu and memory after placing the pod.
  auto score = [&](const NodeInfo& n) {
    if (!n.hasAllocatable) return 100.0;
    double total = 0;
    for (const char* k : {"cpu", "memory"}) {
      auto a = n.allocatable.find(k);
      if (a == n.allocatable.end() || a->second <= 0) continue;
      auto u = n.requested.find(k);
      auto r = req.find(k);
      const double after = (u == n.requested.end() ? 0 : u->second) + (r == req.end() ? 0 : r->second);
      total += std::max(0.0, (a->second - after) * 100.0 / a->second);
    }
    return total / 2;
  };
  const NodeInfo* best = nullptr;
  double bestScore = -1;
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (!d.verdicts[i].fits()) continue;
    const double s = score(nodes[i]);
    if (!best || std::make_tuple(-s, nodes[i].podCount, nodes[i].name) < std::make_tuple(-bestScore, best->podCount, best->name)) {
      best = &nodes[i];
      bestScore = s;
    }
  }
  if (best) d.node = best->name;
  else d.message = fitErrorMessage(d.verdicts);
  return d;
}

std::string fitErrorMessage(const std::vector<Verdict>& verdicts) {
  auto histogram = [](const std::map<std::string, int>& reasons) {
    std::vector<std::string> out;
    for (const auto& [r, n] : reasons) out.push_back(std::to_string(n) + " " + r);
    std::sort(out.begin(), out.end());  // sort.Strings, as sortReasonsHistogram does
    std::string joined;
    for (const auto& s : out) joined += (joined.empty() ? "" : ", ") + s;
    return joined;
  };
  std::map<std::string, int> reasons, preemption;
  for (const auto& v : verdicts) {
    for (const auto& r : v.reasons) ++reasons[r];
    // preemption.go findCandidates/SelectVictimsOnNode: only Unschedulable nodes are tried, and with every pod at
    // priority 0 none has a lower-priority victim; the others get "Preemption is not helpful for scheduling".
    ++preemption[v.resolvable ? "No preemption victims found for incoming pod" : "Preemption is not helpful for scheduling"];
  }
  const std::string all = "0/" + std::to_string(verdicts.size()) + " nodes are available:";
  std::string msg = all;
  if (!reasons.empty()) msg += " " + histogram(reasons) + ".";
  // defaultpreemption.go PostFilter prefixes "preemption: "; FitError.Error appends it with " %v.".
  std::string post = all;
  if (!preemption.empty()) post += " " + histogram(preemption) + ".";
  msg += " preemption: " + post + ".";
  return msg;
}

}  // namespace sim::sched

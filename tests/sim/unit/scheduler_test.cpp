// The scheduler's filters and FitError message (scheduler.cpp), quantities, and
// the launcher pods virt-controller renders (launcher_template.cpp).
#include <doctest/doctest.h>

#include "launcher_template.hpp"
#include "quantity.hpp"
#include "scheduler.hpp"

using nlohmann::json;
namespace sched = sim::sched;

namespace {

json node(const std::string& name, json labels = json::object(), json taints = json::array(),
          json allocatable = {{"cpu", "4"}, {"memory", "8Gi"}, {"pods", "110"}}) {
  labels["kubernetes.io/hostname"] = name;
  return {{"metadata", {{"name", name}, {"labels", labels}}},
          {"spec", {{"taints", taints}}},
          {"status", {{"allocatable", allocatable}, {"conditions", {{{"type", "Ready"}, {"status", "True"}}}}}}};
}

json pod(json spec = json::object(), json labels = json::object()) {
  if (!spec.contains("containers"))
    spec["containers"] = {{{"name", "compute"}, {"resources", {{"requests", {{"cpu", "1"}, {"memory", "1Gi"}}}}}}};
  return {{"metadata", {{"name", "p"}, {"namespace", "ns"}, {"labels", labels}}}, {"spec", spec}};
}

sched::Decision run(const json& p, const std::vector<json>& nodes, const std::vector<json>& bound = {}) {
  std::vector<sched::NodeInfo> infos;
  for (const auto& n : nodes) infos.push_back(sched::nodeInfo(n));
  std::vector<sched::BoundPod> pods;
  for (const auto& b : bound) {
    pods.push_back(sched::boundPod(b));
    sched::account(infos, pods.back());
  }
  return sched::schedule(p, infos, pods);
}

std::string reason(const sched::Decision& d, size_t i) {
  return d.verdicts.at(i).reasons.empty() ? "" : d.verdicts.at(i).reasons.front();
}

}  // namespace

TEST_CASE("quantities parse to milli-units and render back") {
  CHECK(sim::parseQuantityMilli("100m") == 100);
  CHECK(sim::parseQuantityMilli("2") == 2000);
  CHECK(sim::parseQuantityMilli("2Gi") == 2LL * 1024 * 1024 * 1024 * 1000);
  CHECK(sim::parseQuantityMilli("1k") == 1000 * 1000);
  CHECK(sim::parseQuantityMilli("1e3") == 1000 * 1000);
  CHECK(sim::parseQuantityMilli("0.5") == 500);
  CHECK_FALSE(sim::parseQuantityMilli("12Qi"));
  CHECK_FALSE(sim::parseQuantityMilli(""));
  CHECK(sim::formatCpuMilli(400) == "400m");
  CHECK(sim::formatCpuMilli(2000) == "2");
  CHECK(sim::formatBytesMilli(*sim::parseQuantityMilli("2Gi")) == "2Gi");
  CHECK(sim::formatBytesMilli(*sim::parseQuantityMilli("2318Mi")) == "2318Mi");
}

TEST_CASE("scheduler: NodeUnschedulable - a cordoned node unless the pod tolerates the unschedulable taint") {
  json cordoned = node("n1");
  cordoned["spec"]["unschedulable"] = true;
  auto d = run(pod(), {cordoned});
  CHECK(d.node.empty());
  CHECK(reason(d, 0) == "node(s) were unschedulable");
  CHECK_FALSE(d.verdicts[0].resolvable);
  json tolerating = pod({{"tolerations", {{{"key", "node.kubernetes.io/unschedulable"}, {"operator", "Exists"}, {"effect", "NoSchedule"}}}}});
  CHECK(run(tolerating, {cordoned}).node == "n1");
}

TEST_CASE("scheduler: TaintToleration - NoSchedule and NoExecute must be tolerated, PreferNoSchedule is ignored") {
  const json cp = node("cp", json::object(), {{{"key", "node-role.kubernetes.io/control-plane"}, {"effect", "NoSchedule"}}});
  const json sap = node("sap", json::object(), {{{"key", "dedicated"}, {"value", "sap"}, {"effect", "NoExecute"}}});
  const json soft = node("soft", json::object(), {{{"key", "x"}, {"value", "y"}, {"effect", "PreferNoSchedule"}}});
  auto d = run(pod(), {cp, sap, soft});
  CHECK(reason(d, 0) == "node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }");
  CHECK(reason(d, 1) == "node(s) had untolerated taint {dedicated: sap}");
  CHECK(d.verdicts[2].fits());
  CHECK(d.node == "soft");
  // Equal needs the value; Exists any value; an empty key with Exists tolerates everything; the effect must match.
  CHECK(sched::toleratesTaint({{"key", "dedicated"}, {"value", "sap"}}, sap["spec"]["taints"][0]));
  CHECK_FALSE(sched::toleratesTaint({{"key", "dedicated"}, {"value", "erp"}}, sap["spec"]["taints"][0]));
  CHECK(sched::toleratesTaint({{"key", "dedicated"}, {"operator", "Exists"}}, sap["spec"]["taints"][0]));
  CHECK(sched::toleratesTaint({{"operator", "Exists"}}, cp["spec"]["taints"][0]));
  CHECK_FALSE(sched::toleratesTaint({{"key", "dedicated"}, {"operator", "Exists"}, {"effect", "NoSchedule"}}, sap["spec"]["taints"][0]));
  // A not-Ready node carries the lifecycle controller's not-ready NoSchedule taint, which the default
  // NoExecute toleration does not cover.
  json notReady = node("down");
  notReady["status"]["conditions"][0]["status"] = "False";
  json withDefaults = pod({{"tolerations", {{{"key", "node.kubernetes.io/not-ready"}, {"operator", "Exists"}, {"effect", "NoExecute"},
                                             {"tolerationSeconds", 300}}}}});
  CHECK(reason(run(withDefaults, {notReady}), 0) == "node(s) had untolerated taint {node.kubernetes.io/not-ready: }");
}

TEST_CASE("scheduler: NodeAffinity - nodeSelector and required terms (ORed terms, ANDed expressions)") {
  const json a = node("a", {{"zone", "z1"}, {"gen", "5"}, {"ssd", "true"}});
  const json b = node("b", {{"zone", "z2"}, {"gen", "3"}});
  auto names = [&](const json& p) {
    auto d = run(p, {a, b});
    std::string out;
    for (size_t i = 0; i < 2; ++i) out += d.verdicts[i].fits() ? (i ? "b" : "a") : "";
    return out;
  };
  auto terms = [](json t) {
    return pod({{"affinity", {{"nodeAffinity", {{"requiredDuringSchedulingIgnoredDuringExecution", {{"nodeSelectorTerms", t}}}}}}}});
  };
  auto expr = [](const std::string& key, const std::string& op, json values = json::array()) {
    json e = {{"key", key}, {"operator", op}};
    if (!values.empty()) e["values"] = values;
    return json{{{"matchExpressions", {e}}}};
  };
  CHECK(names(pod({{"nodeSelector", {{"zone", "z1"}}}})) == "a");
  CHECK(names(terms(expr("zone", "In", {"z2", "z3"}))) == "b");
  CHECK(names(terms(expr("zone", "NotIn", {"z2"}))) == "a");
  CHECK(names(terms(expr("ssd", "Exists"))) == "a");
  CHECK(names(terms(expr("ssd", "DoesNotExist"))) == "b");
  CHECK(names(terms(expr("gen", "Gt", {"4"}))) == "a");
  CHECK(names(terms(expr("gen", "Lt", {"4"}))) == "b");
  CHECK(names(terms(expr("missing", "Gt", {"1"}))) == "");
  CHECK(names(terms({{{"matchFields", {{{"key", "metadata.name"}, {"operator", "In"}, {"values", {"b"}}}}}}})) == "b");
  // Terms are ORed; expressions within a term ANDed; an empty term matches nothing.
  json two = expr("zone", "In", {"z1"});
  two.push_back(expr("zone", "In", {"z2"})[0]);
  CHECK(names(terms(two)) == "ab");
  json both = {{{"matchExpressions", {{{"key", "zone"}, {"operator", "In"}, {"values", {"z1"}}},
                                       {{"key", "gen"}, {"operator", "In"}, {"values", {"3"}}}}}}};
  CHECK(names(terms(both)) == "");
  CHECK(names(terms(json::array({json::object()}))) == "");
  CHECK(reason(run(pod({{"nodeSelector", {{"zone", "z9"}}}}), {a}), 0) == "node(s) didn't match Pod's node affinity/selector");
}

TEST_CASE("scheduler: NodeResourcesFit - requests against allocatable minus the bound pods' requests") {
  json full = pod();
  full["metadata"]["name"] = "other";
  full["spec"]["nodeName"] = "n1";
  full["spec"]["containers"][0]["resources"]["requests"] = {{"cpu", "3500m"}, {"memory", "7500Mi"}};
  json hugeContainer = {{"name", "compute"}};
  hugeContainer["resources"]["requests"] = {{"cpu", "100m"}, {"memory", "1Gi"}};
  hugeContainer["resources"]["limits"] = {{"hugepages-1Gi", "2Gi"}};
  json hugeSpec = json::object();
  hugeSpec["containers"] = json::array({hugeContainer});
  json huge = pod(hugeSpec);
  auto d = run(pod(), {node("n1")}, {full});
  REQUIRE(d.verdicts[0].reasons.size() == 2);
  CHECK(d.verdicts[0].reasons[0] == "Insufficient cpu");
  CHECK(d.verdicts[0].reasons[1] == "Insufficient memory");
  CHECK(d.verdicts[0].resolvable);
  CHECK(reason(run(huge, {node("n1")}), 0) == "Insufficient hugepages-1Gi");  // requested at its limit
  CHECK(run(huge, {node("n1", json::object(), json::array(), {{"cpu", "4"}, {"memory", "8Gi"}, {"pods", "110"}, {"hugepages-1Gi", "2Gi"}})}).node == "n1");
  CHECK(reason(run(pod(), {node("n1", json::object(), json::array(), {{"cpu", "4"}, {"memory", "8Gi"}, {"pods", "1"}})}, {full}), 0) == "Too many pods");
  // A node loaded without status.allocatable is not resource-checked.
  json bare = node("bare");
  bare["status"].erase("allocatable");
  CHECK(run(pod(), {bare}, {full}).node == "bare");
  // Terminal pods are not in the scheduler's cache, so they free their requests (the controller drops them).
}

TEST_CASE("scheduler: InterPodAffinity - required anti-affinity per hostname against matching pods") {
  json source = pod({{"nodeName", "n1"}}, {{"kubevirt.io/created-by", "vmi-uid"}});
  source["metadata"]["name"] = "source";
  const json target = pod({{"affinity", {{"podAntiAffinity", {{"requiredDuringSchedulingIgnoredDuringExecution",
                                                                {{{"labelSelector", {{"matchLabels", {{"kubevirt.io/created-by", "vmi-uid"}}}}},
                                                                  {"topologyKey", "kubernetes.io/hostname"}}}}}}}}});
  auto d = run(target, {node("n1"), node("n2")}, {source});
  CHECK(reason(d, 0) == "node(s) didn't match pod anti-affinity rules");
  CHECK(d.verdicts[0].resolvable);
  CHECK(d.node == "n2");
  // Another namespace's pod does not count (the term's namespaces default to the pod's own).
  source["metadata"]["namespace"] = "elsewhere";
  CHECK(run(target, {node("n1")}, {source}).node == "n1");
  // An existing pod's anti-affinity keeps matching pods away from its node.
  json guard = pod({{"nodeName", "n1"}, {"affinity", {{"podAntiAffinity", {{"requiredDuringSchedulingIgnoredDuringExecution",
                                                                         {{{"labelSelector", {{"matchLabels", {{"app", "db"}}}}},
                                                                           {"topologyKey", "kubernetes.io/hostname"}}}}}}}}});
  CHECK(reason(run(pod(json::object(), {{"app", "db"}}), {node("n1")}, {guard}), 0) ==
        "node(s) didn't satisfy existing pods anti-affinity rules");
}

TEST_CASE("scheduler: the first failing filter per node, the FitError message and the choice of node") {
  const json cp = node("cp", json::object(), {{{"key", "node-role.kubernetes.io/control-plane"}, {"effect", "NoSchedule"}}});
  json w1 = node("w1"), w2 = node("w2"), w3 = node("w3", {{"pool", "db"}});
  w2["spec"]["unschedulable"] = true;
  json source = pod({{"nodeName", "w3"}}, {{"kubevirt.io/created-by", "u"}});
  json p = pod({{"nodeSelector", {{"pool", "db"}}},
                {"affinity", {{"podAntiAffinity", {{"requiredDuringSchedulingIgnoredDuringExecution",
                                                    {{{"labelSelector", {{"matchLabels", {{"kubevirt.io/created-by", "u"}}}}},
                                                      {"topologyKey", "kubernetes.io/hostname"}}}}}}}}});
  auto d = run(p, {cp, w1, w2, w3}, {source});
  CHECK(d.node.empty());
  CHECK(d.message ==
        "0/4 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) didn't match pod "
        "anti-affinity rules, 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 1 node(s) were "
        "unschedulable. preemption: 0/4 nodes are available: 1 No preemption victims found for incoming pod, 3 "
        "Preemption is not helpful for scheduling..");
  // Least allocated first, then fewer pods, then the name.
  json busy = pod({{"nodeName", "w1"}});
  CHECK(run(pod(), {node("w1"), node("w2")}, {busy}).node == "w2");
  CHECK(run(pod(), {node("w2"), node("w1")}).node == "w1");
}

TEST_CASE("launcher pods render the VMI's placement and requests as virt-controller does") {
  const json vmi = {{"metadata", {{"name", "vm1"}, {"namespace", "ns"}, {"uid", "uid-1"}, {"labels", {{"app", "x"}}}}},
                    {"spec", {{"architecture", "amd64"},
                              {"nodeSelector", {{"disk", "ssd"}}},
                              {"tolerations", {{{"key", "dedicated"}, {"value", "sap"}, {"effect", "NoSchedule"}}}},
                              {"domain", {{"cpu", {{"sockets", 4}, {"cores", 1}, {"threads", 1}, {"model", "host-model"}}},
                                          {"memory", {{"guest", "8Gi"}}}}}}},
                    {"status", {{"nodeName", "w1"}}}};
  const json p = sim::kv::launcherPod(vmi, "img", "");
  const json& sel = p["spec"]["nodeSelector"];
  CHECK(sel == json{{"kubevirt.io/schedulable", "true"}, {"kubernetes.io/arch", "amd64"}, {"disk", "ssd"}});
  CHECK(p["spec"]["tolerations"].size() == 3);  // the VMI's plus not-ready/unreachable NoExecute 300 s
  CHECK(p["spec"]["tolerations"][1] == json{{"key", "node.kubernetes.io/not-ready"}, {"operator", "Exists"},
                                            {"effect", "NoExecute"}, {"tolerationSeconds", 300}});
  CHECK(p["spec"]["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"][0]
         ["matchExpressions"][0]["key"] == "node-labeller.kubevirt.io/obsolete-host-model");
  const json& req = p["spec"]["containers"][0]["resources"]["requests"];
  CHECK(req["cpu"] == "400m");  // 4 vCPUs / cpuAllocationRatio 10
  // 8Gi + 8Gi/512 + 240Mi + 4 × 8Mi + 8Mi + 32Mi
  CHECK(req["memory"] == "8520Mi");

  json big = vmi;
  big["spec"]["domain"]["cpu"] = {{"sockets", 2}, {"dedicatedCpuPlacement", true}, {"model", "Cascadelake-Server"}};
  big["spec"]["domain"]["memory"] = {{"guest", "4Gi"}, {"hugepages", {{"pageSize", "1Gi"}}}};
  const json q = sim::kv::launcherPod(big, "img", "");
  CHECK(q["spec"]["nodeSelector"]["kubevirt.io/cpumanager"] == "true");
  CHECK(q["spec"]["nodeSelector"]["cpu-model.node.kubevirt.io/Cascadelake-Server"] == "true");
  CHECK_FALSE(q["spec"].contains("affinity"));  // a named CPU model: no obsolete-host-model rule
  CHECK(q["spec"]["containers"][0]["resources"]["requests"]["hugepages-1Gi"] == "4Gi");
  CHECK(q["spec"]["containers"][0]["resources"]["requests"]["cpu"] == "2");
  CHECK(q["spec"]["containers"][0]["resources"]["limits"]["cpu"] == "2");

  // The migration target: anti-affinity, addedNodeSelector under the VMI's keys, the source's host-model CPU.
  const json vmim = {{"metadata", {{"name", "m1"}, {"uid", "mig-1"}}},
                     {"spec", {{"addedNodeSelector", {{"disk", "nvme"}, {"rack", "r7"}}}}}};
  const json sourceNode = {{"metadata", {{"name", "w1"}, {"labels", {{"host-model-cpu.node.kubevirt.io/Icelake-Server", "true"},
                                                                     {"host-model-required-features.node.kubevirt.io/vmx", "true"},
                                                                     {"cpu-vendor.node.kubevirt.io/Intel", "true"}}}}}};
  std::string error;
  const json t = sim::kv::migrationTargetPod(vmi, vmim, json::object(), sourceNode, "img", &error);
  CHECK(error.empty());
  CHECK(t["metadata"]["labels"]["kubevirt.io/migrationJobUID"] == "mig-1");
  CHECK(t["spec"]["nodeSelector"]["disk"] == "ssd");
  CHECK(t["spec"]["nodeSelector"]["rack"] == "r7");
  CHECK(t["spec"]["nodeSelector"]["cpu-model-migration.node.kubevirt.io/Icelake-Server"] == "true");
  CHECK(t["spec"]["nodeSelector"]["cpu-feature.node.kubevirt.io/vmx"] == "true");
  CHECK(t["spec"]["nodeSelector"]["cpu-vendor.node.kubevirt.io/Intel"] == "true");
  CHECK(t["spec"]["affinity"]["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"][0] ==
        json{{"labelSelector", {{"matchLabels", {{"kubevirt.io/created-by", "uid-1"}}}}}, {"topologyKey", "kubernetes.io/hostname"}});
  // Migrated before: the source pod's CPU selectors are kept, not the node's.
  const json sourcePod = {{"spec", {{"nodeSelector", {{"cpu-model-migration.node.kubevirt.io/Skylake-Server", "true"}}}}}};
  const json again = sim::kv::migrationTargetPod(vmi, vmim, sourcePod, sourceNode, "img", &error);
  CHECK(again["spec"]["nodeSelector"].contains("cpu-model-migration.node.kubevirt.io/Skylake-Server"));
  CHECK_FALSE(again["spec"]["nodeSelector"].contains("cpu-model-migration.node.kubevirt.io/Icelake-Server"));
  // A host-model VMI on a node without the node labeller's host-model label cannot get a target pod.
  CHECK(sim::kv::migrationTargetPod(vmi, vmim, json::object(), json::object(), "img", &error).is_null());
  CHECK(error.find("unable to locate host cpu model") == 0);
}

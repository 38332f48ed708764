// Target placement (lib/decide/placement): each node filter on literal nodes, the target pod KubeVirt
// renders (host-model CPU labels, CPU vendor, addedNodeSelector, anti-affinity), and how the plan
// carries the outcome. Quantities first: every capacity figure goes through them.
#include <doctest/doctest.h>

#include <cstdint>
#include <limits>

#include "cluster/placement_interner.hpp"
#include "decide/placement.hpp"
#include "decide_fixture.hpp"
#include "strategy/quantity.hpp"

using namespace decide_fixture;
using wu::cluster::Node;
using wu::cluster::NodeSelectorRequirement;
using wu::cluster::NodeSelectorTerm;
using wu::cluster::PodPlacement;
using wu::cluster::Taint;
using wu::cluster::Toleration;
using wu::decide::NodeRoom;
using wu::decide::Outcome;
using wu::decide::PlacementModel;
using wu::decide::TargetPod;

namespace {

constexpr std::int64_t kGiMilli = 1024LL * 1024 * 1024 * 1000;  // milli-bytes

Node node(const std::string& name, wu::cluster::Labels labels = {}) {
  Node n;
  n.name = name;
  n.labels = std::move(labels);
  n.labels.emplace_back("kubernetes.io/hostname", name);
  n.labels.emplace_back("kubevirt.io/schedulable", "true");
  n.ready = true;
  n.allocatable = {{"cpu", 16000}, {"memory", 64 * kGiMilli}, {"pods", 110000}};
  return n;
}

PodPlacement launcher_placement(std::int64_t memory_gi = 4) {
  PodPlacement p;
  p.node_selector = {{"kubevirt.io/schedulable", "true"}};
  p.tolerations = {{"node.kubernetes.io/not-ready", "Exists", "", "NoExecute"},
                   {"node.kubernetes.io/unreachable", "Exists", "", "NoExecute"}};
  p.requests = {{"cpu", 1000}, {"memory", memory_gi * kGiMilli}, {"pods", 1000}};
  return p;
}

// The first filter that rejects `n` for a target pod with placement `p` ("" = none).
std::string rejected_by(const PodPlacement& p, const Node& n, wu::cluster::ResourceList free = {},
                        bool capacity = false) {
  TargetPod pod;
  pod.source = &p;
  pod.node_selector = p.node_selector;
  NodeRoom room{&n, free.empty() ? n.allocatable : free, capacity};
  for (const auto& f : wu::decide::node_filters())
    if (auto r = f.apply(pod, room)) return r->filter + ": " + r->detail;
  return "";
}

// A snapshot of `vmis` on the given nodes, each launcher pod with `placement`.
Snapshot placed(std::vector<Vmi> vmis, std::vector<Node> nodes, const PodPlacement& placement = launcher_placement()) {
  Snapshot s = cluster(vmis);
  auto shared = wu::cluster::intern_placement(PodPlacement(placement));
  for (auto& p : s.pods) p.placement = shared;
  s.nodes = std::move(nodes);
  s.nodes_known = s.capacity_known = true;
  return s;
}

}  // namespace

TEST_CASE("quantities are read in milli-units, rounded up, as Quantity.MilliValue") {
  using wu::strategy::quantity_milli;
  CHECK(quantity_milli("500m") == 500);
  CHECK(quantity_milli("2") == 2000);
  CHECK(quantity_milli("1.5") == 1500);
  CHECK(quantity_milli("1Ki") == 1024000);
  CHECK(quantity_milli("4Gi") == 4 * kGiMilli);
  CHECK(quantity_milli("2e3") == 2000000);
  CHECK(quantity_milli("1k") == 1000000);
  CHECK(quantity_milli("0.1m") == 1);
  CHECK(quantity_milli("100n") == 1);
  CHECK(quantity_milli("-1") == -1000);
  CHECK_FALSE(quantity_milli("").has_value());
  CHECK_FALSE(quantity_milli("Gi").has_value());
  CHECK_FALSE(quantity_milli("1Gb").has_value());
  CHECK_FALSE(quantity_milli("1e").has_value());
  CHECK(quantity_milli("99999999999999999999Ei") == std::numeric_limits<std::int64_t>::max());
}

TEST_CASE("the filters run in the scheduler's order, and a node passing all of them takes the pod") {
  std::vector<std::string> names;
  for (const auto& f : wu::decide::node_filters()) names.push_back(f.name);
  CHECK(names == std::vector<std::string>{"NodeReady", "NodeUnschedulable", "TaintToleration", "NodeSelector",
                                          "NodeAffinity", "NodeResourcesFit"});
  CHECK(rejected_by(launcher_placement(), node("w1")) == "");
}

TEST_CASE("NodeReady: a node whose Ready condition is not True takes nothing") {
  Node n = node("w1");
  n.ready = false;
  CHECK(rejected_by(launcher_placement(), n) == "NodeReady: are not Ready");
}

TEST_CASE("NodeUnschedulable: a cordoned node, unless the pod tolerates the unschedulable taint") {
  Node n = node("w1");
  n.unschedulable = true;
  CHECK(rejected_by(launcher_placement(), n) == "NodeUnschedulable: are cordoned (spec.unschedulable)");
  PodPlacement p = launcher_placement();
  p.tolerations.push_back({"node.kubernetes.io/unschedulable", "Exists", "", "NoSchedule"});
  CHECK(rejected_by(p, n) == "");
}

TEST_CASE("TaintToleration: NoSchedule and NoExecute taints need a toleration; PreferNoSchedule does not") {
  Node n = node("w1");
  n.taints = {{"dedicated", "db", "NoSchedule"}};
  CHECK(rejected_by(launcher_placement(), n) == "TaintToleration: have the untolerated taint dedicated=db:NoSchedule");
  n.taints = {{"node-role.kubernetes.io/control-plane", "", "NoSchedule"}};
  CHECK(rejected_by(launcher_placement(), n) ==
        "TaintToleration: have the untolerated taint node-role.kubernetes.io/control-plane:NoSchedule");
  n.taints = {{"maintenance", "", "NoExecute"}};
  CHECK(rejected_by(launcher_placement(), n) == "TaintToleration: have the untolerated taint maintenance:NoExecute");
  n.taints = {{"soft", "x", "PreferNoSchedule"}};
  CHECK(rejected_by(launcher_placement(), n) == "");

  n.taints = {{"dedicated", "db", "NoSchedule"}};
  PodPlacement p = launcher_placement();
  SUBCASE("Equal with the same value") { p.tolerations.push_back({"dedicated", "Equal", "db", "NoSchedule"}); }
  SUBCASE("the default operator is Equal") { p.tolerations.push_back({"dedicated", "", "db", ""}); }
  SUBCASE("Exists on the key") { p.tolerations.push_back({"dedicated", "Exists", "", ""}); }
  SUBCASE("Exists with no key tolerates everything") { p.tolerations.push_back({"", "Exists", "", ""}); }
  CHECK(rejected_by(p, n) == "");
}

TEST_CASE("TaintToleration: a toleration with another value or effect does not match") {
  Node n = node("w1");
  n.taints = {{"dedicated", "db", "NoSchedule"}};
  PodPlacement p = launcher_placement();
  SUBCASE("value") { p.tolerations.push_back({"dedicated", "Equal", "web", "NoSchedule"}); }
  SUBCASE("effect") { p.tolerations.push_back({"dedicated", "Exists", "", "NoExecute"}); }
  CHECK(rejected_by(p, n) == "TaintToleration: have the untolerated taint dedicated=db:NoSchedule");
}

TEST_CASE("NodeSelector: every pair must be a label of the node") {
  PodPlacement p = launcher_placement();
  p.node_selector.emplace_back("kubernetes.io/hostname", "w2");
  CHECK(rejected_by(p, node("w1")) == "NodeSelector: do not match nodeSelector kubernetes.io/hostname=w2");
  CHECK(rejected_by(p, node("w2")) == "");
  Node unlabelled = node("w3");
  unlabelled.labels = {{"kubernetes.io/hostname", "w3"}};
  CHECK(rejected_by(launcher_placement(), unlabelled) == "NodeSelector: do not match nodeSelector kubevirt.io/schedulable=true");
}

TEST_CASE("NodeAffinity: terms are ORed, expressions ANDed, an empty term matches nothing") {
  PodPlacement p = launcher_placement();
  p.required_affinity = true;
  auto req = [](std::string key, std::string op, std::vector<std::string> values) {
    return NodeSelectorRequirement{std::move(key), std::move(op), std::move(values)};
  };
  Node n = node("w1", {{"zone", "a"}, {"gen", "5"}});
  const std::string no = "NodeAffinity: do not match its required node affinity";

  p.required_terms = {NodeSelectorTerm{{req("zone", "In", {"a", "b"})}, {}}};
  CHECK(rejected_by(p, n) == "");
  p.required_terms = {NodeSelectorTerm{{req("zone", "NotIn", {"a"})}, {}}};
  CHECK(rejected_by(p, n) == no);
  p.required_terms = {NodeSelectorTerm{{req("zone", "NotIn", {"c"}), req("gen", "Gt", {"4"})}, {}}};
  CHECK(rejected_by(p, n) == "");
  p.required_terms = {NodeSelectorTerm{{req("gen", "Lt", {"5"})}, {}}};
  CHECK(rejected_by(p, n) == no);
  p.required_terms = {NodeSelectorTerm{{req("gpu", "Exists", {})}, {}}, NodeSelectorTerm{{req("gpu", "DoesNotExist", {})}, {}}};
  CHECK(rejected_by(p, n) == "");  // the second term matches
  p.required_terms = {NodeSelectorTerm{}};
  CHECK(rejected_by(p, n) == no);
  p.required_terms = {};
  CHECK(rejected_by(p, n) == no);  // required, with no term: nothing matches
  p.required_terms = {NodeSelectorTerm{{}, {req("metadata.name", "In", {"w1"})}}};
  CHECK(rejected_by(p, n) == "");
  CHECK(rejected_by(p, node("w2")) == no);
  p.required_terms = {NodeSelectorTerm{{req("zone", "In", {})}, {}}};
  CHECK(rejected_by(p, n) == no);  // In without values does not parse: the term errs
  p.required_terms = {NodeSelectorTerm{{req("gen", "Gt", {"x"})}, {}}};
  CHECK(rejected_by(p, n) == no);
}

TEST_CASE("NodeResourcesFit: each request within what is left; a resource the node lacks has none left") {
  const Node n = node("w1");
  PodPlacement p = launcher_placement(8);
  CHECK(rejected_by(p, n, {{"cpu", 16000}, {"memory", 4 * kGiMilli}, {"pods", 110000}}, true) ==
        "NodeResourcesFit: lack free memory (it needs 8Gi)");
  CHECK(rejected_by(p, n, {{"cpu", 500}, {"memory", 40 * kGiMilli}, {"pods", 110000}}, true) ==
        "NodeResourcesFit: lack free cpu (it needs 1)");
  p.requests.push_back({"hugepages-1Gi", 4 * kGiMilli});
  CHECK(rejected_by(p, n, n.allocatable, true) == "NodeResourcesFit: lack free hugepages-1Gi (it needs 4Gi)");
  CHECK(rejected_by(p, n, n.allocatable, false) == "");  // capacity not judged
}

TEST_CASE("the target pod: addedNodeSelector under the rendered selector, the source node's CPU vendor") {
  Vmi v = vmi("vm", "w1");
  PodPlacement p = launcher_placement();
  p.node_selector.emplace_back("rack", "a");
  p.node_selector.emplace_back("cpu-vendor.node.kubevirt.io/Intel", "true");  // an earlier migration's
  wu::cluster::LauncherPod pod;
  pod.node = "w1";
  pod.placement = wu::cluster::intern_placement(PodPlacement(p));
  Node source = node("w1", {{"cpu-vendor.node.kubevirt.io/AMD", "true"}});
  const TargetPod t = wu::decide::target_pod_for(v, pod, {}, &source, {{"rack", "b"}, {"tier", "new"}});
  CHECK(t.node_selector == wu::cluster::Labels{{"cpu-vendor.node.kubevirt.io/AMD", "true"},
                                                {"kubevirt.io/schedulable", "true"},
                                                {"rack", "a"},
                                                {"tier", "new"}});
  CHECK(t.own_nodes == std::vector<std::string>{"w1"});
  CHECK(t.render_error.empty());
}

TEST_CASE("the target pod of a host-model CPU: the source node's model and required features") {
  Vmi v = vmi("vm", "w1");
  v.host_model_cpu = true;
  wu::cluster::LauncherPod pod;
  pod.node = "w1";
  pod.placement = wu::cluster::intern_placement(launcher_placement());
  Node source = node("w1", {{"host-model-cpu.node.kubevirt.io/Skylake-Server", "true"},
                            {"host-model-required-features.node.kubevirt.io/mpx", "true"}});
  TargetPod t = wu::decide::target_pod_for(v, pod, {}, &source, {});
  CHECK(t.node_selector == wu::cluster::Labels{{"cpu-feature.node.kubevirt.io/mpx", "true"},
                                                {"cpu-model-migration.node.kubevirt.io/Skylake-Server", "true"},
                                                {"kubevirt.io/schedulable", "true"}});

  SUBCASE("a VMI that migrated before keeps its pod's model labels, not its node's") {
    PodPlacement p = launcher_placement();
    p.node_selector.emplace_back("cpu-model-migration.node.kubevirt.io/Haswell", "true");
    pod.placement = wu::cluster::intern_placement(std::move(p));
    t = wu::decide::target_pod_for(v, pod, {}, &source, {});
    CHECK(t.node_selector == wu::cluster::Labels{{"cpu-model-migration.node.kubevirt.io/Haswell", "true"},
                                                  {"kubevirt.io/schedulable", "true"}});
  }
  SUBCASE("a source node without the host-model label: KubeVirt cannot render the pod") {
    Node bare = node("w1");
    t = wu::decide::target_pod_for(v, pod, {}, &bare, {});
    CHECK(t.render_error.find("has no host-model-cpu.node.kubevirt.io/ label") != std::string::npos);
  }
}

TEST_CASE("plan: a one-node cluster has no target node for any migration") {
  const Snapshot s = placed({vmi("a", "w1")}, {node("w1")});
  const Plan p = make_plan(s, config({"LiveMigrate"}));
  const Decision& d = of(p, "a");
  CHECK(d.action == wu::decide::Action::LiveMigrate);  // KubeVirt still creates the migration
  CHECK(d.outcome == Outcome::NoTargetNode);
  CHECK(d.targets == 0);
  CHECK(d.placement_message == "0/1 nodes can take it: 1 is its own node");
  CHECK(p.summary.no_target == 1);
  CHECK(d.wave == 0);  // `run` does not start it: no wave
  CHECK(p.schedule.migration_waves == 0);
}

TEST_CASE("plan: the message counts each reason in the scheduler's order") {
  std::vector<Node> nodes{node("w1"), node("w2"), node("w3"), node("cp1"), node("cp2")};
  nodes[2].unschedulable = true;
  nodes[3].taints = nodes[4].taints = {{"node-role.kubernetes.io/control-plane", "", "NoSchedule"}};
  PodPlacement pinned = launcher_placement();
  pinned.node_selector.emplace_back("kubernetes.io/hostname", "w1");
  const Snapshot s = placed({vmi("a", "w1")}, nodes, pinned);
  const Plan plan = make_plan(s, config({"LiveMigrate"}));
  const Decision& d = of(plan, "a");
  CHECK(d.outcome == Outcome::NoTargetNode);
  CHECK(d.placement_message ==
        "0/5 nodes can take it: 1 is cordoned (spec.unschedulable), 2 have the untolerated taint "
        "node-role.kubernetes.io/control-plane:NoSchedule, 1 does not match nodeSelector kubernetes.io/hostname=w1, "
        "1 is its own node");
}

TEST_CASE("plan: capacity counts every pod bound to a node, and a free node makes it Migrates") {
  Snapshot s = placed({vmi("a", "w1"), vmi("b", "w2")}, {node("w1"), node("w2"), node("w3")}, launcher_placement(40));
  // w3 is half full with another workload: 40Gi do not fit in 64Gi - 30Gi.
  PodPlacement other;
  other.requests = {{"memory", 30 * kGiMilli}};
  s.node_pods.push_back({"other/db", "w3", wu::cluster::intern_placement(std::move(other))});
  Plan p = make_plan(s, config({"LiveMigrate"}));
  CHECK(of(p, "a").outcome == Outcome::NoTargetNode);
  CHECK(of(p, "a").placement_message ==
        "0/3 nodes can take it: 3 lack free memory (it needs 40Gi)");  // its own node too: its pod uses it
  s.node_pods.clear();
  p = make_plan(s, config({"LiveMigrate"}));
  CHECK(of(p, "a").outcome == Outcome::Migrates);
  CHECK(of(p, "a").targets == 1);
  CHECK(of(p, "a").placement_message == "1/3 nodes can take it: 2 lack free memory (it needs 40Gi)");
}

TEST_CASE("plan: --target-node-selector narrows the candidates") {
  Snapshot s = placed({vmi("a", "w1")}, {node("w1"), node("w2", {{"rack", "new"}}), node("w3")});
  wu::decide::PlanOptions o;
  CHECK(of(make_plan(s, config({"LiveMigrate"}), o), "a").targets == 2);
  o.target_node_selector = {{"rack", "new"}};
  CHECK(of(make_plan(s, config({"LiveMigrate"}), o), "a").targets == 1);
  o.target_node_selector = {{"rack", "none"}};
  CHECK(of(make_plan(s, config({"LiveMigrate"}), o), "a").outcome == Outcome::NoTargetNode);
}

TEST_CASE("plan: a leftover pod of the VMI on another node repels the target pod too") {
  Snapshot s = placed({vmi("a", "w1")}, {node("w1"), node("w2")});
  wu::cluster::LauncherPod stale = s.pods.front();
  stale.name = "virt-launcher-a-old";
  stale.node = "w2";
  stale.phase = "Running";
  s.pods.push_back(stale);
  const Plan plan = make_plan(s, config({"LiveMigrate"}));
  const Decision& d = of(plan, "a");
  CHECK(d.outcome == Outcome::NoTargetNode);
  CHECK(d.placement_message == "0/2 nodes can take it: 2 run a pod of this VMI already");
}

TEST_CASE("plan: only migrations are judged; unknown nodes give one warning and no guess") {
  Snapshot s = placed({vmi("a", "w1"), vmi("b", "w1", false)}, {node("w1"), node("w2")});
  Plan p = make_plan(s, config({"LiveMigrate", "Evict"}));
  CHECK(of(p, "a").outcome == Outcome::Migrates);
  CHECK(of(p, "b").outcome == Outcome::NotJudged);  // evicted and shut down: no target pod
  CHECK(of(p, "b").targets == -1);
  CHECK(p.warnings.empty());

  s.nodes.clear();
  s.nodes_known = s.capacity_known = false;
  s.placement_gap = "no permission to list nodes, so where migration target pods can go is not judged";
  p = make_plan(s, config({"LiveMigrate", "Evict"}));
  CHECK(of(p, "a").outcome == Outcome::NotJudged);
  REQUIRE(p.warnings.size() == 1);
  CHECK(p.warnings[0].code == "PlacementNotJudged");
  CHECK(p.warnings[0].message == s.placement_gap);
}

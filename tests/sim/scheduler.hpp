// The Kubernetes scheduler's filters and its FitError message, for the pods the
// simulated KubeVirt creates (kube-scheduler's default profile, filter order
// NodeUnschedulable, NodeName, TaintToleration, NodeAffinity, NodeResourcesFit,
// InterPodAffinity; pkg/scheduler/apis/config/v1/default_plugins.go). Pure
// functions over JSON objects: the scheduler controller feeds them the store.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace sim::sched {

using ResourceList = std::map<std::string, int64_t>;  // name -> milli-units

// A pod bound to a node, as the scheduler's cache holds it (non-terminal pods only).
struct BoundPod {
  std::string ns, name, node;
  std::map<std::string, std::string> labels;
  ResourceList requests;
  nlohmann::json antiAffinityTerms = nlohmann::json::array();  // its required pod anti-affinity terms
};

struct NodeInfo {
  std::string name;
  std::map<std::string, std::string> labels;
  nlohmann::json taints = nlohmann::json::array();  // spec.taints plus the node lifecycle controller's condition taints
  bool unschedulable = false;
  bool hasAllocatable = false;  // a node loaded without status.allocatable has room for everything
  ResourceList allocatable;
  ResourceList requested;       // sum over its bound pods
  int podCount = 0;
};

// From a Node object. The kubelet always sets kubernetes.io/hostname; a node loaded without it gets its name.
// Ready False/Unknown adds node.kubernetes.io/not-ready / unreachable NoSchedule, as the node lifecycle
// controller's TaintNodesByCondition does (pkg/controller/nodelifecycle/node_lifecycle_controller.go).
NodeInfo nodeInfo(const nlohmann::json& node);
// Effective requests of a pod (pkg/api/v1/resource PodRequests): the sum over containers, at least the largest
// init container, plus spec.overhead; a resource with limits only is requested at its limit (API defaulting).
ResourceList podRequests(const nlohmann::json& pod);
BoundPod boundPod(const nlohmann::json& pod);
// Adds a bound pod's requests to its node.
void account(std::vector<NodeInfo>& nodes, const BoundPod& pod);

// k8s.io/api/core/v1 toleration.go ToleratesTaint.
bool toleratesTaint(const nlohmann::json& toleration, const nlohmann::json& taint);
// component-helpers scheduling/corev1/helpers.go FindMatchingUntoleratedTaint with
// DoNotScheduleTaintsFilterFunc (NoSchedule and NoExecute; PreferNoSchedule is ignored). nullptr: all tolerated.
const nlohmann::json* findUntoleratedTaint(const nlohmann::json& taints, const nlohmann::json& tolerations);
// component-helpers scheduling/corev1/nodeaffinity: terms ORed, expressions and fields ANDed, empty terms skipped.
bool matchesNodeSelectorTerms(const nlohmann::json& terms, const NodeInfo& node);
// GetRequiredNodeAffinity(pod).Match: spec.nodeSelector and the required node affinity.
bool matchesRequiredNodeAffinity(const nlohmann::json& pod, const NodeInfo& node);
// metav1.LabelSelector (matchLabels, matchExpressions In/NotIn/Exists/DoesNotExist).
bool labelSelectorMatches(const nlohmann::json& selector, const std::map<std::string, std::string>& labels);

// One node's verdict: the reasons of the first filter that failed (none: it fits), and whether preemption
// could help (framework.Unschedulable; UnschedulableAndUnresolvable otherwise).
struct Verdict {
  std::vector<std::string> reasons;
  bool resolvable = false;
  bool fits() const { return reasons.empty(); }
};
struct Decision {
  std::string node;     // chosen node ("" when none fits)
  std::string message;  // FitError message when none fits
  std::vector<Verdict> verdicts;  // per node, in the order given
};

// Runs the filters for pod over nodes (bound pods already accounted) and picks the feasible node with the
// most free cpu and memory (NodeResourcesFit LeastAllocated), then fewer pods, then the name.
Decision schedule(const nlohmann::json& pod, const std::vector<NodeInfo>& nodes, const std::vector<const BoundPod*>& pods);
Decision schedule(const nlohmann::json& pod, const std::vector<NodeInfo>& nodes, const std::vector<BoundPod>& pods);

// pkg/scheduler/framework/types.go FitError.Error() with the DefaultPreemption post-filter message: every pod is
// priority 0, so preemption finds no victims where it could help and is "not helpful" elsewhere.
std::string fitErrorMessage(const std::vector<Verdict>& verdicts);

}  // namespace sim::sched

#pragma once
// Where KubeVirt's migration target pod can go, judged the way the scheduler would before the migration
// is created: the pod is the VMI's launcher pod re-rendered (createTargetPod, pkg/virt-controller/watch/
// migration/migration.go), with the same selector, affinity, tolerations and requests, plus what the
// migration adds: addedNodeSelector, host-model CPU labels of the source node, the CPU vendor, and a
// required anti-affinity against the VMI's own pods per hostname (its node is never a target).
// Each node goes through an ordered list of small named filters (the scheduler's Filter plugins).
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cluster/snapshot.hpp"

namespace wu::decide {

enum class Outcome {
  NotJudged,     // not a migration, or the cluster's nodes (or this VMI's launcher pod) are unknown
  Migrates,      // at least one node can take the target pod
  NoTargetNode,  // none can: the target pod will stay Pending (Unschedulable) and the attempt fail
};
const char* outcome_name(Outcome o);

// The target pod's constraints, before any node is looked at.
struct TargetPod {
  const cluster::PodPlacement* source = nullptr;  // the launcher pod's (selector, affinity, tolerations, requests)
  cluster::Labels node_selector;                  // the full selector the target pod gets
  std::vector<std::string> own_nodes;             // nodes with a pod of this VMI: excluded by the anti-affinity
  std::string render_error;                       // KubeVirt cannot render the pod (why), "" when it can
};

// A node with what is left of its allocatable.
struct NodeRoom {
  const cluster::Node* node = nullptr;
  cluster::ResourceList free;  // allocatable minus the requests of its pods; empty allocatable = not judged
  bool capacity_judged = false;
};

// Why a node cannot take the pod: the filter that rejected it, and the detail the message names.
struct Rejection {
  std::string filter;  // NodeReady, NodeUnschedulable, TaintToleration, NodeSelector, NodeAffinity, NodeResourcesFit, OwnNode
  std::string detail;  // "are not Ready", "have the untolerated taint k:NoSchedule", ...
};

struct NodeFilter {
  const char* name;
  std::function<std::optional<Rejection>(const TargetPod&, const NodeRoom&)> apply;
};

// The filters, in the scheduler's order (its default Filter plugins: NodeUnschedulable, TaintToleration,
// NodeAffinity, NodeResourcesFit, then InterPodAffinity for the anti-affinity). Exposed for tests.
const std::vector<NodeFilter>& node_filters();

struct Placement {
  Outcome outcome = Outcome::NotJudged;
  int targets = -1;     // candidate nodes; -1 when not judged
  std::string message;  // "0/5 nodes can take it: 1 is its own node, 2 ..."
};

// The target pod of a migration of `vmi` from `launcher` (its current pod). `pods_of_vmi` are its other
// non-final pods (a leftover source or target pod also repels the new one). `added` is the VMIM's
// spec.addedNodeSelector (`--target-node-selector`).
TargetPod target_pod_for(const cluster::Vmi& vmi, const cluster::LauncherPod& launcher,
                         const std::vector<const cluster::LauncherPod*>& pods_of_vmi, const cluster::Node* source_node,
                         const cluster::Labels& added);

// Judges every target pod against the same nodes; results for the same constraints are reused, so a fleet
// of 100,000 VMIs costs a few node scans per distinct constraint set, not one per VMI.
class PlacementModel {
 public:
  PlacementModel(const cluster::Snapshot& snapshot, cluster::Labels added_node_selector);
  bool judged() const { return judged_; }
  const cluster::Labels& added_node_selector() const { return added_; }
  Placement place(const cluster::Vmi& vmi, const cluster::LauncherPod& launcher,
                  const std::vector<const cluster::LauncherPod*>& pods_of_vmi) const;

 private:
  struct Scan {
    std::vector<bool> fits;  // by node index: passes every filter but the anti-affinity
    int fit_count = 0;
    std::vector<std::pair<std::string, int>> rejections;  // detail and count, in filter then node order
  };
  const Scan& scan(const TargetPod& pod) const;

  bool judged_ = false;
  cluster::Labels added_;
  std::vector<NodeRoom> rooms_;
  std::map<std::string, std::size_t, std::less<>> index_;  // node name -> rooms_ index
  mutable std::map<std::string, Scan, std::less<>> scans_;
};

}  // namespace wu::decide

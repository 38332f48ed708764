#pragma once
// What the scheduler reads to place a migration target pod: nodes (labels, taints, cordon, readiness,
// allocatable), the scheduling constraints of each launcher pod, and the requests of every pod bound
// to a node. Constraints are interned (intern_placement): 100,000 launcher pods share a few dozen sets.
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace wu::cluster {

using Labels = std::vector<std::pair<std::string, std::string>>;

// The value of label `key`, nullptr when it is not set.
inline const std::string* label(const Labels& labels, const std::string& key) {
  for (const auto& [k, v] : labels)
    if (k == key) return &v;
  return nullptr;
}

// A resource amount in milli-units (strategy::quantity_milli): cpu "250m" = 250, memory "1Ki" = 1,024,000.
struct ResourceAmount {
  std::string name;  // cpu, memory, pods, hugepages-2Mi, hugepages-1Gi, ephemeral-storage, devices...
  std::int64_t milli = 0;
};
using ResourceList = std::vector<ResourceAmount>;

struct Taint {
  std::string key, value, effect;  // effect: NoSchedule, PreferNoSchedule, NoExecute
};

struct Toleration {
  std::string key, op, value, effect;  // op: Equal (default) or Exists; empty effect = all effects
};

struct NodeSelectorRequirement {
  std::string key, op;  // In, NotIn, Exists, DoesNotExist, Gt, Lt
  std::vector<std::string> values;
};

struct NodeSelectorTerm {
  std::vector<NodeSelectorRequirement> match_expressions;
  std::vector<NodeSelectorRequirement> match_fields;  // only metadata.name is defined
};

// A pod's scheduling constraints and requests, as the scheduler sees them.
struct PodPlacement {
  Labels node_selector;                         // spec.nodeSelector
  bool required_affinity = false;               // spec.affinity.nodeAffinity.required... is set
  std::vector<NodeSelectorTerm> required_terms; // its nodeSelectorTerms (ORed)
  std::vector<Toleration> tolerations;          // spec.tolerations
  ResourceList requests;                        // effective requests: containers, init containers, overhead
};

struct Node {
  std::string name;
  Labels labels;
  std::vector<Taint> taints;
  bool unschedulable = false;  // spec.unschedulable (cordoned)
  bool ready = false;          // condition Ready is True
  ResourceList allocatable;    // status.allocatable
};

// A pod bound to a node that is not a launcher pod in scope, for what it takes of the node's capacity.
struct NodePod {
  std::string key;   // "namespace/name", for following it
  std::string node;
  std::shared_ptr<const PodPlacement> placement;  // only its requests matter here
};

}  // namespace wu::cluster

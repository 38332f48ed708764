#pragma once
// The guards every YAML or JSON text this tool reads goes through: files (-f, --from-file),
// kubeconfigs, exec plugin output and API bodies alike. One set of numbers, stated in the README
// and the man page (INPUT LIMITS).
#include <cstddef>

namespace wu::yaml {

// Kubernetes objects nest a few dozen levels at most; the API server itself refuses JSON deeper
// than 10,000 levels. 256 leaves room for any real object while keeping every recursive walk of a
// tree (conversion, printing, destruction) a few kilobytes of stack.
inline constexpr int kMaxDepth = 256;

// Nodes that YAML aliases may add by expansion, per document (a "billion laughs" bomb needs
// millions; the largest real HyperConverged CR with anchors adds a few hundred).
inline constexpr std::size_t kMaxAliasNodes = 100000;

// Nodes (scalars, mappings, sequences) of one YAML document. The largest real HyperConverged CR has
// a few hundred; a parsed node costs a few hundred bytes, so this bounds a document's tree at about 300 MB
// whatever the file's size. Large dumps are JSON (`oc get -o json`), which is read object by object.
inline constexpr std::size_t kMaxYamlNodes = 1000000;

struct LoadLimits {
  int max_depth = kMaxDepth;
  std::size_t max_alias_nodes = kMaxAliasNodes;
  std::size_t max_nodes = kMaxYamlNodes;
};

}  // namespace wu::yaml

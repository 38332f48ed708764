#pragma once
// The API resources this tool reads and writes.
#include "kube/resource_path.hpp"

namespace wu::cluster {

inline const kube::ResourceRef kHyperConvergeds{"hco.kubevirt.io", "v1beta1", "hyperconvergeds", "", "", ""};
inline const kube::ResourceRef kKubeVirts{"kubevirt.io", "v1", "kubevirts", "", "", ""};

// Where OpenShift Virtualization keeps its one HyperConverged CR.
inline constexpr const char* kHcoNamespace = "openshift-cnv";
inline constexpr const char* kHcoName = "kubevirt-hyperconverged";

}  // namespace wu::cluster

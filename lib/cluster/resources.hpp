#pragma once
// The API resources this tool reads and writes.
#include "kube/resource_path.hpp"

namespace wu::cluster {

inline const kube::ResourceRef kHyperConvergeds{"hco.kubevirt.io", "v1beta1", "hyperconvergeds", "", "", ""};
inline const kube::ResourceRef kKubeVirts{"kubevirt.io", "v1", "kubevirts", "", "", ""};
inline const kube::ResourceRef kVmis{"kubevirt.io", "v1", "virtualmachineinstances", "", "", ""};
inline const kube::ResourceRef kVms{"kubevirt.io", "v1", "virtualmachines", "", "", ""};
inline const kube::ResourceRef kVmims{"kubevirt.io", "v1", "virtualmachineinstancemigrations", "", "", ""};
inline const kube::ResourceRef kPods{"", "v1", "pods", "", "", ""};
inline const kube::ResourceRef kNodes{"", "v1", "nodes", "", "", ""};
inline const kube::ResourceRef kDeployments{"apps", "v1", "deployments", "", "", ""};
inline const kube::ResourceRef kDaemonSets{"apps", "v1", "daemonsets", "", "", ""};
inline const kube::ResourceRef kLeases{"coordination.k8s.io", "v1", "leases", "", "", ""};
inline const kube::ResourceRef kMigrationPolicies{"migrations.kubevirt.io", "v1alpha1", "migrationpolicies", "", "", ""};
inline const kube::ResourceRef kDisruptionBudgets{"policy", "v1", "poddisruptionbudgets", "", "", ""};
inline const kube::ResourceRef kNamespaces{"", "v1", "namespaces", "", "", ""};
inline const kube::ResourceRef kAccessReviews{"authorization.k8s.io", "v1", "selfsubjectaccessreviews", "", "", ""};
// Launcher pods carry this label (KubeVirt reference §1.3).
inline constexpr const char* kLauncherSelector = "kubevirt.io=virt-launcher";

// Where OpenShift Virtualization keeps its one HyperConverged CR.
inline constexpr const char* kHcoNamespace = "openshift-cnv";
inline constexpr const char* kHcoName = "kubevirt-hyperconverged";

}  // namespace wu::cluster

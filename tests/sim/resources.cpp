#include "resources.hpp"

#include <algorithm>

namespace sim {

namespace {

const std::vector<std::string> kAllVerbs = {"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"};

std::vector<ResourceInfo> buildTable() {
  std::vector<ResourceInfo> t;
  auto add = [&](ResourceInfo r) {
    if (r.verbs.empty()) r.verbs = kAllVerbs;
    t.push_back(std::move(r));
  };
  add({.group = "", .version = "v1", .plural = "namespaces", .singular = "namespace", .kind = "Namespace",
       .namespaced = false, .shortNames = {"ns"}, .verbs = {"create", "delete", "get", "list", "patch", "update", "watch"},
       .hasStatus = true, .selectableFields = {"status.phase"}});
  add({.group = "", .version = "v1", .plural = "nodes", .singular = "node", .kind = "Node", .namespaced = false,
       .shortNames = {"no"}, .hasStatus = true, .selectableFields = {"spec.unschedulable"}});
  add({.group = "", .version = "v1", .plural = "pods", .singular = "pod", .kind = "Pod", .shortNames = {"po"},
       .categories = {"all"}, .hasStatus = true, .hasEviction = true,
       .selectableFields = {"spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
                            "spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName"}});
  add({.group = "", .version = "v1", .plural = "events", .singular = "event", .kind = "Event", .shortNames = {"ev"},
       .selectableFields = {"involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
                            "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion",
                            "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type"}});
  add({.group = "", .version = "v1", .plural = "serviceaccounts", .singular = "serviceaccount",
       .kind = "ServiceAccount", .shortNames = {"sa"}, .hasToken = true});
  add({.group = "policy", .version = "v1", .plural = "poddisruptionbudgets", .singular = "poddisruptionbudget",
       .kind = "PodDisruptionBudget", .shortNames = {"pdb"}, .hasStatus = true});
  add({.group = "apps", .version = "v1", .plural = "deployments", .singular = "deployment", .kind = "Deployment",
       .shortNames = {"deploy"}, .categories = {"all"}, .hasStatus = true});
  add({.group = "apps", .version = "v1", .plural = "daemonsets", .singular = "daemonset", .kind = "DaemonSet",
       .shortNames = {"ds"}, .categories = {"all"}, .hasStatus = true});
  add({.group = "coordination.k8s.io", .version = "v1", .plural = "leases", .singular = "lease", .kind = "Lease"});
  add({.group = "authorization.k8s.io", .version = "v1", .plural = "selfsubjectaccessreviews",
       .singular = "selfsubjectaccessreview", .kind = "SelfSubjectAccessReview", .namespaced = false,
       .verbs = {"create"}, .createOnly = true});
  add({.group = "authentication.k8s.io", .version = "v1", .plural = "selfsubjectreviews",
       .singular = "selfsubjectreview", .kind = "SelfSubjectReview", .namespaced = false, .verbs = {"create"},
       .createOnly = true});
  add({.group = "kubevirt.io", .version = "v1", .plural = "kubevirts", .singular = "kubevirt", .kind = "KubeVirt",
       .shortNames = {"kv", "kvs"}, .categories = {"all"}, .hasStatus = true, .custom = true});
  add({.group = "kubevirt.io", .version = "v1", .plural = "virtualmachines", .singular = "virtualmachine",
       .kind = "VirtualMachine", .shortNames = {"vm", "vms"}, .categories = {"all"}, .hasStatus = true,
       .custom = true});
  add({.group = "kubevirt.io", .version = "v1", .plural = "virtualmachineinstances",
       .singular = "virtualmachineinstance", .kind = "VirtualMachineInstance", .shortNames = {"vmi", "vmis"},
       .categories = {"all"}, .hasStatus = true, .custom = true});
  add({.group = "kubevirt.io", .version = "v1", .plural = "virtualmachineinstancemigrations",
       .singular = "virtualmachineinstancemigration", .kind = "VirtualMachineInstanceMigration",
       .shortNames = {"vmim", "vmims"}, .categories = {"all"}, .hasStatus = true, .custom = true});
  add({.group = "hco.kubevirt.io", .version = "v1beta1", .plural = "hyperconvergeds", .singular = "hyperconverged",
       .kind = "HyperConverged", .shortNames = {"hco", "hcos"}, .categories = {"all"}, .hasStatus = true,
       .custom = true});
  // RBAC (stored and enforced for ServiceAccount users, rbac.hpp) and batch (stored only: no Job controller).
  const std::string rbac = "rbac.authorization.k8s.io";
  add({.group = rbac, .version = "v1", .plural = "clusterroles", .singular = "clusterrole", .kind = "ClusterRole",
       .namespaced = false});
  add({.group = rbac, .version = "v1", .plural = "clusterrolebindings", .singular = "clusterrolebinding",
       .kind = "ClusterRoleBinding", .namespaced = false});
  add({.group = rbac, .version = "v1", .plural = "roles", .singular = "role", .kind = "Role"});
  add({.group = rbac, .version = "v1", .plural = "rolebindings", .singular = "rolebinding", .kind = "RoleBinding"});
  add({.group = "batch", .version = "v1", .plural = "jobs", .singular = "job", .kind = "Job", .categories = {"all"},
       .hasStatus = true, .selectableFields = {"status.successful"}});
  add({.group = "batch", .version = "v1", .plural = "cronjobs", .singular = "cronjob", .kind = "CronJob",
       .shortNames = {"cj"}, .categories = {"all"}, .hasStatus = true});
  return t;
}

}  // namespace

bool ResourceInfo::supportsVerb(std::string_view verb) const {
  return std::find(verbs.begin(), verbs.end(), verb) != verbs.end();
}

bool ResourceInfo::fieldSelectable(std::string_view field) const {
  if (field == "metadata.name" || (namespaced && field == "metadata.namespace")) return true;
  return std::find(selectableFields.begin(), selectableFields.end(), field) != selectableFields.end();
}

const std::vector<ResourceInfo>& resourceTable() {
  static const std::vector<ResourceInfo> table = buildTable();
  return table;
}

const ResourceInfo* findResource(std::string_view group, std::string_view version, std::string_view plural) {
  for (const auto& r : resourceTable())
    if (r.group == group && r.version == version && r.plural == plural) return &r;
  return nullptr;
}

const ResourceInfo* findByKind(std::string_view apiVersion, std::string_view kind) {
  for (const auto& r : resourceTable())
    if (r.apiVersion() == apiVersion && r.kind == kind) return &r;
  return nullptr;
}

std::vector<GroupVersions> apiGroups() {
  std::vector<GroupVersions> out;
  for (const auto& r : resourceTable()) {
    if (r.group.empty()) continue;
    auto it = std::find_if(out.begin(), out.end(), [&](const GroupVersions& g) { return g.group == r.group; });
    if (it == out.end()) {
      out.push_back({r.group, {r.version}});
    } else if (std::find(it->versions.begin(), it->versions.end(), r.version) == it->versions.end()) {
      it->versions.push_back(r.version);
    }
  }
  return out;
}

}  // namespace sim

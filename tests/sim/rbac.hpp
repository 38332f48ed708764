// Kubernetes RBAC over the stored ClusterRoles, ClusterRoleBindings, Roles and RoleBindings, for the
// users that authenticate with a ServiceAccount token (plugin/pkg/auth/authorizer/rbac/rbac.go). The
// admin, read-only and certificate users keep the simulator's two-level model (auth.hpp).
#pragma once

#include <string>

namespace sim {

class Store;
struct User;

// What a request asks for, as the API server's authorizer.Attributes.
struct AccessAttributes {
  bool resourceRequest = true;
  std::string verb;                                   // get list watch create update patch delete deletecollection ...
  std::string group, resource, subresource, name, ns;  // resource requests
  std::string path;                                   // non-resource requests (discovery, /version, /healthz)
};

struct AccessDecision {
  bool allowed = false;
  // "RBAC: allowed by ClusterRoleBinding ..." when allowed; the resolution errors (a binding whose role
  // is missing) when denied, else "".
  std::string reason;
};

// RBACAuthorizer.Authorize: every ClusterRoleBinding, then the RoleBindings of the request's namespace.
AccessDecision authorizeRbac(const Store& store, const User& user, const AccessAttributes& a);

// The API server's 403 message (responsewriters.forbiddenMessage plus apierrors.NewForbidden), e.g.
// `pods is forbidden: User "system:serviceaccount:ns:sa" cannot list resource "pods" in API group "" at the
// cluster scope`, with ": <reason>" when the authorizer gave one. Thrown as an ApiError.
[[noreturn]] void throwRbacForbidden(const User& user, const AccessAttributes& a, const std::string& reason);

// The bootstrap policy every cluster has (plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go):
// system:discovery, system:basic-user and system:public-info-viewer, bound to system:authenticated,
// so that a ServiceAccount may read discovery and ask what it may do.
void addBootstrapPolicy(Store& store);

}  // namespace sim

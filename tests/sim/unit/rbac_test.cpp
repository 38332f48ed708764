// The RBAC authorizer over stored objects, as Kubernetes' rbac.go judges: rule matching, cluster and
// namespace bindings, the bootstrap discovery rules, and the API server's 403 text.
#include <doctest/doctest.h>

#include "auth.hpp"
#include "rbac.hpp"
#include "resources.hpp"
#include "status_errors.hpp"
#include "store.hpp"

using nlohmann::json;

namespace {

const sim::ResourceInfo& rbac(const char* plural) { return *sim::findResource("rbac.authorization.k8s.io", "v1", plural); }

sim::User serviceAccount(const std::string& ns, const std::string& name) {
  sim::User u("system:serviceaccount:" + ns + ":" + name,
              {"system:serviceaccounts", "system:serviceaccounts:" + ns, "system:authenticated"});
  u.rbac = true;
  return u;
}

void clusterRole(sim::Store& s, const std::string& name, json rules) {
  s.upsert(rbac("clusterroles"), {{"apiVersion", "rbac.authorization.k8s.io/v1"}, {"kind", "ClusterRole"},
                                  {"metadata", {{"name", name}}}, {"rules", rules}});
}

void binding(sim::Store& s, const std::string& ns, const std::string& name, const std::string& roleKind,
             const std::string& role, json subject) {
  json b = {{"apiVersion", "rbac.authorization.k8s.io/v1"},
            {"kind", ns.empty() ? "ClusterRoleBinding" : "RoleBinding"},
            {"metadata", {{"name", name}}},
            {"roleRef", {{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", roleKind}, {"name", role}}},
            {"subjects", json::array({subject})}};
  if (!ns.empty()) b["metadata"]["namespace"] = ns;
  s.upsert(rbac(ns.empty() ? "clusterrolebindings" : "rolebindings"), b);
}

sim::AccessAttributes resource(const std::string& verb, const std::string& group, const std::string& res,
                               const std::string& ns = "", const std::string& sub = "", const std::string& name = "") {
  sim::AccessAttributes a;
  a.verb = verb;
  a.group = group;
  a.resource = res;
  a.ns = ns;
  a.subresource = sub;
  a.name = name;
  return a;
}

const json kSa = {{"kind", "ServiceAccount"}, {"name", "runner"}, {"namespace", "tools"}};

}  // namespace

TEST_CASE("rbac: a ClusterRoleBinding grants its rules everywhere, verb by verb") {
  sim::Store s(100, 1);
  clusterRole(s, "r", json::array({{{"apiGroups", {""}}, {"resources", {"pods"}}, {"verbs", {"list", "watch"}}},
                                   {{"apiGroups", {""}}, {"resources", {"pods/eviction"}}, {"verbs", {"create"}}}}));
  binding(s, "", "b", "ClusterRole", "r", kSa);
  const auto u = serviceAccount("tools", "runner");
  auto d = sim::authorizeRbac(s, u, resource("list", "", "pods"));
  CHECK(d.allowed);
  CHECK(d.reason == "RBAC: allowed by ClusterRoleBinding \"b\" of ClusterRole \"r\" to ServiceAccount \"runner/tools\"");
  CHECK(sim::authorizeRbac(s, u, resource("watch", "", "pods", "ns1")).allowed);
  CHECK_FALSE(sim::authorizeRbac(s, u, resource("get", "", "pods", "ns1", "", "p")).allowed);
  CHECK_FALSE(sim::authorizeRbac(s, u, resource("list", "apps", "pods")).allowed);  // another group
  CHECK(sim::authorizeRbac(s, u, resource("create", "", "pods", "ns1", "eviction", "p")).allowed);
  CHECK_FALSE(sim::authorizeRbac(s, u, resource("create", "", "pods", "ns1")).allowed);  // not the subresource
  CHECK_FALSE(sim::authorizeRbac(s, serviceAccount("other", "runner"), resource("list", "", "pods")).allowed);
}

TEST_CASE("rbac: wildcards, */subresource and resourceNames") {
  sim::Store s(100, 1);
  clusterRole(s, "w", json::array({{{"apiGroups", {"*"}}, {"resources", {"*/status"}}, {"verbs", {"*"}}},
                                   {{"apiGroups", {"coordination.k8s.io"}}, {"resources", {"leases"}},
                                    {"resourceNames", {"mine"}}, {"verbs", {"get"}}}}));
  binding(s, "", "b", "ClusterRole", "w", {{"kind", "Group"}, {"name", "system:serviceaccounts:tools"}});
  const auto u = serviceAccount("tools", "runner");
  CHECK(sim::authorizeRbac(s, u, resource("patch", "apps", "deployments", "x", "status", "d")).allowed);
  CHECK_FALSE(sim::authorizeRbac(s, u, resource("patch", "apps", "deployments", "x", "", "d")).allowed);
  CHECK(sim::authorizeRbac(s, u, resource("get", "coordination.k8s.io", "leases", "x", "", "mine")).allowed);
  CHECK_FALSE(sim::authorizeRbac(s, u, resource("get", "coordination.k8s.io", "leases", "x", "", "other")).allowed);
  CHECK_FALSE(sim::authorizeRbac(s, u, resource("get", "coordination.k8s.io", "leases", "x")).allowed);  // no name
}

TEST_CASE("rbac: a RoleBinding grants only in its namespace, also with a ClusterRole") {
  sim::Store s(100, 1);
  clusterRole(s, "leases", json::array({{{"apiGroups", {"coordination.k8s.io"}}, {"resources", {"leases"}},
                                         {"verbs", {"get", "update"}}}}));
  s.upsert(*sim::findResource("", "v1", "namespaces"),
           {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "kubevirt"}}}});
  binding(s, "kubevirt", "rb", "ClusterRole", "leases", {{"kind", "ServiceAccount"}, {"name", "runner"}, {"namespace", "tools"}});
  const auto u = serviceAccount("tools", "runner");
  auto d = sim::authorizeRbac(s, u, resource("get", "coordination.k8s.io", "leases", "kubevirt"));
  CHECK(d.allowed);
  CHECK(d.reason ==
        "RBAC: allowed by RoleBinding \"rb/kubevirt\" of ClusterRole \"leases\" to ServiceAccount \"runner/tools\"");
  CHECK_FALSE(sim::authorizeRbac(s, u, resource("get", "coordination.k8s.io", "leases", "default")).allowed);
  CHECK_FALSE(sim::authorizeRbac(s, u, resource("get", "coordination.k8s.io", "leases")).allowed);  // all namespaces
  // A ServiceAccount subject without a namespace is the RoleBinding's.
  binding(s, "kubevirt", "rb2", "ClusterRole", "leases", {{"kind", "ServiceAccount"}, {"name", "local"}});
  CHECK(sim::authorizeRbac(s, serviceAccount("kubevirt", "local"), resource("update", "coordination.k8s.io", "leases", "kubevirt")).allowed);
}

TEST_CASE("rbac: a binding to a missing role denies, with the resolver's error as the reason") {
  sim::Store s(100, 1);
  binding(s, "", "b", "ClusterRole", "gone", kSa);
  auto d = sim::authorizeRbac(s, serviceAccount("tools", "runner"), resource("list", "", "pods"));
  CHECK_FALSE(d.allowed);
  CHECK(d.reason == "RBAC: clusterrole.rbac.authorization.k8s.io \"gone\" not found");
}

TEST_CASE("rbac: the bootstrap policy lets every authenticated user read discovery and ask what it may do") {
  sim::Store s(100, 1);
  sim::addBootstrapPolicy(s);
  const auto u = serviceAccount("tools", "runner");
  sim::AccessAttributes path;
  path.resourceRequest = false;
  path.verb = "get";
  for (const char* p : {"/api", "/api/v1", "/apis", "/apis/kubevirt.io/v1", "/version", "/openapi/v3", "/healthz"}) {
    path.path = p;
    CHECK_MESSAGE(sim::authorizeRbac(s, u, path).allowed, p);
  }
  path.path = "/metrics";
  CHECK_FALSE(sim::authorizeRbac(s, u, path).allowed);
  CHECK(sim::authorizeRbac(s, u, resource("create", "authorization.k8s.io", "selfsubjectaccessreviews")).allowed);
  CHECK(sim::authorizeRbac(s, u, resource("create", "authentication.k8s.io", "selfsubjectreviews")).allowed);
  CHECK_FALSE(sim::authorizeRbac(s, u, resource("list", "", "pods")).allowed);
}

TEST_CASE("rbac: the API server's 403 messages") {
  const auto u = serviceAccount("ns", "sa");
  auto message = [&](const sim::AccessAttributes& a, const std::string& reason = "") -> std::string {
    try {
      sim::throwRbacForbidden(u, a, reason);
    } catch (const sim::ApiError& e) {
      CHECK(e.code() == 403);
      CHECK(e.reason() == "Forbidden");
      return e.what();
    }
    return "";
  };
  CHECK(message(resource("list", "", "pods")) ==
        "pods is forbidden: User \"system:serviceaccount:ns:sa\" cannot list resource \"pods\" in API group \"\" at "
        "the cluster scope");
  CHECK(message(resource("list", "", "pods", "x")) ==
        "pods is forbidden: User \"system:serviceaccount:ns:sa\" cannot list resource \"pods\" in API group \"\" in "
        "the namespace \"x\"");
  CHECK(message(resource("create", "", "pods", "x", "eviction", "p")) ==
        "pods \"p\" is forbidden: User \"system:serviceaccount:ns:sa\" cannot create resource \"pods/eviction\" in API "
        "group \"\" in the namespace \"x\"");
  CHECK(message(resource("get", "hco.kubevirt.io", "hyperconvergeds", "openshift-cnv", "", "h"), "RBAC: r") ==
        "hyperconvergeds.hco.kubevirt.io \"h\" is forbidden: User \"system:serviceaccount:ns:sa\" cannot get resource "
        "\"hyperconvergeds\" in API group \"hco.kubevirt.io\" in the namespace \"openshift-cnv\": RBAC: r");
  sim::AccessAttributes path;
  path.resourceRequest = false;
  path.verb = "get";
  path.path = "/metrics";
  CHECK(message(path) == "forbidden: User \"system:serviceaccount:ns:sa\" cannot get path \"/metrics\"");
}

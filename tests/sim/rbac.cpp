#include "rbac.hpp"

#include <nlohmann/json.hpp>

#include "auth.hpp"
#include "resources.hpp"
#include "status_errors.hpp"
#include "store.hpp"

namespace sim {

using nlohmann::json;

namespace {

const ResourceInfo& rbacResource(const char* plural) {
  return *findResource("rbac.authorization.k8s.io", "v1", plural);
}

std::vector<std::string> strings(const json& rule, const char* key) {
  std::vector<std::string> out;
  if (rule.contains(key) && rule[key].is_array())
    for (const auto& v : rule[key])
      if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

bool has(const std::vector<std::string>& v, const std::string& x) {
  for (const auto& e : v)
    if (e == x) return true;
  return false;
}

// pkg/apis/rbac/v1/evaluation_helpers.go: VerbMatches, APIGroupMatches, ResourceMatches,
// ResourceNameMatches, NonResourceURLMatches.
bool verbMatches(const json& rule, const std::string& verb) {
  const auto verbs = strings(rule, "verbs");
  return has(verbs, "*") || has(verbs, verb);
}

bool apiGroupMatches(const json& rule, const std::string& group) {
  const auto groups = strings(rule, "apiGroups");
  return has(groups, "*") || has(groups, group);
}

bool resourceMatches(const json& rule, const std::string& combined, const std::string& subresource) {
  for (const auto& r : strings(rule, "resources")) {
    if (r == "*" || r == combined) return true;
    // "*/scale" matches every resource's scale subresource.
    if (subresource.empty()) continue;
    if (r.size() == subresource.size() + 2 && r.rfind("*/", 0) == 0 &&
        r.compare(2, std::string::npos, subresource) == 0)
      return true;
  }
  return false;
}

bool resourceNameMatches(const json& rule, const std::string& name) {
  const auto names = strings(rule, "resourceNames");
  return names.empty() || has(names, name);
}

bool nonResourceURLMatches(const json& rule, const std::string& path) {
  for (const auto& u : strings(rule, "nonResourceURLs")) {
    if (u == "*" || u == path) return true;
    if (!u.empty() && u.back() == '*' && path.rfind(u.substr(0, u.size() - 1), 0) == 0) return true;
  }
  return false;
}

// rbac.go RuleAllows.
bool ruleAllows(const AccessAttributes& a, const json& rule) {
  if (!rule.is_object()) return false;
  if (a.resourceRequest) {
    const std::string combined = a.subresource.empty() ? a.resource : a.resource + "/" + a.subresource;
    return verbMatches(rule, a.verb) && apiGroupMatches(rule, a.group) &&
           resourceMatches(rule, combined, a.subresource) && resourceNameMatches(rule, a.name);
  }
  return verbMatches(rule, a.verb) && nonResourceURLMatches(rule, a.path);
}

// pkg/registry/rbac/validation/rule.go appliesToUser: a ServiceAccount subject without a namespace
// takes the binding's (none for a ClusterRoleBinding, which then matches nobody).
bool appliesToUser(const User& u, const json& subject, const std::string& bindingNamespace) {
  const std::string kind = subject.value("kind", ""), name = subject.value("name", "");
  if (kind == "User") return u.name == name;
  if (kind == "Group") return has(u.groups, name);
  if (kind == "ServiceAccount") {
    std::string ns = subject.value("namespace", "");
    if (ns.empty()) ns = bindingNamespace;
    if (ns.empty()) return false;
    return u.name == "system:serviceaccount:" + ns + ":" + name;
  }
  return false;
}

// rbac.go describeSubject.
std::string describeSubject(const json& s, const std::string& bindingNamespace) {
  const std::string kind = s.value("kind", ""), name = s.value("name", "");
  if (kind == "ServiceAccount") {
    const std::string ns = s.value("namespace", "");
    return kind + " \"" + name + "/" + (ns.empty() ? bindingNamespace : ns) + "\"";
  }
  return kind + " \"" + name + "\"";
}

// GetRoleReferenceRules: the referenced role's rules, or the lister's NotFound text.
std::optional<json> roleRules(const Store& store, const json& roleRef, const std::string& bindingNamespace,
                              std::string& error) {
  const std::string kind = roleRef.value("kind", ""), name = roleRef.value("name", "");
  ObjPtr role;
  if (kind == "Role") {
    role = store.get(rbacResource("roles"), bindingNamespace, name);
    if (!role) error = "role.rbac.authorization.k8s.io \"" + name + "\" not found";
  } else if (kind == "ClusterRole") {
    role = store.get(rbacResource("clusterroles"), "", name);
    if (!role) error = "clusterrole.rbac.authorization.k8s.io \"" + name + "\" not found";
  } else {
    error = "unsupported role reference kind: \"" + kind + "\"";
  }
  if (!role) return std::nullopt;
  json r = role->parse();
  return r.contains("rules") && r["rules"].is_array() ? r["rules"] : json::array();
}

}  // namespace

AccessDecision authorizeRbac(const Store& store, const User& user, const AccessAttributes& a) {
  std::vector<std::string> errors;
  // VisitRulesFor: ClusterRoleBindings apply everywhere; RoleBindings only within their namespace.
  auto visit = [&](const std::vector<json>& bindings, const std::string& ns, bool cluster) -> std::optional<AccessDecision> {
    for (const auto& b : bindings) {
      const json subjects = b.value("subjects", json::array());
      const json* subject = nullptr;
      for (const auto& s : subjects)
        if (s.is_object() && appliesToUser(user, s, ns)) {
          subject = &s;
          break;
        }
      if (!subject) continue;
      std::string error;
      const json roleRef = b.value("roleRef", json::object());
      auto rules = roleRules(store, roleRef, ns, error);
      if (!rules) {
        errors.push_back(error);
        continue;
      }
      for (const auto& rule : *rules) {
        if (!ruleAllows(a, rule)) continue;
        const std::string bname = b["metadata"].value("name", "");
        const std::string source = (cluster ? "ClusterRoleBinding \"" + bname : "RoleBinding \"" + bname + "/" + ns) +
                                   "\" of " + roleRef.value("kind", "") + " \"" + roleRef.value("name", "") +
                                   "\" to " + describeSubject(*subject, ns);
        return AccessDecision{true, "RBAC: allowed by " + source};
      }
    }
    return std::nullopt;
  };
  if (auto d = visit(store.all(rbacResource("clusterrolebindings")), "", true)) return *d;
  if (!a.ns.empty())
    if (auto d = visit(store.all(rbacResource("rolebindings"), a.ns), a.ns, false)) return *d;
  AccessDecision denied;
  if (!errors.empty()) {
    // utilerrors.NewAggregate: one error as it is, several as "[a, b]".
    std::string joined;
    for (const auto& e : errors) joined += (joined.empty() ? "" : ", ") + e;
    denied.reason = "RBAC: " + (errors.size() == 1 ? joined : "[" + joined + "]");
  }
  return denied;
}

void throwRbacForbidden(const User& user, const AccessAttributes& a, const std::string& reason) {
  // staging/src/k8s.io/apiserver/pkg/endpoints/handlers/responsewriters/errors.go forbiddenMessage and
  // Forbidden, then apierrors.NewForbidden(groupResource, name, err).
  std::string msg;
  if (!a.resourceRequest) {
    msg = "User \"" + user.name + "\" cannot " + a.verb + " path \"" + a.path + "\"";
  } else {
    const std::string resource = a.subresource.empty() ? a.resource : a.resource + "/" + a.subresource;
    msg = "User \"" + user.name + "\" cannot " + a.verb + " resource \"" + resource + "\" in API group \"" + a.group +
          "\"" + (a.ns.empty() ? " at the cluster scope" : " in the namespace \"" + a.ns + "\"");
  }
  if (!reason.empty()) msg += ": " + reason;
  json details = json::object();
  if (!a.resourceRequest) throw ApiError(403, "Forbidden", "forbidden: " + msg, details);
  const std::string gr = a.group.empty() ? a.resource : a.resource + "." + a.group;
  if (!a.name.empty()) details["name"] = a.name;
  if (!a.group.empty()) details["group"] = a.group;
  details["kind"] = a.resource;
  throw ApiError(403, "Forbidden", gr + (a.name.empty() ? "" : " \"" + a.name + "\"") + " is forbidden: " + msg, details);
}

void addBootstrapPolicy(Store& store) {
  const json md = {{"annotations", {{"rbac.authorization.kubernetes.io/autoupdate", "true"}}},
                   {"labels", {{"kubernetes.io/bootstrapping", "rbac-defaults"}}}};
  auto role = [&](const std::string& name, json rules) {
    json m = md;
    m["name"] = name;
    store.upsert(rbacResource("clusterroles"), {{"apiVersion", "rbac.authorization.k8s.io/v1"},
                                                {"kind", "ClusterRole"},
                                                {"metadata", m},
                                                {"rules", std::move(rules)}});
    json groups = json::array({{{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "Group"}, {"name", "system:authenticated"}}});
    if (name == "system:public-info-viewer")
      groups.push_back({{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "Group"}, {"name", "system:unauthenticated"}});
    store.upsert(rbacResource("clusterrolebindings"),
                 {{"apiVersion", "rbac.authorization.k8s.io/v1"},
                  {"kind", "ClusterRoleBinding"},
                  {"metadata", m},
                  {"roleRef", {{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "ClusterRole"}, {"name", name}}},
                  {"subjects", groups}});
  };
  // bootstrappolicy/policy.go ClusterRoles().
  role("system:discovery",
       json::array({{{"verbs", {"get"}},
                     {"nonResourceURLs", {"/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi",
                                          "/openapi/*", "/readyz", "/version", "/version/"}}}}));
  role("system:basic-user",
       json::array({{{"verbs", {"create"}},
                     {"apiGroups", {"authorization.k8s.io"}},
                     {"resources", {"selfsubjectaccessreviews", "selfsubjectrulesreviews"}}},
                    {{"verbs", {"create"}}, {"apiGroups", {"authentication.k8s.io"}}, {"resources", {"selfsubjectreviews"}}}}));
  role("system:public-info-viewer",
       json::array({{{"verbs", {"get"}}, {"nonResourceURLs", {"/healthz", "/livez", "/readyz", "/version", "/version/"}}}}));
}

}  // namespace sim

#include "discovery.hpp"

#include "resources.hpp"

namespace sim {

using nlohmann::json;

json versionInfo() {
  return {{"major", "1"},
          {"minor", "32"},
          {"gitVersion", "v1.32.4+kubevirt-sim"},
          {"gitCommit", "0000000000000000000000000000000000000000"},
          {"gitTreeState", "clean"},
          {"buildDate", "2026-01-01T00:00:00Z"},
          {"goVersion", "go1.23.8"},
          {"compiler", "gc"},
          {"platform", "linux/amd64"}};
}

json coreVersions(const std::string& serverAddress) {
  return {{"kind", "APIVersions"},
          {"versions", {"v1"}},
          {"serverAddressByClientCIDRs", {{{"clientCIDR", "0.0.0.0/0"}, {"serverAddress", serverAddress}}}}};
}

namespace {

const std::vector<std::string> kStatusVerbs = {"get", "patch", "update"};

json legacyEntry(const ResourceInfo& r) {
  json e = {{"name", r.plural}, {"singularName", r.singular}, {"namespaced", r.namespaced},
            {"kind", r.kind},   {"verbs", r.verbs}};
  if (!r.shortNames.empty()) e["shortNames"] = r.shortNames;
  if (!r.categories.empty()) e["categories"] = r.categories;
  return e;
}

json gvEntry(const std::string& group, const std::string& version) {
  return {{"groupVersion", group + "/" + version}, {"version", version}};
}

}  // namespace

json resourceList(const std::string& group, const std::string& version) {
  json resources = json::array();
  for (const auto& r : resourceTable()) {
    if (r.group != group || r.version != version) continue;
    resources.push_back(legacyEntry(r));
    if (r.hasEviction)
      resources.push_back({{"name", r.plural + "/eviction"}, {"singularName", r.singular}, {"namespaced", r.namespaced},
                           {"group", "policy"}, {"version", "v1"}, {"kind", "Eviction"}, {"verbs", {"create"}}});
    if (r.hasToken)
      resources.push_back({{"name", r.plural + "/token"}, {"singularName", r.singular}, {"namespaced", r.namespaced},
                           {"group", "authentication.k8s.io"}, {"version", "v1"}, {"kind", "TokenRequest"},
                           {"verbs", {"create"}}});
    if (r.hasStatus)
      resources.push_back({{"name", r.plural + "/status"}, {"singularName", r.singular}, {"namespaced", r.namespaced},
                           {"kind", r.kind}, {"verbs", kStatusVerbs}});
  }
  if (resources.empty()) return nullptr;
  json out = {{"kind", "APIResourceList"}};
  if (!group.empty()) out["apiVersion"] = "v1";
  out["groupVersion"] = group.empty() ? version : group + "/" + version;
  out["resources"] = resources;
  return out;
}

json groupInfo(const std::string& group) {
  for (const auto& g : apiGroups()) {
    if (g.group != group) continue;
    json versions = json::array();
    for (const auto& v : g.versions) versions.push_back(gvEntry(g.group, v));
    return {{"kind", "APIGroup"}, {"apiVersion", "v1"}, {"name", g.group}, {"versions", versions},
            {"preferredVersion", gvEntry(g.group, g.versions.front())}};
  }
  return nullptr;
}

json groupList() {
  json groups = json::array();
  for (const auto& g : apiGroups()) {
    json gi = groupInfo(g.group);
    gi.erase("kind");
    gi.erase("apiVersion");
    groups.push_back(gi);
  }
  return {{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", groups}};
}

std::string aggregatedVersionRequested(const std::string& accept) {
  // Honour the client's order of preference among the media types it lists.
  size_t start = 0;
  while (start <= accept.size()) {
    size_t comma = accept.find(',', start);
    std::string part = accept.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (part.find("g=apidiscovery.k8s.io") != std::string::npos &&
        part.find("as=APIGroupDiscoveryList") != std::string::npos) {
      if (part.find("v=v2beta1") != std::string::npos) return "v2beta1";
      if (part.find("v=v2") != std::string::npos) return "v2";
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return "";
}

std::string aggregatedContentType(const std::string& v) {
  return "application/json;g=apidiscovery.k8s.io;v=" + v + ";as=APIGroupDiscoveryList";
}

json aggregatedDiscovery(bool core, const std::string& discoveryVersion) {
  json items = json::array();
  auto groupItem = [&](const std::string& group, const std::vector<std::string>& versions) {
    json vs = json::array();
    for (const auto& v : versions) {
      json resources = json::array();
      for (const auto& r : resourceTable()) {
        if (r.group != group || r.version != v) continue;
        json e = {{"resource", r.plural},
                  {"responseKind", {{"group", r.group}, {"version", r.version}, {"kind", r.kind}}},
                  {"scope", r.namespaced ? "Namespaced" : "Cluster"},
                  {"singularResource", r.singular},
                  {"verbs", r.verbs}};
        if (!r.shortNames.empty()) e["shortNames"] = r.shortNames;
        if (!r.categories.empty()) e["categories"] = r.categories;
        json subs = json::array();
        if (r.hasStatus)
          subs.push_back({{"subresource", "status"},
                          {"responseKind", {{"group", r.group}, {"version", r.version}, {"kind", r.kind}}},
                          {"verbs", kStatusVerbs}});
        if (r.hasEviction)
          subs.push_back({{"subresource", "eviction"},
                          {"responseKind", {{"group", "policy"}, {"version", "v1"}, {"kind", "Eviction"}}},
                          {"verbs", {"create"}}});
        if (r.hasToken)
          subs.push_back({{"subresource", "token"},
                          {"responseKind", {{"group", "authentication.k8s.io"}, {"version", "v1"}, {"kind", "TokenRequest"}}},
                          {"verbs", {"create"}}});
        if (!subs.empty()) e["subresources"] = subs;
        resources.push_back(e);
      }
      vs.push_back({{"version", v}, {"resources", resources}, {"freshness", "Current"}});
    }
    json md = {{"creationTimestamp", nullptr}};
    if (!group.empty()) md["name"] = group;
    items.push_back({{"metadata", md}, {"versions", vs}});
  };
  if (core) {
    groupItem("", {"v1"});
  } else {
    for (const auto& g : apiGroups()) groupItem(g.group, g.versions);
  }
  return {{"kind", "APIGroupDiscoveryList"},
          {"apiVersion", "apidiscovery.k8s.io/" + discoveryVersion},
          {"metadata", json::object()},
          {"items", items}};
}

}  // namespace sim

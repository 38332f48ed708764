#include "request_info.hpp"

#include <vector>

#include "http_util.hpp"
#include "resources.hpp"

namespace sim {

namespace {

std::vector<std::string> split(const std::string& path) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < path.size()) {
    while (i < path.size() && path[i] == '/') ++i;
    size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    if (j > i) out.push_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

bool truthy(const std::string& v) { return v == "true" || v == "1"; }

}  // namespace

RequestInfo parseRequest(const httplib::Request& req) {
  RequestInfo ri;
  auto seg = split(req.path);
  if (seg.empty()) return ri;
  if (seg.size() == 1 && seg[0] == "version") { ri.kind = RequestInfo::Kind::Version; return ri; }
  if (seg[0] == "healthz" || seg[0] == "livez" || seg[0] == "readyz") { ri.kind = RequestInfo::Kind::Health; return ri; }
  if (seg[0] == "openapi") {
    if (seg.size() == 2 && seg[1] == "v2") ri.kind = RequestInfo::Kind::OpenApiV2;
    else if (seg.size() == 2 && seg[1] == "v3") ri.kind = RequestInfo::Kind::OpenApiV3Root;
    else if (seg.size() >= 3 && seg[1] == "v3") {
      ri.kind = RequestInfo::Kind::OpenApiV3Doc;
      for (size_t i = 2; i < seg.size(); ++i) ri.openApiPath += (i > 2 ? "/" : "") + seg[i];
    }
    return ri;
  }

  size_t p;
  if (seg[0] == "api") {
    if (seg.size() == 1) { ri.kind = RequestInfo::Kind::CoreVersions; return ri; }
    ri.version = seg[1];
    if (seg.size() == 2) {
      ri.kind = ri.version == "v1" ? RequestInfo::Kind::CoreResources : RequestInfo::Kind::NotFound;
      return ri;
    }
    p = 2;
  } else if (seg[0] == "apis") {
    if (seg.size() == 1) { ri.kind = RequestInfo::Kind::Groups; return ri; }
    ri.group = seg[1];
    if (seg.size() == 2) { ri.kind = RequestInfo::Kind::Group; return ri; }
    ri.version = seg[2];
    if (seg.size() == 3) { ri.kind = RequestInfo::Kind::GroupResources; return ri; }
    p = 3;
  } else {
    return ri;
  }

  bool legacyWatch = false;
  if (seg[p] == "watch") {
    legacyWatch = true;
    if (++p >= seg.size()) return ri;
  }
  std::vector<std::string> rest(seg.begin() + static_cast<std::ptrdiff_t>(p), seg.end());
  // /namespaces/<ns>/<resource>/... unless it is a namespace's own subresource.
  if (rest.size() >= 3 && rest[0] == "namespaces" && rest[2] != "status" && rest[2] != "finalize") {
    ri.ns = rest[1];
    rest.erase(rest.begin(), rest.begin() + 2);
  }
  if (rest.empty() || rest.size() > 3) return ri;
  ri.resourceName = rest[0];
  if (rest.size() >= 2) ri.name = rest[1];
  if (rest.size() == 3) ri.subresource = rest[2];
  ri.kind = RequestInfo::Kind::Resource;
  ri.resource = findResource(ri.group, ri.version, ri.resourceName);
  if (!ri.resource) {
    ri.kind = RequestInfo::Kind::UnknownResource;
    return ri;
  }
  // A namespaced resource addressed by name needs its namespace; a cluster-scoped one has none.
  if ((ri.resource->namespaced && !ri.name.empty() && ri.ns.empty()) || (!ri.resource->namespaced && !ri.ns.empty())) {
    ri.kind = RequestInfo::Kind::NotFound;
    return ri;
  }

  const std::string& m = req.method;
  if (m == "GET" || m == "HEAD") {
    if (legacyWatch || truthy(param(req, "watch"))) ri.verb = "watch";
    else ri.verb = ri.name.empty() ? "list" : "get";
  } else if (m == "POST") {
    ri.verb = ri.subresource == "eviction" ? "evict" : "create";
  } else if (m == "PUT") {
    ri.verb = "update";
  } else if (m == "PATCH") {
    ri.verb = "patch";
  } else if (m == "DELETE") {
    ri.verb = ri.name.empty() ? "deletecollection" : "delete";
  }
  return ri;
}

}  // namespace sim

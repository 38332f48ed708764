#include "openapi.hpp"

#include <functional>

#include "resources.hpp"

namespace sim {

using nlohmann::json;

namespace {

std::string gvPath(const ResourceInfo& r) { return r.group.empty() ? "api/" + r.version : "apis/" + r.group + "/" + r.version; }

}  // namespace

json openApiV3Root() {
  json paths = json::object();
  for (const auto& r : resourceTable()) {
    const std::string p = gvPath(r);
    // The hash only has to change when the document does; the table is fixed at build time.
    paths[p] = {{"serverRelativeURL", "/openapi/v3/" + p + "?hash=" + std::to_string(std::hash<std::string>{}(p) & 0xffffffffu)}};
  }
  return {{"paths", paths}};
}

json openApiV3Document(const std::string& path) {
  json paths = json::object();
  for (const auto& r : resourceTable()) {
    if (gvPath(r) != path) continue;
    const std::string base = "/" + path + (r.namespaced ? "/namespaces/{namespace}/" : "/") + r.plural;
    const json gvk = {{"group", r.group}, {"version", r.version}, {"kind", r.kind}};
    const json params = json::array({{{"name", "dryRun"}, {"in", "query"}, {"schema", {{"type", "string"}}}},
                                     {{"name", "fieldManager"}, {"in", "query"}, {"schema", {{"type", "string"}}}},
                                     {{"name", "fieldValidation"}, {"in", "query"}, {"schema", {{"type", "string"}}}}});
    const json ok = {{"200", {{"description", "OK"}}}};
    json collection = {{"post", {{"x-kubernetes-group-version-kind", gvk}, {"x-kubernetes-action", "post"},
                                 {"parameters", params}, {"responses", {{"201", {{"description", "Created"}}}}}}}};
    if (!r.createOnly)
      collection["get"] = {{"x-kubernetes-group-version-kind", gvk}, {"x-kubernetes-action", "list"}, {"responses", ok}};
    paths[base] = collection;
    if (r.createOnly) continue;
    paths[base + "/{name}"] = {
        {"get", {{"x-kubernetes-group-version-kind", gvk}, {"x-kubernetes-action", "get"}, {"responses", ok}}},
        {"put", {{"x-kubernetes-group-version-kind", gvk}, {"x-kubernetes-action", "put"}, {"parameters", params}, {"responses", ok}}},
        {"patch", {{"x-kubernetes-group-version-kind", gvk}, {"x-kubernetes-action", "patch"}, {"parameters", params}, {"responses", ok}}},
        {"delete", {{"x-kubernetes-group-version-kind", gvk}, {"x-kubernetes-action", "delete"}, {"responses", ok}}}};
  }
  if (paths.empty()) return nullptr;
  return {{"openapi", "3.0.0"}, {"info", {{"title", "Kubernetes"}, {"version", "v1.32.4"}}}, {"paths", paths},
          {"components", json::object()}};
}

}  // namespace sim

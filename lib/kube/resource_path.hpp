#pragma once
// Which API object a request is about, and how that becomes a URL path and
// query string (client-go's request.URL()).
#include <string>
#include <utility>
#include <vector>

namespace wu::kube {

struct ResourceRef {
  std::string group;     // "" for the core group (/api/v1)
  std::string version;   // "v1"
  std::string resource;  // plural, lower case: "pods", "virtualmachineinstances"
  std::string namespace_;  // empty for cluster-scoped or all namespaces
  std::string name;
  std::string subresource;  // "eviction", "status", "migrate", ...

  ResourceRef in(std::string ns) const {
    ResourceRef r = *this;
    r.namespace_ = std::move(ns);
    return r;
  }
  ResourceRef named(std::string n) const {
    ResourceRef r = *this;
    r.name = std::move(n);
    return r;
  }
  ResourceRef sub(std::string s) const {
    ResourceRef r = *this;
    r.subresource = std::move(s);
    return r;
  }
};

// Ordered query parameters; encoded sorted by key like Go's url.Values.
using Query = std::vector<std::pair<std::string, std::string>>;

// "/api/v1/namespaces/ns/pods/name/eviction" (no server prefix). Throws
// KubeError for names that cannot be a path segment ("." "..", '/', '%').
std::string resource_path(const ResourceRef& ref);

// "a=1&b=x+y" (Go's url.Values.Encode: sorted by key, QueryEscape'd).
std::string encode_query(const Query& query);

}  // namespace wu::kube

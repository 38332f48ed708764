#include "kube/resource_path.hpp"

#include <algorithm>

#include "kube/encoding.hpp"
#include "kube/errors.hpp"

namespace wu::kube {
namespace {

// apimachinery's IsValidPathSegmentName.
void check_segment(const std::string& what, const std::string& value) {
  if (value == "." || value == "..")
    throw KubeError("invalid " + what + " \"" + value + "\": may not be '" + value + "'");
  for (const char* bad : {"/", "%"})
    if (value.find(bad) != std::string::npos)
      throw KubeError("invalid " + what + " \"" + value + "\": may not contain '" + bad + "'");
}

}  // namespace

std::string resource_path(const ResourceRef& r) {
  if (r.version.empty()) throw KubeError("resource \"" + r.resource + "\" has no API version");
  if (r.resource.empty()) throw KubeError("no resource given for the request");
  std::string p = r.group.empty() ? "/api/" + r.version : "/apis/" + r.group + "/" + r.version;
  if (!r.namespace_.empty()) {
    check_segment("namespace", r.namespace_);
    p += "/namespaces/" + path_escape(r.namespace_);
  }
  p += "/" + r.resource;
  if (!r.name.empty()) {
    check_segment("resource name", r.name);
    p += "/" + path_escape(r.name);
  } else if (!r.subresource.empty()) {
    throw KubeError("resource name may not be empty");
  }
  if (!r.subresource.empty()) p += "/" + r.subresource;
  return p;
}

std::string encode_query(const Query& query) {
  Query sorted = query;
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string out;
  for (const auto& [k, v] : sorted) {
    if (!out.empty()) out += '&';
    out += query_escape(k) + "=" + query_escape(v);
  }
  return out;
}

}  // namespace wu::kube

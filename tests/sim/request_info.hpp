// Turns a request path and method into what it asks for: a discovery document,
// or a verb on a resource (apiserver's RequestInfoFactory, for our table).
#pragma once

#include <httplib.h>

#include <string>

namespace sim {

struct ResourceInfo;

struct RequestInfo {
  enum class Kind {
    NotFound,           // no such path
    UnknownResource,    // well-formed resource path, but the group/version/resource is not served
    Version,            // /version
    Health,             // /healthz /livez /readyz
    CoreVersions,       // /api
    CoreResources,      // /api/v1
    Groups,             // /apis
    Group,              // /apis/<group>
    GroupResources,     // /apis/<group>/<version>
    OpenApiV2,
    OpenApiV3Root,
    OpenApiV3Doc,       // /openapi/v3/<api/v1 | apis/g/v>
    Resource
  } kind = Kind::NotFound;

  std::string group, version;  // discovery and resource paths
  std::string openApiPath;     // for OpenApiV3Doc: "api/v1" or "apis/<g>/<v>"
  const ResourceInfo* resource = nullptr;
  std::string resourceName;  // plural as requested (also when unknown)
  std::string ns, name, subresource;
  std::string verb;  // get list watch create update patch delete deletecollection evict
};

RequestInfo parseRequest(const httplib::Request& req);

}  // namespace sim

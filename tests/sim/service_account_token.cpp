#include "service_account_token.hpp"

#include "body.hpp"
#include "http_util.hpp"
#include "ids.hpp"
#include "services.hpp"
#include "sim_clock.hpp"
#include "status_errors.hpp"

namespace sim {

using nlohmann::json;

// pkg/registry/core/serviceaccount/storage/token.go TokenREST.Create: the ServiceAccount must exist;
// expirationSeconds defaults to 3600 (the API's default) and is echoed. The simulator's tokens do not
// expire; they stop working when the ServiceAccount is deleted (server.cpp checks its UID).
void handleTokenRequest(Services& s, Call& c) {
  const ResourceInfo& r = *c.info.resource;
  ObjPtr sa = s.store.get(r, c.info.ns, c.info.name);
  if (!sa) throw notFound(r, c.info.name);
  json body = readBody(c.req, true);
  if (!body.is_object()) throw badRequest("the body of the request must be a TokenRequest object");
  const std::string apiVersion = body.value("apiVersion", "authentication.k8s.io/v1");
  const std::string kind = body.value("kind", "TokenRequest");
  if (apiVersion != "authentication.k8s.io/v1" || kind != "TokenRequest")
    throw badRequest(kind + " in version \"" + apiVersion + "\" cannot be handled as a TokenRequest");
  json spec = body.value("spec", json::object());
  if (!spec.is_object()) spec = json::object();
  if (!spec.contains("expirationSeconds") || !spec["expirationSeconds"].is_number_integer())
    spec["expirationSeconds"] = 3600;
  if (!spec.contains("audiences") || !spec["audiences"].is_array() || spec["audiences"].empty())
    spec["audiences"] = {"https://kubernetes.default.svc.cluster.local"};
  if (!spec.contains("boundObjectRef")) spec["boundObjectRef"] = nullptr;
  const auto now = simNow();
  const auto expires = now + std::chrono::seconds(spec["expirationSeconds"].get<long>());
  // A dry run issues nothing that would authenticate.
  const std::string token = c.dryRun ? std::string() : s.auth.issueServiceAccountToken(c.info.ns, c.info.name, sa->uid);
  json out = {{"kind", "TokenRequest"},
              {"apiVersion", "authentication.k8s.io/v1"},
              {"metadata", {{"name", c.info.name}, {"namespace", c.info.ns}, {"creationTimestamp", rfc3339(now)}}},
              {"spec", spec},
              {"status", {{"token", token}, {"expirationTimestamp", rfc3339(expires)}}}};
  sendBody(c.req, c.res, 201, out.dump());
}

}  // namespace sim

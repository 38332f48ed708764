#include "status_errors.hpp"

#include "resources.hpp"

namespace sim {

using nlohmann::json;

const char* const kContinueExpiredMessage =
    "The provided continue parameter is too old to display a consistent list result. You can start a new list "
    "without the continue parameter, or use the continue token in this response to retrieve the remainder of the "
    "results. Continuing with the provided token results in an inconsistent list - objects that were created, "
    "modified, or deleted between the time the first chunk was returned and now may show up in the list.";

ApiError::ApiError(int code, std::string reason, std::string message, json details)
    : std::runtime_error(message), code_(code), reason_(std::move(reason)), details_(std::move(details)) {}

int ApiError::retryAfterSeconds() const {
  if (details_.is_object() && details_.contains("retryAfterSeconds")) return details_["retryAfterSeconds"].get<int>();
  return 0;
}

nlohmann::ordered_json ApiError::toStatus() const {
  nlohmann::ordered_json s = nlohmann::ordered_json::object();
  s["kind"] = "Status";
  s["apiVersion"] = "v1";
  s["metadata"] = json::object();
  s["status"] = "Failure";  // set by the API server even when a webhook's Status left it empty
  s["message"] = what();
  if (!reason_.empty()) s["reason"] = reason_;
  if (details_.is_object() && !details_.empty()) {
    nlohmann::ordered_json d = nlohmann::ordered_json::object();
    for (const char* k : {"name", "group", "kind", "uid", "causes", "retryAfterSeconds"})
      if (details_.contains(k)) {
        if (std::string(k) == "causes") {
          nlohmann::ordered_json causes = nlohmann::ordered_json::array();
          for (const auto& c : details_[k]) {
            nlohmann::ordered_json oc = nlohmann::ordered_json::object();
            for (const char* ck : {"reason", "message", "field"})
              if (c.contains(ck)) oc[ck] = c[ck];
            causes.push_back(oc);
          }
          d[k] = causes;
        } else {
          d[k] = details_[k];
        }
      }
    s["details"] = d;
  }
  s["code"] = code_;
  return s;
}

nlohmann::ordered_json successStatus(int code, const json& details) {
  nlohmann::ordered_json s = nlohmann::ordered_json::object();
  s["kind"] = "Status";
  s["apiVersion"] = "v1";
  s["metadata"] = json::object();
  s["status"] = "Success";
  if (details.is_object()) s["details"] = details;
  s["code"] = code;
  return s;
}

namespace {
json resourceDetails(const ResourceInfo& r, const std::string& name) {
  json d = json::object();
  if (!name.empty()) d["name"] = name;
  if (!r.group.empty()) d["group"] = r.group;
  d["kind"] = r.plural;  // the API server puts the plural resource here for these reasons
  return d;
}
}  // namespace

ApiError notFound(const ResourceInfo& r, const std::string& name) {
  return ApiError(404, "NotFound", r.groupResource() + " \"" + name + "\" not found", resourceDetails(r, name));
}

ApiError alreadyExists(const ResourceInfo& r, const std::string& name) {
  return ApiError(409, "AlreadyExists", r.groupResource() + " \"" + name + "\" already exists",
                  resourceDetails(r, name));
}

ApiError conflict(const ResourceInfo& r, const std::string& name, const std::string& why) {
  return ApiError(409, "Conflict", "Operation cannot be fulfilled on " + r.groupResource() + " \"" + name + "\": " + why,
                  resourceDetails(r, name));
}

ApiError forbidden(const std::string& user, const std::string& verb, const std::string& plural,
                   const std::string& group, const std::string& ns, const std::string& name,
                   const std::string& subresource) {
  std::string gr = group.empty() ? plural : plural + "." + group;
  std::string resourceWithSub = subresource.empty() ? plural : plural + "/" + subresource;
  std::string msg = gr;
  if (!name.empty()) msg += " \"" + name + "\"";
  msg += " is forbidden: User \"" + user + "\" cannot " + verb + " resource \"" + resourceWithSub +
         "\" in API group \"" + group + "\"";
  msg += ns.empty() ? " at the cluster scope" : " in the namespace \"" + ns + "\"";
  json d = json::object();
  if (!name.empty()) d["name"] = name;
  if (!group.empty()) d["group"] = group;
  d["kind"] = plural;
  return ApiError(403, "Forbidden", msg, d);
}

ApiError unauthorized() { return ApiError(401, "Unauthorized", "Unauthorized"); }

ApiError invalid(const ResourceInfo& r, const std::string& name, const std::vector<StatusCause>& causes) {
  std::string msg = r.kind + (r.custom ? "." + r.group : "") + " \"" + name + "\" is invalid: ";
  json jc = json::array();
  for (size_t i = 0; i < causes.size(); ++i) {
    if (i) msg += ", ";
    msg += causes[i].field + ": " + causes[i].message;
    json c = json::object();
    c["reason"] = causes[i].reason;
    c["message"] = causes[i].message;
    c["field"] = causes[i].field;
    jc.push_back(c);
  }
  if (causes.size() > 1) msg = r.kind + (r.custom ? "." + r.group : "") + " \"" + name + "\" is invalid: [" +
                               msg.substr(msg.find("is invalid: ") + 12) + "]";
  json d = json::object();
  d["name"] = name;
  if (!r.group.empty()) d["group"] = r.group;
  d["kind"] = r.kind;  // Invalid carries the Kind, not the plural
  d["causes"] = jc;
  return ApiError(422, "Invalid", msg, d);
}

ApiError badRequest(const std::string& message) { return ApiError(400, "BadRequest", message); }
ApiError methodNotAllowed(const std::string& message) { return ApiError(405, "MethodNotAllowed", message); }
ApiError unsupportedMediaType(const std::string& message) { return ApiError(415, "UnsupportedMediaType", message); }
ApiError notAcceptable(const std::string& message) { return ApiError(406, "NotAcceptable", message); }

ApiError tooManyRequests(const std::string& message, int retryAfterSeconds) {
  json d = json::object();
  if (retryAfterSeconds > 0) d["retryAfterSeconds"] = retryAfterSeconds;
  return ApiError(429, "TooManyRequests", message, d);
}

ApiError internalError(const std::string& message) {
  json d = json::object();
  d["causes"] = json::array({json{{"message", message}}});
  return ApiError(500, "InternalError", "Internal error occurred: " + message, d);
}

ApiError serviceUnavailable(const std::string& message) { return ApiError(503, "ServiceUnavailable", message); }
ApiError expired(const std::string& message) { return ApiError(410, "Expired", message); }
ApiError genericNotFound() {
  return ApiError(404, "NotFound", "the server could not find the requested resource");
}

}  // namespace sim

// Status bodies shaped exactly like the Kubernetes API server's (k8s.io/apimachinery
// pkg/api/errors), so clients can be tested against the real wire format.
#pragma once

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

namespace sim {

struct ResourceInfo;

struct StatusCause {
  std::string reason;  // serialised as "reason" (Go field StatusCause.Type)
  std::string message;
  std::string field;
};

// An API error that a handler throws; the dispatcher turns it into a response.
// An empty reason (admission webhook denials: KubeVirt sets only message and code) is left out.
class ApiError : public std::runtime_error {
 public:
  ApiError(int code, std::string reason, std::string message, nlohmann::json details = nullptr);

  int code() const { return code_; }
  const std::string& reason() const { return reason_; }
  const nlohmann::json& details() const { return details_; }
  int retryAfterSeconds() const;  // 0 when absent
  // Keys in the API server's order (kind, apiVersion, metadata, status, message, reason, details, code).
  nlohmann::ordered_json toStatus() const;

 private:
  int code_;
  std::string reason_;
  nlohmann::json details_;
};

nlohmann::ordered_json successStatus(int code, const nlohmann::json& details = nullptr);

ApiError notFound(const ResourceInfo& r, const std::string& name);
ApiError alreadyExists(const ResourceInfo& r, const std::string& name);
ApiError conflict(const ResourceInfo& r, const std::string& name, const std::string& why);
ApiError forbidden(const std::string& user, const std::string& verb, const std::string& plural,
                   const std::string& group, const std::string& ns, const std::string& name = "",
                   const std::string& subresource = "");
ApiError unauthorized();
ApiError invalid(const ResourceInfo& r, const std::string& name, const std::vector<StatusCause>& causes);
ApiError badRequest(const std::string& message);
ApiError methodNotAllowed(const std::string& message);
ApiError unsupportedMediaType(const std::string& message);
ApiError notAcceptable(const std::string& message);
ApiError tooManyRequests(const std::string& message, int retryAfterSeconds);
ApiError internalError(const std::string& message);
ApiError serviceUnavailable(const std::string& message);
ApiError expired(const std::string& message);
ApiError genericNotFound();  // 404 for paths that name no resource

// Message of a 410 on a stale continue token (verbatim from the API server).
extern const char* const kContinueExpiredMessage;

}  // namespace sim

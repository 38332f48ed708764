#pragma once
// A failed API call: the server's Status object (or, for non-JSON error
// bodies, the HTTP code and the start of the body) as a typed error.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kube/errors.hpp"

namespace wu::kube {

struct StatusCause {
  std::string reason;  // Go's StatusCause.Type serialises as "reason"
  std::string message;
  std::string field;
};

struct StatusDetails {
  std::string name, group, kind, uid;
  std::vector<StatusCause> causes;
  int retry_after_seconds = 0;
};

class ApiError : public KubeError {
 public:
  ApiError(int code, std::string reason, std::string message, StatusDetails details, std::string method = {},
           std::string url = {});

  int code() const noexcept { return code_; }
  // The Status reason (NotFound, Conflict, Forbidden, TooManyRequests, Expired, ...).
  const std::string& reason() const noexcept { return reason_; }
  // The server's message, unchanged (a 403 names verb, resource and user).
  const std::string& status_message() const noexcept { return message_; }
  const StatusDetails& details() const noexcept { return details_; }
  const std::string& method() const noexcept { return method_; }
  const std::string& url() const noexcept { return url_; }
  bool has_cause(std::string_view reason) const;

 private:
  int code_;
  std::string reason_, message_;
  StatusDetails details_;
  std::string method_, url_;
};

// Builds the error for an HTTP response with a status >= 400. `retry_after`
// is the Retry-After header in seconds (0 when absent).
ApiError api_error_from_response(int http_code, std::string_view body, int retry_after, std::string method = {},
                                 std::string url = {});

// Parses a Status object (e.g. from a watch ERROR event). nullopt when `status_json` is not a Status.
std::optional<ApiError> api_error_from_status(std::string_view status_json);

// The Status reason client-go assumes for a bare HTTP code.
std::string reason_for_code(int http_code);

bool is_not_found(const ApiError& e);
bool is_already_exists(const ApiError& e);
bool is_conflict(const ApiError& e);
bool is_invalid(const ApiError& e);
bool is_bad_request(const ApiError& e);
bool is_unauthorized(const ApiError& e);
bool is_forbidden(const ApiError& e);
bool is_too_many_requests(const ApiError& e);
bool is_resource_expired(const ApiError& e);  // 410 Expired/Gone: relist
bool is_internal_error(const ApiError& e);
bool is_service_unavailable(const ApiError& e);
bool is_timeout(const ApiError& e);  // 504 Timeout or ServerTimeout

}  // namespace wu::kube

#include "kube/api_error.hpp"
#include "util/utf8_truncate.hpp"
#include "yaml/json_reader.hpp"

#include <nlohmann/json.hpp>

namespace wu::kube {
namespace {

std::string http_reason_phrase(int code) {
  switch (code) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 413: return "Request Entity Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "";
  }
}

// client-go's wording for errors without a Status body.
std::string generic_message(int code) {
  switch (code) {
    case 400: return "the server rejected our request for an unknown reason";
    case 401: return "the server has asked for the client to provide credentials";
    case 403: return "the server does not allow access to the requested resource";
    case 404: return "the server could not find the requested resource";
    case 405: return "the server does not allow this method on the requested resource";
    case 409: return "the server reported a conflict";
    case 410: return "the resource requested is no longer available";
    case 413: return "the server has rejected the request because the request body is too large";
    case 415: return "the server does not support the media type of the request";
    case 422: return "the server rejected our request due to an error in our request";
    case 429: return "the server has received too many requests and has asked us to try again later";
    case 500: return "an error on the server has prevented the request from succeeding";
    case 503: return "the server is currently unable to handle the request";
    case 504: return "the server was unable to return a response in the time allotted, but may still be processing the request";
    default: return "the server responded with the status code " + std::to_string(code) + " but did not return more information";
  }
}

std::string render(int code, const std::string& reason, const std::string& message) {
  std::string text;
  if (code == 401) {
    text = "You must be logged in to the server (" + (message.empty() ? std::string("Unauthorized") : message) +
           "). Log in again (oc login), or check the credentials of the context in your kubeconfig "
           "(--kubeconfig, --context, --user, --token)";
  } else {
    text = "Error from server";
    if (!reason.empty()) text += " (" + reason + ")";
    text += ": " + message;
  }
  return text;
}

std::string str_field(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<ApiError> from_json(const nlohmann::json& j, int http_code, std::string method, std::string url) {
  if (!j.is_object() || str_field(j, "kind") != "Status") return std::nullopt;
  int code = http_code;
  if (auto it = j.find("code"); it != j.end() && it->is_number_integer() && it->get<int>() != 0) code = it->get<int>();
  StatusDetails d;
  if (auto it = j.find("details"); it != j.end() && it->is_object()) {
    d.name = str_field(*it, "name");
    d.group = str_field(*it, "group");
    d.kind = str_field(*it, "kind");
    d.uid = str_field(*it, "uid");
    if (auto r = it->find("retryAfterSeconds"); r != it->end() && r->is_number_integer()) d.retry_after_seconds = r->get<int>();
    if (auto c = it->find("causes"); c != it->end() && c->is_array())
      for (const auto& cause : *c)
        if (cause.is_object()) d.causes.push_back({str_field(cause, "reason"), str_field(cause, "message"), str_field(cause, "field")});
  }
  std::string reason = str_field(j, "reason");
  if (reason.empty()) reason = reason_for_code(code);
  std::string message = str_field(j, "message");
  if (message.empty()) message = generic_message(code);
  return ApiError(code, reason, message, std::move(d), std::move(method), std::move(url));
}

}  // namespace

ApiError::ApiError(int code, std::string reason, std::string message, StatusDetails details, std::string method,
                   std::string url)
    : KubeError(render(code, reason, message)),
      code_(code),
      reason_(std::move(reason)),
      message_(std::move(message)),
      details_(std::move(details)),
      method_(std::move(method)),
      url_(std::move(url)) {}

bool ApiError::has_cause(std::string_view reason) const {
  for (const auto& c : details_.causes)
    if (c.reason == reason) return true;
  return false;
}

std::string reason_for_code(int code) {
  switch (code) {
    case 400: return "BadRequest";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "NotFound";
    case 405: return "MethodNotAllowed";
    case 406: return "NotAcceptable";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 413: return "RequestEntityTooLarge";
    case 415: return "UnsupportedMediaType";
    case 422: return "Invalid";
    case 429: return "TooManyRequests";
    case 500: return "InternalError";
    case 503: return "ServiceUnavailable";
    case 504: return "Timeout";
    default: return "Unknown";
  }
}

ApiError api_error_from_response(int http_code, std::string_view body, int retry_after, std::string method,
                                 std::string url) {
  if (auto j = yaml::try_parse_json(body)) {
    if (auto e = from_json(*j, http_code, method, url)) {
      if (e->details().retry_after_seconds == 0 && retry_after > 0) {
        StatusDetails d = e->details();
        d.retry_after_seconds = retry_after;
        return ApiError(e->code(), e->reason(), e->status_message(), d, method, url);
      }
      return *e;
    }
  }
  // Not a Status (a proxy or load balancer answered): HTTP code, phrase and
  // the start of the body, so the user sees who answered.
  std::string message = generic_message(http_code) + " (HTTP " + std::to_string(http_code);
  if (auto phrase = http_reason_phrase(http_code); !phrase.empty()) message += " " + phrase;
  message += ")";
  std::string snippet(util::utf8_prefix(body, 200));
  for (char& c : snippet)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  while (!snippet.empty() && snippet.back() == ' ') snippet.pop_back();
  if (!snippet.empty()) message += ": " + snippet + (body.size() > 200 ? "..." : "");
  StatusDetails d;
  d.retry_after_seconds = retry_after;
  return ApiError(http_code, reason_for_code(http_code), message, d, std::move(method), std::move(url));
}

std::optional<ApiError> api_error_from_status(std::string_view status_json) {
  auto j = yaml::try_parse_json(status_json);
  if (!j) return std::nullopt;
  return from_json(*j, 500, {}, {});
}

bool is_not_found(const ApiError& e) { return e.reason() == "NotFound" || e.code() == 404; }
bool is_already_exists(const ApiError& e) { return e.reason() == "AlreadyExists"; }
bool is_conflict(const ApiError& e) { return e.reason() == "Conflict" || (e.code() == 409 && e.reason() != "AlreadyExists"); }
bool is_invalid(const ApiError& e) { return e.reason() == "Invalid" || e.code() == 422; }
bool is_bad_request(const ApiError& e) { return e.reason() == "BadRequest" || e.code() == 400; }
bool is_unauthorized(const ApiError& e) { return e.reason() == "Unauthorized" || e.code() == 401; }
bool is_forbidden(const ApiError& e) { return e.reason() == "Forbidden" || e.code() == 403; }
bool is_too_many_requests(const ApiError& e) { return e.reason() == "TooManyRequests" || e.code() == 429; }
bool is_resource_expired(const ApiError& e) { return e.reason() == "Expired" || e.reason() == "Gone" || e.code() == 410; }
bool is_internal_error(const ApiError& e) { return e.reason() == "InternalError" || e.code() == 500; }
bool is_service_unavailable(const ApiError& e) { return e.reason() == "ServiceUnavailable" || e.code() == 503; }
bool is_timeout(const ApiError& e) { return e.reason() == "Timeout" || e.reason() == "ServerTimeout" || e.code() == 504; }

}  // namespace wu::kube

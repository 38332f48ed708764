#pragma once
// kubectl-style -v request logging (client-go's debugging round tripper):
//   6: "GET https://... 200 OK in 12 milliseconds"
//   7: + request headers (and response status/headers)
//   8: + request/response bodies truncated to 1024 bytes
//   9: + full bodies and an equivalent curl command
// Credentials are masked at every level: Authorization values become
// "Bearer <masked>"; client keys and tokens never reach these functions.
#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wu::kube {

using LogFn = std::function<void(int level, std::string_view line)>;
using Headers = std::vector<std::pair<std::string, std::string>>;

// The value to show for a header (masked for Authorization-like headers).
std::string redacted_header_value(std::string_view name, std::string_view value);

// "curl -v -XGET  -H \"Accept: application/json\" 'https://...'" with masked secrets.
std::string curl_command(std::string_view method, std::string_view url, const Headers& headers,
                         std::string_view body);

// Body as logged at `verbosity` (8: first 1024 bytes + " [truncated N chars]"; 9: whole).
std::string loggable_body(std::string_view body, int verbosity);

// Lines before a request is sent (levels 7-9).
void log_request(const LogFn& log, int verbosity, std::string_view method, std::string_view url,
                 const Headers& headers, std::string_view body);

// Lines after the response (level 6 summary; 8 headers; 8-9 body).
void log_response(const LogFn& log, int verbosity, std::string_view method, std::string_view url, int code,
                  std::string_view status_text, std::chrono::milliseconds latency, const Headers& headers,
                  std::string_view body);

// Text of an HTTP status line for a code ("200 OK").
std::string status_text(int code);

}  // namespace wu::kube

#include "kube/request_log.hpp"

#include <cctype>

#include "util/strings.hpp"

namespace wu::kube {
namespace {

using util::iequals;

bool istarts(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

std::string shell_quote(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

}  // namespace

std::string redacted_header_value(std::string_view name, std::string_view value) {
  if (iequals(name, "Authorization") || iequals(name, "Proxy-Authorization")) {
    if (istarts(value, "bearer ")) return "Bearer <masked>";
    if (istarts(value, "basic ")) return "Basic <masked>";
    return "<masked>";
  }
  if (iequals(name, "Cookie") || iequals(name, "Set-Cookie")) return "<masked>";
  return std::string(value);
}

std::string curl_command(std::string_view method, std::string_view url, const Headers& headers,
                         std::string_view body) {
  std::string cmd = "curl -v -X" + std::string(method) + " ";
  for (const auto& [k, v] : headers) cmd += " -H \"" + k + ": " + redacted_header_value(k, v) + "\"";
  if (!body.empty()) cmd += " --data-binary " + shell_quote(body);
  cmd += " " + shell_quote(url);
  return cmd;
}

std::string loggable_body(std::string_view body, int verbosity) {
  if (verbosity >= 9 || body.size() <= 1024) return std::string(body);
  return std::string(body.substr(0, 1024)) + " [truncated " + std::to_string(body.size() - 1024) + " chars]";
}

void log_request(const LogFn& log, int verbosity, std::string_view method, std::string_view url,
                 const Headers& headers, std::string_view body) {
  if (!log) return;
  if (verbosity >= 9) log(9, curl_command(method, url, headers, body));
  if (verbosity >= 7) {
    log(7, std::string(method) + " " + std::string(url));
    log(7, "Request Headers:");
    for (const auto& [k, v] : headers) log(7, "    " + k + ": " + redacted_header_value(k, v));
  }
  if (verbosity >= 8 && !body.empty()) log(8, "Request Body: " + loggable_body(body, verbosity));
}

void log_response(const LogFn& log, int verbosity, std::string_view method, std::string_view url, int code,
                  std::string_view status, std::chrono::milliseconds latency, const Headers& headers,
                  std::string_view body) {
  if (!log || verbosity < 6) return;
  std::string st = code > 0 ? std::string(status) : std::string();
  log(6, std::string(method) + " " + std::string(url) + " " + st + " in " + std::to_string(latency.count()) +
             " milliseconds");
  if (verbosity >= 8) {
    log(8, "Response Headers:");
    for (const auto& [k, v] : headers) log(8, "    " + k + ": " + redacted_header_value(k, v));
  }
  if (verbosity >= 8 && !body.empty()) log(8, "Response Body: " + loggable_body(body, verbosity));
}

std::string status_text(int code) {
  const char* phrase = "";
  switch (code) {
    case 200: phrase = "OK"; break;
    case 201: phrase = "Created"; break;
    case 202: phrase = "Accepted"; break;
    case 204: phrase = "No Content"; break;
    case 400: phrase = "Bad Request"; break;
    case 401: phrase = "Unauthorized"; break;
    case 403: phrase = "Forbidden"; break;
    case 404: phrase = "Not Found"; break;
    case 405: phrase = "Method Not Allowed"; break;
    case 409: phrase = "Conflict"; break;
    case 410: phrase = "Gone"; break;
    case 422: phrase = "Unprocessable Entity"; break;
    case 429: phrase = "Too Many Requests"; break;
    case 500: phrase = "Internal Server Error"; break;
    case 502: phrase = "Bad Gateway"; break;
    case 503: phrase = "Service Unavailable"; break;
    case 504: phrase = "Gateway Timeout"; break;
    default: break;
  }
  std::string s = std::to_string(code);
  if (*phrase) s += std::string(" ") + phrase;
  return s;
}

}  // namespace wu::kube

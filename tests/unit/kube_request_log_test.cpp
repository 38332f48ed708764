// -v request logging: levels, truncation and, above all, redaction.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "kube/client.hpp"
#include "kube/request_log.hpp"

using namespace wu::kube;
using namespace std::chrono_literals;

namespace {
struct Capture {
  std::vector<std::pair<int, std::string>> lines;
  LogFn fn() {
    return [this](int level, std::string_view line) { lines.emplace_back(level, std::string(line)); };
  }
  std::string all() const {
    std::string s;
    for (const auto& [l, t] : lines) s += t + "\n";
    return s;
  }
};
const std::string kToken = "sha256~SuperSecretTokenValue123";
const std::string kKey = "-----BEGIN PRIVATE KEY-----\nMIIEvSECRETKEYMATERIAL\n-----END PRIVATE KEY-----\n";
}  // namespace

TEST_CASE("request log: level 9 output never contains the token or the client key") {
  Capture cap;
  Headers h = {{"Accept", "application/json"},
               {"Authorization", "Bearer " + kToken},
               {"Impersonate-User", "alice"},
               {"User-Agent", "kubectl-workload_update/v0.1.0"}};
  // The request body here deliberately echoes nothing secret; the key only lives in the transport.
  log_request(cap.fn(), 9, "POST", "https://api.example:6443/api/v1/namespaces/ns/pods/p/eviction", h,
              R"({"kind":"Eviction"})");
  log_response(cap.fn(), 9, "POST", "https://api.example:6443/api/v1/namespaces/ns/pods/p/eviction", 201,
               "201 Created", 12ms, {{"Content-Type", "application/json"}, {"Set-Cookie", "session=abc"}}, "{}");
  std::string out = cap.all();
  CHECK(out.find(kToken) == std::string::npos);
  CHECK(out.find("SuperSecret") == std::string::npos);
  CHECK(out.find("SECRETKEYMATERIAL") == std::string::npos);
  CHECK(out.find("session=abc") == std::string::npos);
  CHECK(out.find("Authorization: Bearer <masked>") != std::string::npos);
  CHECK(out.find("curl -v -XPOST") != std::string::npos);
  CHECK(out.find("-H \"Authorization: Bearer <masked>\"") != std::string::npos);
  CHECK(out.find("Impersonate-User: alice") != std::string::npos);
  CHECK(out.find("POST https://api.example:6443/api/v1/namespaces/ns/pods/p/eviction 201 Created in 12 milliseconds") !=
        std::string::npos);
}

TEST_CASE("request log: the same redaction at every level") {
  Headers h = {{"Authorization", "Bearer " + kToken}, {"Proxy-Authorization", "Basic dXNlcjpwYXNz"}};
  for (int level = 0; level <= 10; ++level) {
    Capture cap;
    log_request(cap.fn(), level, "GET", "https://x/api", h, "");
    log_response(cap.fn(), level, "GET", "https://x/api", 200, "200 OK", 1ms, h, "");
    CAPTURE(level);
    CHECK(cap.all().find(kToken) == std::string::npos);
    CHECK(cap.all().find("dXNlcjpwYXNz") == std::string::npos);
  }
  CHECK(redacted_header_value("authorization", "bearer abc") == "Bearer <masked>");
  CHECK(redacted_header_value("Authorization", "Basic abc") == "Basic <masked>");
  CHECK(redacted_header_value("Authorization", "Negotiate abc") == "<masked>");
  CHECK(redacted_header_value("Accept", "application/json") == "application/json");
}

TEST_CASE("request log: levels 6, 7, 8") {
  Headers h = {{"Accept", "application/json"}};
  Capture six, seven, eight;
  for (auto* c : {&six, &seven, &eight}) {
    int level = c == &six ? 6 : c == &seven ? 7 : 8;
    log_request(c->fn(), level, "GET", "https://x/api/v1/pods?limit=500", h, "");
    log_response(c->fn(), level, "GET", "https://x/api/v1/pods?limit=500", 200, "200 OK", 12ms, h, "{\"items\":[]}");
  }
  REQUIRE(six.lines.size() == 1);
  CHECK(six.lines[0].second == "GET https://x/api/v1/pods?limit=500 200 OK in 12 milliseconds");
  CHECK(six.lines[0].first == 6);
  CHECK(seven.all().find("Request Headers:\n    Accept: application/json") != std::string::npos);
  CHECK(seven.all().find("Response Body") == std::string::npos);
  CHECK(eight.all().find("Response Body: {\"items\":[]}") != std::string::npos);
}

TEST_CASE("request log: bodies truncated at 8, full at 9") {
  std::string body(5000, 'a');
  CHECK(loggable_body(body, 8) == std::string(1024, 'a') + " [truncated 3976 chars]");
  CHECK(loggable_body(body, 9) == body);
  CHECK(loggable_body("short", 8) == "short");
}

TEST_CASE("request log: curl command quoting") {
  CHECK(curl_command("GET", "https://x/a?b=c", {{"Accept", "application/json"}}, "") ==
        "curl -v -XGET  -H \"Accept: application/json\" 'https://x/a?b=c'");
  CHECK(curl_command("POST", "https://x", {}, "it's") == "curl -v -XPOST  --data-binary 'it'\\''s' 'https://x'");
}

TEST_CASE("warning headers: the text kubectl prints") {
  CHECK(parse_warning_header("299 - \"policy/v1beta1 PodDisruptionBudget is deprecated\"") ==
        "policy/v1beta1 PodDisruptionBudget is deprecated");
  CHECK(parse_warning_header("299 - \"with \\\"quotes\\\"\" \"Mon, 01 Jan 2026 00:00:00 GMT\"") == "with \"quotes\"");
  CHECK(default_user_agent().rfind("kubectl-workload_update/v", 0) == 0);
  CHECK(default_user_agent().find(" (linux/") != std::string::npos);
}

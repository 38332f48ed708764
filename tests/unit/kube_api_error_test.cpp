// Status bodies -> typed ApiError; eviction outcomes.
#include <doctest/doctest.h>

#include "kube/api_error.hpp"
#include "kube/eviction.hpp"

using namespace wu::kube;

TEST_CASE("api error: a Status body becomes a typed error with details") {
  const char* body = R"({"kind":"Status","apiVersion":"v1","status":"Failure",
    "message":"pods \"p\" is forbidden: User \"bob\" cannot get resource \"pods\" in API group \"\" in the namespace \"ns\"",
    "reason":"Forbidden","details":{"name":"p","kind":"pods"},"code":403})";
  auto e = api_error_from_response(403, body, 0, "GET", "https://x/api/v1/namespaces/ns/pods/p");
  CHECK(e.code() == 403);
  CHECK(e.reason() == "Forbidden");
  CHECK(is_forbidden(e));
  CHECK_FALSE(is_not_found(e));
  CHECK(e.details().name == "p");
  CHECK(e.details().kind == "pods");
  // The server's message already names verb, resource and user: pass it through.
  CHECK(std::string(e.what()) ==
        "Error from server (Forbidden): pods \"p\" is forbidden: User \"bob\" cannot get resource \"pods\" in API "
        "group \"\" in the namespace \"ns\"");
}

TEST_CASE("api error: causes and retryAfterSeconds") {
  const char* body = R"({"kind":"Status","status":"Failure","message":"Cannot evict pod as it would violate the pod's disruption budget.",
    "reason":"TooManyRequests","code":429,
    "details":{"causes":[{"reason":"DisruptionBudget","message":"The disruption budget pdb needs 1 healthy pods and has 1 currently"}],"retryAfterSeconds":7}})";
  auto e = api_error_from_response(429, body, 0);
  CHECK(is_too_many_requests(e));
  CHECK(e.has_cause("DisruptionBudget"));
  CHECK_FALSE(e.has_cause("FieldValueInvalid"));
  REQUIRE(e.details().causes.size() == 1);
  CHECK(e.details().causes[0].message.find("needs 1 healthy") != std::string::npos);
  CHECK(e.details().retry_after_seconds == 7);
  // Retry-After header fills in when the Status has none.
  auto h = api_error_from_response(429, R"({"kind":"Status","code":429,"reason":"TooManyRequests","message":"slow down"})", 3);
  CHECK(h.details().retry_after_seconds == 3);
}

TEST_CASE("api error: 401 suggests logging in again") {
  auto e = api_error_from_response(401, R"({"kind":"Status","code":401,"reason":"Unauthorized","message":"Unauthorized"})", 0);
  CHECK(is_unauthorized(e));
  std::string what = e.what();
  CHECK(what.find("You must be logged in to the server (Unauthorized)") == 0);
  CHECK(what.find("oc login") != std::string::npos);
  CHECK(what.find("kubeconfig") != std::string::npos);
}

TEST_CASE("api error: non-JSON bodies fall back to the HTTP code and the start of the body") {
  std::string html = "<html><body>502 Bad Gateway from the load balancer</body></html>" + std::string(500, 'x');
  auto e = api_error_from_response(502, html, 0);
  CHECK(e.code() == 502);
  std::string msg = e.status_message();
  CHECK(msg.find("HTTP 502 Bad Gateway") != std::string::npos);
  CHECK(msg.find("<html><body>502 Bad Gateway from the load balancer") != std::string::npos);
  CHECK(msg.size() < 400);  // only ~200 bytes of the body
  auto nf = api_error_from_response(404, "404 page not found\n", 0);
  CHECK(is_not_found(nf));
  CHECK(nf.status_message() == "the server could not find the requested resource (HTTP 404 Not Found): 404 page not found");
  // JSON that is not a Status is treated the same way.
  CHECK(api_error_from_response(500, R"({"error":"boom"})", 0).status_message().find("boom") != std::string::npos);
}

TEST_CASE("api error: predicates") {
  auto mk = [](int code, const char* reason) {
    return api_error_from_response(code, std::string(R"({"kind":"Status","code":)") + std::to_string(code) +
                                             R"(,"reason":")" + reason + R"(","message":"m"})",
                                   0);
  };
  CHECK(is_not_found(mk(404, "NotFound")));
  CHECK(is_conflict(mk(409, "Conflict")));
  CHECK(is_already_exists(mk(409, "AlreadyExists")));
  CHECK_FALSE(is_conflict(mk(409, "AlreadyExists")));
  CHECK(is_invalid(mk(422, "Invalid")));
  CHECK(is_bad_request(mk(400, "BadRequest")));
  CHECK(is_resource_expired(mk(410, "Expired")));
  CHECK(is_resource_expired(mk(410, "Gone")));
  CHECK(is_internal_error(mk(500, "InternalError")));
  CHECK(is_service_unavailable(mk(503, "ServiceUnavailable")));
  CHECK(is_timeout(mk(504, "Timeout")));
  CHECK(is_timeout(mk(500, "ServerTimeout")));
}

TEST_CASE("api error: a watch ERROR event's Status") {
  auto e = api_error_from_status(R"j({"kind":"Status","apiVersion":"v1","status":"Failure","message":"too old resource version: 5 (90)","reason":"Expired","code":410})j");
  REQUIRE(e.has_value());
  CHECK(is_resource_expired(*e));
  CHECK(e->status_message() == "too old resource version: 5 (90)");
  CHECK_FALSE(api_error_from_status(R"({"kind":"Pod"})").has_value());
  CHECK_FALSE(api_error_from_status("not json").has_value());
}

TEST_CASE("eviction outcomes are classified") {
  auto status = [](int code, const std::string& reason, const std::string& message, const std::string& cause = "") {
    std::string body = R"({"kind":"Status","code":)" + std::to_string(code) + R"(,"reason":")" + reason +
                       R"(","message":")" + message + R"(")";
    if (!cause.empty()) body += R"(,"details":{"causes":[{"reason":")" + cause + R"("}]})";
    body += "}";
    return std::optional<ApiError>(api_error_from_response(code, body, 0));
  };
  CHECK(classify_eviction(201, std::nullopt).result == EvictionResult::Started);
  CHECK(classify_eviction(200, std::nullopt).result == EvictionResult::Started);
  CHECK(classify_eviction(404, status(404, "NotFound", "pods \\\"p\\\" not found")).result == EvictionResult::AlreadyGone);
  auto pdb = classify_eviction(429, status(429, "TooManyRequests",
                                           "Cannot evict pod as it would violate the pod's disruption budget.",
                                           "DisruptionBudget"));
  CHECK(pdb.result == EvictionResult::BlockedByPdb);
  CHECK(pdb.message == "Cannot evict pod as it would violate the pod's disruption budget.");
  CHECK(classify_eviction(429, status(429, "TooManyRequests", "Eviction triggered evacuation of VMI \\\"ns/vm1\\\""))
            .result == EvictionResult::EvacuationTriggered);
  CHECK(classify_eviction(429, status(429, "TooManyRequests",
                                      "Evacuation in progress: Eviction triggered evacuation of VMI \\\"ns/vm1\\\""))
            .result == EvictionResult::EvacuationInProgress);
  CHECK(classify_eviction(429, status(429, "TooManyRequests", "Evacuation in progress")).result ==
        EvictionResult::EvacuationInProgress);
  CHECK(classify_eviction(429, status(429, "TooManyRequests", "throttled")).result == EvictionResult::TooManyRequests);
  CHECK(classify_eviction(500, status(500, "InternalError",
                                      "This pod has more than one PodDisruptionBudget, which the eviction subresource "
                                      "does not support."))
            .result == EvictionResult::MultiplePdbs);
  CHECK(classify_eviction(500, status(500, "InternalError", "etcd timeout")).result == EvictionResult::Failed);
  CHECK(classify_eviction(403, status(403, "Forbidden", "namespace terminating", "NamespaceTerminating")).result ==
        EvictionResult::NamespaceTerminating);
  CHECK(classify_eviction(403, status(403, "Forbidden", "no")).result == EvictionResult::Failed);
}

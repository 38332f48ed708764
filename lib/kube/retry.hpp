#pragma once
// When a failed request is sent again, and after how long.
//
// The rule (documented for callers; client-go only retries 429/5xx that carry
// Retry-After, we also back off without it, but only where replaying is safe):
//  * Idempotent requests (GET, HEAD, PUT, DELETE; watch establishment is a GET):
//    retried on 429, on 500/502/503/504, and on every connection error
//    (timeouts excepted: the overall deadline is then spent). PUT carries a
//    resourceVersion, so a replay after a lost response gets a 409 rather than
//    a double write; a replayed DELETE can get 404, which callers treat as done.
//  * Non-idempotent requests (POST create/eviction, PATCH, and any request
//    marked Request::idempotent = false): retried only on 429
//    WITH a Retry-After header (the server refused before doing anything, as
//    API Priority and Fairness does) or on connection errors where the request
//    provably never reached the server (DNS, TCP connect, TLS handshake).
//  * A request can opt out of 429 retries entirely (evictions: a PDB answers
//    429 and the caller decides).
//  * Delay: Retry-After when present, else exponential backoff from
//    `initial_backoff` doubling up to `max_backoff`, plus up to `jitter` of it.
//  * At most `max_retries` retries, and never past the request's deadline.
#include <chrono>
#include <optional>
#include <string_view>

#include "kube/errors.hpp"

namespace wu::kube {

struct RetryPolicy {
  int max_retries = 5;
  std::chrono::milliseconds initial_backoff{500};
  std::chrono::milliseconds max_backoff{8000};
  double jitter = 0.2;  // fraction of the backoff added at random
};

// What happened on one attempt.
struct AttemptOutcome {
  int http_code = 0;  // 0 when there was no HTTP response
  std::optional<std::chrono::seconds> retry_after;
  std::optional<TransportError::Kind> transport_error;
  bool request_sent = true;  // meaningful with transport_error
};

struct RetryDecision {
  bool retry = false;
  std::chrono::milliseconds delay{0};
};

bool is_idempotent_method(std::string_view method);

// `idempotent` is normally is_idempotent_method(method); a caller can say
// otherwise (KubeVirt's PUT .../migrate creates a migration each time).
// `attempt` counts retries already made (0 after the first try). `random01`
// is a value in [0,1) for the jitter (injected so tests are deterministic).
RetryDecision decide_retry(const RetryPolicy& policy, bool idempotent, bool retry_on_429, int attempt,
                           const AttemptOutcome& outcome, double random01);

// Parses a Retry-After header given in seconds (HTTP dates are not used by the apiserver).
std::optional<std::chrono::seconds> parse_retry_after(std::string_view header);

}  // namespace wu::kube

#include "kube/retry.hpp"

#include <algorithm>
#include <string>

#include "kube/encoding.hpp"

namespace wu::kube {

bool is_idempotent_method(std::string_view m) { return m == "GET" || m == "HEAD" || m == "PUT" || m == "DELETE"; }

std::optional<std::chrono::seconds> parse_retry_after(std::string_view header) {
  std::string v = trim(header);
  if (v.empty() || v.size() > 9) return std::nullopt;
  for (char c : v)
    if (c < '0' || c > '9') return std::nullopt;
  return std::chrono::seconds(std::stol(v));
}

RetryDecision decide_retry(const RetryPolicy& policy, bool idempotent, bool retry_on_429, int attempt,
                           const AttemptOutcome& o, double random01) {
  RetryDecision d;
  if (attempt >= policy.max_retries) return d;
  bool retry = false;
  if (o.transport_error) {
    if (*o.transport_error == TransportError::Kind::TlsVerify) retry = false;  // will not fix itself
    else if (*o.transport_error == TransportError::Kind::Timeout) retry = false;  // deadline spent
    else retry = idempotent || !o.request_sent;
  } else if (o.http_code == 429) {
    retry = retry_on_429 && (idempotent || o.retry_after.has_value());
  } else if (o.http_code == 500 || o.http_code == 502 || o.http_code == 503 || o.http_code == 504) {
    retry = idempotent;
  }
  if (!retry) return d;
  d.retry = true;
  if (o.retry_after) {
    d.delay = std::chrono::duration_cast<std::chrono::milliseconds>(*o.retry_after);
    return d;
  }
  auto base = policy.initial_backoff;
  for (int i = 0; i < attempt && base < policy.max_backoff; ++i) base *= 2;
  base = std::min(base, policy.max_backoff);
  auto extra = std::chrono::milliseconds(static_cast<long long>(base.count() * policy.jitter * std::clamp(random01, 0.0, 1.0)));
  d.delay = base + extra;
  return d;
}

}  // namespace wu::kube

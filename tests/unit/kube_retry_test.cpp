// The retry rule and backoff; the token bucket.
#include <doctest/doctest.h>

#include <memory>

#include "kube/rate_limiter.hpp"
#include "kube/retry.hpp"

using namespace wu::kube;
using namespace std::chrono_literals;
using K = TransportError::Kind;

namespace {
AttemptOutcome http(int code, std::optional<std::chrono::seconds> ra = std::nullopt) {
  AttemptOutcome o;
  o.http_code = code;
  o.retry_after = ra;
  return o;
}
AttemptOutcome conn(K kind, bool sent) {
  AttemptOutcome o;
  o.transport_error = kind;
  o.request_sent = sent;
  return o;
}
}  // namespace

TEST_CASE("retry: idempotent requests retry on 429, 5xx and connection errors") {
  RetryPolicy p;
  for (const char* m : {"GET", "PUT", "DELETE", "HEAD"}) {
    CAPTURE(m);
    CHECK(decide_retry(p, is_idempotent_method(m), true, 0, http(429), 0).retry);
    CHECK(decide_retry(p, is_idempotent_method(m), true, 0, http(500), 0).retry);
    CHECK(decide_retry(p, is_idempotent_method(m), true, 0, http(502), 0).retry);
    CHECK(decide_retry(p, is_idempotent_method(m), true, 0, http(503), 0).retry);
    CHECK(decide_retry(p, is_idempotent_method(m), true, 0, http(504), 0).retry);
    CHECK(decide_retry(p, is_idempotent_method(m), true, 0, conn(K::Dropped, true), 0).retry);
    CHECK(decide_retry(p, is_idempotent_method(m), true, 0, conn(K::Connect, false), 0).retry);
    CHECK_FALSE(decide_retry(p, is_idempotent_method(m), true, 0, http(400), 0).retry);
    CHECK_FALSE(decide_retry(p, is_idempotent_method(m), true, 0, http(404), 0).retry);
    CHECK_FALSE(decide_retry(p, is_idempotent_method(m), true, 0, http(409), 0).retry);
    CHECK_FALSE(decide_retry(p, is_idempotent_method(m), true, 0, http(501), 0).retry);
    CHECK_FALSE(decide_retry(p, is_idempotent_method(m), true, 0, conn(K::TlsVerify, false), 0).retry);
    CHECK_FALSE(decide_retry(p, is_idempotent_method(m), true, 0, conn(K::Timeout, true), 0).retry);
  }
}

TEST_CASE("retry: POST and PATCH only when the server refused up front or never saw the request") {
  RetryPolicy p;
  for (const char* m : {"POST", "PATCH"}) {
    CAPTURE(m);
    CHECK(decide_retry(p, is_idempotent_method(m), true, 0, http(429, 2s), 0).retry);
    CHECK_FALSE(decide_retry(p, is_idempotent_method(m), true, 0, http(429), 0).retry);  // a PDB's 429 has no Retry-After
    CHECK_FALSE(decide_retry(p, is_idempotent_method(m), true, 0, http(500), 0).retry);
    CHECK_FALSE(decide_retry(p, is_idempotent_method(m), true, 0, http(503), 0).retry);
    CHECK(decide_retry(p, is_idempotent_method(m), true, 0, conn(K::Connect, false), 0).retry);
    CHECK(decide_retry(p, is_idempotent_method(m), true, 0, conn(K::Resolve, false), 0).retry);
    CHECK(decide_retry(p, is_idempotent_method(m), true, 0, conn(K::TlsHandshake, false), 0).retry);
    CHECK_FALSE(decide_retry(p, is_idempotent_method(m), true, 0, conn(K::Dropped, true), 0).retry);
    CHECK_FALSE(decide_retry(p, is_idempotent_method(m), true, 0, conn(K::Other, true), 0).retry);
  }
}

TEST_CASE("retry: which methods are idempotent") {
  for (const char* m : {"GET", "HEAD", "PUT", "DELETE"}) CHECK(is_idempotent_method(m));
  for (const char* m : {"POST", "PATCH"}) CHECK_FALSE(is_idempotent_method(m));
}

TEST_CASE("retry: evictions opt out of 429 retries entirely") {
  RetryPolicy p;
  CHECK_FALSE(decide_retry(p, false, false, 0, http(429, 5s), 0).retry);
  CHECK_FALSE(decide_retry(p, true, false, 0, http(429), 0).retry);
  CHECK(decide_retry(p, false, false, 0, conn(K::Connect, false), 0).retry);
}

TEST_CASE("retry: backoff doubles from 0.5 s to the 8 s cap, Retry-After wins, count is bounded") {
  RetryPolicy p;
  CHECK(decide_retry(p, true, true, 0, http(503), 0).delay == 500ms);
  CHECK(decide_retry(p, true, true, 1, http(503), 0).delay == 1000ms);
  CHECK(decide_retry(p, true, true, 2, http(503), 0).delay == 2000ms);
  CHECK(decide_retry(p, true, true, 3, http(503), 0).delay == 4000ms);
  CHECK(decide_retry(p, true, true, 4, http(503), 0).delay == 8000ms);
  p.max_retries = 10;
  CHECK(decide_retry(p, true, true, 7, http(503), 0).delay == 8000ms);
  // Jitter adds up to 20%.
  CHECK(decide_retry(p, true, true, 0, http(503), 0.5).delay == 550ms);
  CHECK(decide_retry(p, true, true, 0, http(503), 0.999).delay < 600ms);
  CHECK(decide_retry(p, true, true, 3, http(429, 3s), 0.9).delay == 3000ms);
  RetryPolicy five;
  CHECK(decide_retry(five, true, true, 4, http(503), 0).retry);
  CHECK_FALSE(decide_retry(five, true, true, 5, http(503), 0).retry);
  RetryPolicy none;
  none.max_retries = 0;
  CHECK_FALSE(decide_retry(none, true, true, 0, http(503), 0).retry);
}

TEST_CASE("retry: Retry-After parsing") {
  CHECK(parse_retry_after("3") == 3s);
  CHECK(parse_retry_after(" 10 ") == 10s);
  CHECK_FALSE(parse_retry_after("").has_value());
  CHECK_FALSE(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT").has_value());
  CHECK_FALSE(parse_retry_after("-1").has_value());
}

TEST_CASE("token bucket: burst first, then qps, with an injected clock") {
  auto now = std::make_shared<std::chrono::steady_clock::time_point>();
  TokenBucket tb(5, 10, [now] { return *now; });
  for (int i = 0; i < 10; ++i) CHECK(tb.reserve() == 0ns);
  // The 11th waits 1/5 s, the 12th 2/5 s (slots are handed out in order).
  CHECK(tb.reserve() == 200ms);
  CHECK(tb.reserve() == 400ms);
  // After 2 s the debt (2 tokens) is repaid and 8 more accumulated.
  *now += 2s;
  for (int i = 0; i < 8; ++i) CHECK(tb.reserve() == 0ns);
  CHECK(tb.reserve() == 200ms);
  // Refill never exceeds the burst.
  *now += 1h;
  for (int i = 0; i < 10; ++i) CHECK(tb.reserve() == 0ns);
  CHECK(tb.reserve() > 0ns);
}

TEST_CASE("token bucket: defaults and disabling") {
  auto now = std::make_shared<std::chrono::steady_clock::time_point>();
  TokenBucket defaults(0, 0, [now] { return *now; });
  CHECK(defaults.qps() == 5);
  CHECK(defaults.burst() == 10);
  TokenBucket off(-1, 10, [now] { return *now; });
  CHECK_FALSE(off.enabled());
  for (int i = 0; i < 1000; ++i) REQUIRE(off.reserve() == 0ns);
  TokenBucket fast(100, 1, [now] { return *now; });
  CHECK(fast.reserve() == 0ns);
  CHECK(fast.reserve() == 10ms);
}

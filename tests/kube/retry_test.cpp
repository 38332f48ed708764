// Retries under injected faults, counted from the simulator's audit log.
#include <doctest/doctest.h>

#include <chrono>

#include "kube/errors.hpp"
#include "sim_process.hpp"

using namespace wu::kube;
using namespace wu::kube::testing;
using nlohmann::json;

namespace {
struct RetryFixture {
  SimProcess sim;
  std::unique_ptr<Client> client;
  RetryFixture() {
    sim.load_objects({namespace_object("it"), busybox_pod("p1")});
    ClientOptions o;
    o.retry = fast_retry(5);
    client = sim.client("sim", o);
    sim.clear_audit();
  }
  std::size_t faulted(const std::vector<json>& records) {
    std::size_t n = 0;
    for (const auto& r : records) n += !r.value("injectedFault", "").empty();
    return n;
  }
};
}  // namespace

TEST_CASE("retry: 429 with Retry-After on LIST is retried and honours the delay") {
  if (!sim_available()) return;
  RetryFixture f;
  f.sim.add_faults({{"rules", json::array({{{"resource", "pods"}, {"verb", "list"}, {"code", 429},
                                            {"retryAfterSeconds", 1}, {"count", 2}}})}});
  auto start = std::chrono::steady_clock::now();
  auto items = f.client->list(kPods);
  auto took = std::chrono::steady_clock::now() - start;
  CHECK(items.size() == 1);
  auto recs = f.sim.records("pods", "list");
  CHECK(recs.size() == 3);
  CHECK(f.faulted(recs) == 2);
  CHECK(took >= std::chrono::milliseconds(1900));  // two Retry-After: 1 waits
}

TEST_CASE("retry: 500, 503 and dropped connections on GET are retried a bounded number of times") {
  if (!sim_available()) return;
  RetryFixture f;
  f.sim.add_faults({{"rules", json::array({{{"resource", "pods"}, {"verb", "get"}, {"code", 500}, {"count", 1}},
                                           {{"resource", "pods"}, {"verb", "get"}, {"code", 503}, {"count", 1}},
                                           {{"resource", "pods"}, {"verb", "get"}, {"drop", true}, {"count", 2}}})}});
  auto p = f.client->get(kPods.named("p1"));
  CHECK(p["metadata"]["name"] == "p1");
  auto recs = f.sim.records("pods", "get");
  CHECK(recs.size() == 5);
  CHECK(f.faulted(recs) == 4);

  // More failures than retries: exactly 1 + max_retries attempts, then the error.
  f.sim.control("DELETE", "/_sim/faults");
  f.sim.clear_audit();
  f.sim.add_faults({{"rules", json::array({{{"resource", "pods"}, {"verb", "get"}, {"code", 503}, {"count", 50}}})}});
  ClientOptions o;
  o.retry = fast_retry(3);
  auto c = f.sim.client("sim", o);
  try {
    c->get(kPods.named("p1"));
    FAIL("no error");
  } catch (const ApiError& e) {
    CHECK(is_service_unavailable(e));
  }
  CHECK(f.sim.records("pods", "get").size() == 4);
}

TEST_CASE("retry: POST is not retried on 500 or a dropped connection, but is on 429 with Retry-After") {
  if (!sim_available()) return;
  RetryFixture f;
  f.sim.add_faults({{"rules", json::array({{{"resource", "pods"}, {"verb", "create"}, {"code", 500}, {"count", 1}}})}});
  CHECK_THROWS_AS(f.client->create(kPods, busybox_pod("p2")), ApiError);
  CHECK(f.sim.records("pods", "create").size() == 1);

  f.sim.clear_audit();
  f.sim.add_faults({{"rules", json::array({{{"resource", "pods"}, {"verb", "create"}, {"drop", true}, {"count", 1}}})}});
  CHECK_THROWS_AS(f.client->create(kPods, busybox_pod("p3")), TransportError);
  CHECK(f.sim.records("pods", "create").size() == 1);

  f.sim.clear_audit();
  f.sim.add_faults({{"rules", json::array({{{"resource", "pods"}, {"verb", "create"}, {"code", 429},
                                            {"retryAfterSeconds", 1}, {"count", 1}}})}});
  auto created = f.client->create(kPods, busybox_pod("p4"));
  CHECK(created["metadata"]["name"] == "p4");
  CHECK(f.sim.records("pods", "create").size() == 2);
}

TEST_CASE("retry: a PUT marked non-idempotent (KubeVirt's migrate) is not replayed") {
  if (!sim_available()) return;
  RetryFixture f;
  auto current = f.client->get(kPods.named("p1"));
  f.sim.clear_audit();
  f.sim.add_faults({{"rules", json::array({{{"resource", "pods"}, {"verb", "update"}, {"code", 503}, {"count", 1}}})}});
  Request put;
  put.method = "PUT";
  put.path = resource_path(kPods.named("p1"));
  put.body = current.dump();
  put.idempotent = false;
  CHECK_THROWS_AS(f.client->send(put), ApiError);
  CHECK(f.sim.records("pods", "update").size() == 1);
  // The same PUT with the default rule is retried.
  f.sim.add_faults({{"rules", json::array({{{"resource", "pods"}, {"verb", "update"}, {"code", 503}, {"count", 1}}})}});
  put.idempotent.reset();
  f.client->send(put);
  CHECK(f.sim.records("pods", "update").size() == 3);
}

TEST_CASE("retry: an eviction's 429 is never retried by the transport") {
  if (!sim_available()) return;
  RetryFixture f;
  f.sim.add_faults({{"rules", json::array({{{"resource", "pods"}, {"verb", "evict"}, {"code", 429},
                                            {"retryAfterSeconds", 1}, {"count", 1}}})}});
  auto out = f.client->evict("it", "p1");
  CHECK(out.result == EvictionResult::TooManyRequests);
  CHECK(out.http_code == 429);
  CHECK(f.sim.records("pods", "evict").size() == 1);
}

TEST_CASE("rate limit: qps/burst pace requests and long waits are logged at -v=4") {
  if (!sim_available()) return;
  RetryFixture f;
  ClientOptions o;
  o.verbosity = 4;
  std::vector<std::string> waits;
  o.log = [&](int level, std::string_view line) {
    if (line.rfind("Waited for ", 0) == 0) {
      CHECK(level == 4);
      waits.emplace_back(line);
    }
  };
  ConfigOverrides ov;
  ov.qps = 0.8;  // one request every 1.25 s after the burst
  ov.burst = 2;
  auto c = f.sim.client("sim", o, ov);
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 3; ++i) c->get(kPods.named("p1"));
  auto took = std::chrono::steady_clock::now() - start;
  CHECK(took >= std::chrono::milliseconds(1200));
  REQUIRE(waits.size() == 1);  // only the third request waited, for more than 1 s
  CHECK(waits[0].find("due to client-side throttling, not priority and fairness, request: GET:https://") !=
        std::string::npos);
  // Negative QPS disables the limiter.
  ov.qps = -1;
  auto fast = f.sim.client("sim", {}, ov);
  start = std::chrono::steady_clock::now();
  for (int i = 0; i < 20; ++i) fast->get(kPods.named("p1"));
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(1500));
}

TEST_CASE("timeouts: --request-timeout bounds a slow request and is sent as ?timeout=") {
  if (!sim_available()) return;
  RetryFixture f;
  ConfigOverrides ov;
  ov.request_timeout = "1s";
  ClientOptions o;
  o.retry = fast_retry(3);
  auto c = f.sim.client("sim", o, ov);
  c->get(kPods.named("p1"));
  auto recs = f.sim.records("pods", "get");
  REQUIRE(recs.size() == 1);
  CHECK(recs[0]["query"].get<std::string>().find("timeout=1s") != std::string::npos);
  f.sim.add_faults({{"rules", json::array({{{"resource", "pods"}, {"verb", "get"}, {"delayMs", 3000}, {"count", 1}}})}});
  auto start = std::chrono::steady_clock::now();
  CHECK_THROWS_AS(c->get(kPods.named("p1")), TransportError);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(2500));
}

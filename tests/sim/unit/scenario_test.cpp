#include <doctest/doctest.h>

#include "auth.hpp"
#include "faults.hpp"
#include "knobs.hpp"
#include "scenario.hpp"
#include "store.hpp"

TEST_CASE("scenario files load objects, lists and knobs") {
  const char* yaml = R"(objects:
- apiVersion: v1
  kind: Pod
  metadata:
    name: p1
    namespace: ns1
    labels: {app: web}
  status: {phase: Running}
- apiVersion: v1
  kind: List
  items:
  - apiVersion: kubevirt.io/v1
    kind: VirtualMachineInstance
    metadata: {name: vmi1, namespace: ns1}
knobs:
  timeScale: 10
  faults:
    rules:
    - {resource: pods, verb: evict, code: 429, count: 2}
---
apiVersion: v1
kind: Node
metadata: {name: w1, labels: {node-role.kubernetes.io/worker: ""}}
)";
  auto sc = sim::parseScenario(yaml, "test.yaml");
  CHECK(sc.objects.size() == 3);
  CHECK(sc.knobs["timeScale"] == 10);
  sim::Store store(100, 1);
  sim::Knobs knobs;
  sim::Faults faults(1);
  sim::Authenticator auth;
  CHECK(sim::applyScenario(sc, store, knobs, faults, auth) == 3);
  CHECK(store.get(*sim::findResource("", "v1", "namespaces"), "", "ns1"));  // created on demand
  auto p = store.get(*sim::findResource("", "v1", "pods"), "ns1", "p1");
  REQUIRE(p);
  CHECK(p->parse()["status"]["phase"] == "Running");  // scenarios may set status
  CHECK(knobs.number("timeScale", 1) == 10);
  CHECK(faults.decide("pods", "evict", "ns1").code == 429);
  CHECK(faults.decide("pods", "evict", "ns1").code == 429);
  CHECK(faults.decide("pods", "evict", "ns1").code == 0);
}

namespace {
std::string errorOf(const std::string& text) {
  try {
    sim::parseScenario(text, "bad.yaml");
  } catch (const sim::ScenarioError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("bad scenario files name the file, the line and the problem") {
  CHECK(errorOf("objects:\n- apiVersion: v1\n  kind: Frobnicator\n  metadata: {name: x}\n")
            .rfind("bad.yaml:2: kind \"Frobnicator\" in apiVersion \"v1\" is not served", 0) == 0);
  CHECK(errorOf("objects: [\n") .rfind("bad.yaml:", 0) == 0);
  CHECK(errorOf("objects: [\n").find("invalid YAML") != std::string::npos);
  CHECK(errorOf("objects:\n  - apiVersion: v1\n    kind: Pod\n    metadata: {name: Bad_Name}\n") ==
        "bad.yaml:4: metadata.name must be a lower-case DNS subdomain (got \"Bad_Name\")");
  CHECK(errorOf("stuff: 1\n") == "bad.yaml:1: unknown key \"stuff\" (expected objects or knobs)");
  CHECK(errorOf("objects:\n- kind: Pod\n  metadata: {name: a}\n") == "bad.yaml:2: object has no apiVersion");
  CHECK(errorOf("knobs:\n  faults:\n    rules: [{code: 418}]\n") ==
        "bad.yaml:3: faults.rules[0]: code must be 429, 500 or 503");
  CHECK(errorOf("objects:\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: a\n    labels: {n: 5}\n") ==
        "bad.yaml:6: label \"n\" must have a string value (quote it)");
  CHECK(errorOf("- 1\n- 2\n").rfind("bad.yaml:1:", 0) == 0);
}

TEST_CASE("fault rules: counts, probabilities, wildcards") {
  sim::Faults f(123);
  f.configure(nlohmann::json::parse(
      R"({"rules":[{"resource":"*","verb":"list","code":503,"count":1},{"resource":"pods","verb":"get","delayMs":5}]})"));
  auto d = f.decide("virtualmachineinstances", "list", "ns");
  CHECK(d.code == 503);
  CHECK(d.retryAfterSeconds == 1);
  CHECK(f.decide("virtualmachineinstances", "list", "ns").code == 0);
  CHECK(f.decide("pods", "get", "ns").delayMs == 5);
  f.clear();
  f.configure(nlohmann::json::parse(R"({"seed":9,"rules":[{"verb":"get","code":500,"probability":0.5}]})"));
  int fired = 0;
  for (int i = 0; i < 1000; ++i) fired += f.decide("pods", "get", "") .code == 500;
  CHECK(fired > 400);
  CHECK(fired < 600);
  CHECK_THROWS_AS(f.configure(nlohmann::json::parse(R"({"rules":[{"verb":"get"}]})")), std::invalid_argument);
  CHECK_THROWS_AS(f.configure(nlohmann::json::parse(R"({"bogus":1})")), std::invalid_argument);
  f.configure(nlohmann::json::parse(R"({"watch":{"expireNext":1,"closeAfterEvents":3}})"));
  CHECK(f.watchPlan().expire);
  auto plan = f.watchPlan();
  CHECK_FALSE(plan.expire);
  CHECK(plan.closeAfterEvents == 3);
}

TEST_CASE("token expiry after requests") {
  sim::Authenticator a;
  a.setToken("admin", "t", false);
  a.configureExpiry(nlohmann::json::parse(R"([{"user":"admin","afterRequests":2}])"));
  CHECK(a.byToken("t"));
  CHECK(a.byToken("t"));
  CHECK_FALSE(a.byToken("t"));
  CHECK(a.byTokenIgnoringExpiry("t"));
  a.setToken("admin", "t2", false);  // rotation clears the expiry
  CHECK(a.byToken("t2"));
  CHECK_FALSE(a.byToken("t"));
}

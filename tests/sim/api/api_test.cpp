// HTTP-level behaviour of kubevirt-sim that kubectl does not exercise.
#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include "sim_fixture.hpp"

using nlohmann::json;
using simtest::Sim;
using simtest::kPods;
using simtest::kVmis;

namespace {

const char* kScenario = R"({"objects":[
  {"apiVersion":"v1","kind":"Namespace","metadata":{"name":"ns1"}},
  {"apiVersion":"kubevirt.io/v1","kind":"VirtualMachineInstance","metadata":{"name":"vm1","namespace":"ns1"},
   "spec":{"evictionStrategy":"LiveMigrate"},
   "status":{"phase":"Running","nodeName":"w1","conditions":[{"type":"LiveMigratable","status":"True"}]}},
  {"apiVersion":"v1","kind":"Pod","metadata":{"name":"virt-launcher-vm1-abcde","namespace":"ns1",
   "labels":{"kubevirt.io":"virt-launcher"},"annotations":{"kubevirt.io/domain":"vm1"}},
   "spec":{"nodeName":"w1","containers":[{"name":"compute","image":"x"}]},"status":{"phase":"Running"}},
  {"apiVersion":"v1","kind":"Pod","metadata":{"name":"plain","namespace":"ns1"},
   "spec":{"nodeName":"w1","containers":[{"name":"c","image":"x"}]},"status":{"phase":"Running"}}]})";


void load(Sim& sim, const std::string& scenario = kScenario) {
  auto r = sim.request("POST", "/_sim/objects", scenario);
  REQUIRE(r.status == 200);
}

std::string eviction(const std::string& name, bool dryRun = false, const std::string& version = "policy/v1") {
  json e = {{"apiVersion", version}, {"kind", "Eviction"}, {"metadata", {{"name", name}, {"namespace", "ns1"}}}};
  if (dryRun) e["deleteOptions"] = {{"dryRun", {"All"}}};
  return e.dump();
}

}  // namespace

TEST_CASE("authentication and authorization answers") {
  Sim sim;
  load(sim);
  auto none = sim.get(kVmis, "");
  CHECK(none.status == 401);
  CHECK(none.body == R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401})");
  CHECK(sim.get(kVmis, "wrong").status == 401);
  CHECK(sim.get(kVmis, "sim-readonly-token").status == 200);
  auto ro = sim.request("POST", "/apis/kubevirt.io/v1/namespaces/ns1/virtualmachineinstancemigrations",
                        R"({"apiVersion":"kubevirt.io/v1","kind":"VirtualMachineInstanceMigration","metadata":{"generateName":"m-"},"spec":{"vmiName":"vm1"}})",
                        "application/json", "sim-readonly-token");
  CHECK(ro.status == 403);
  CHECK(ro.json()["message"] ==
        "virtualmachineinstancemigrations.kubevirt.io is forbidden: User \"readonly\" cannot create resource "
        "\"virtualmachineinstancemigrations\" in API group \"kubevirt.io\" in the namespace \"ns1\"");
  auto ssar = sim.request("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
                          R"({"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectAccessReview","spec":{"resourceAttributes":{"verb":"delete","resource":"pods"}}})",
                          "application/json", "sim-readonly-token");
  CHECK(ssar.status == 201);
  CHECK(ssar.json()["status"]["allowed"] == false);
  auto imp = sim.request("GET", kPods, "", "", "sim-readonly-token", {{"Impersonate-User", "x"}});
  CHECK(imp.status == 403);
  CHECK(sim.request("GET", kPods, "", "", "sim-admin-token", {{"Impersonate-User", "bob"}, {"Impersonate-Group", "g1"}, {"Impersonate-Group", "g2"}}).status == 200);
  auto rec = sim.audit().back();
  CHECK(rec["impersonatedUser"] == "bob");
  CHECK(rec["impersonatedGroups"] == json::array({"g1", "g2"}));
  CHECK(sim.get("/_sim/audit", "sim-readonly-token").status == 403);
}

TEST_CASE("Status bodies, conflicts and generation") {
  Sim sim;
  load(sim);
  auto nf = sim.get(kVmis + "/x");
  CHECK(nf.status == 404);
  CHECK(nf.body == R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"virtualmachineinstances.kubevirt.io \"x\" not found","reason":"NotFound","details":{"name":"x","group":"kubevirt.io","kind":"virtualmachineinstances"},"code":404})");
  const std::string pod = R"({"apiVersion":"v1","kind":"Pod","metadata":{"generateName":"gen-"},"spec":{"containers":[{"name":"c","image":"a"}]}})";
  auto created = sim.request("POST", kPods, pod);
  REQUIRE(created.status == 201);
  json p = created.json();
  const std::string name = p["metadata"]["name"];
  CHECK(name.size() == 9);
  CHECK(p["metadata"]["generation"] == 1);
  json stale = p;
  p["spec"]["containers"][0]["image"] = "b";
  auto upd = sim.request("PUT", kPods + "/" + name, p.dump());
  REQUIRE(upd.status == 200);
  CHECK(upd.json()["metadata"]["generation"] == 2);
  auto conflict = sim.request("PUT", kPods + "/" + name, stale.dump());
  CHECK(conflict.status == 409);
  CHECK(conflict.json()["reason"] == "Conflict");
  auto labels = sim.request("PATCH", kPods + "/" + name, R"({"metadata":{"labels":{"a":"b"}}})", "application/merge-patch+json");
  CHECK(labels.json()["metadata"]["generation"] == 2);  // metadata changes keep the generation
  json dup = json::parse(pod);
  dup["metadata"] = {{"name", name}};
  auto exists = sim.request("POST", kPods, dup.dump());
  CHECK(exists.status == 409);
  CHECK(exists.json()["reason"] == "AlreadyExists");
  auto invalid = sim.request("POST", kPods, R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"Bad_Name"}})");
  CHECK(invalid.status == 422);
  CHECK(invalid.json()["details"]["causes"][0]["field"] == "metadata.name");
  auto wrongNs = sim.request("POST", "/api/v1/namespaces/nope/pods", R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"a"}})");
  CHECK(wrongNs.status == 404);
  CHECK(wrongNs.json()["message"] == "namespaces \"nope\" not found");
}

TEST_CASE("dryRun=All stores nothing on any verb") {
  Sim sim;
  load(sim);
  CHECK(sim.request("POST", kPods + "?dryRun=All", R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"dry"}})").status == 201);
  CHECK(sim.get(kPods + "/dry").status == 404);
  auto before = sim.get(kPods + "/plain").json();
  CHECK(sim.request("PATCH", kPods + "/plain?dryRun=All", R"({"metadata":{"labels":{"x":"y"}}})", "application/merge-patch+json").json()["metadata"]["labels"]["x"] == "y");
  json put = before;
  put["metadata"]["labels"] = {{"z", "1"}};
  CHECK(sim.request("PUT", kPods + "/plain?dryRun=All", put.dump()).status == 200);
  CHECK(sim.request("DELETE", kPods + "/plain?dryRun=All").status == 200);
  CHECK(sim.get(kPods + "/plain").json() == before);
  CHECK(sim.request("POST", kPods + "/plain?dryRun=Some", "{}").status == 400);
  for (const auto& rec : sim.audit())
    if (rec["dryRun"] == true) CHECK(rec["mutation"] == false);
}

TEST_CASE("continue tokens expire with 410 and a token to carry on") {
  Sim sim({"--page-token-ttl", "1", "--generate", "30"});
  auto first = sim.get("/apis/kubevirt.io/v1/virtualmachineinstances?limit=10").json();
  CHECK(first["items"].size() == 10);
  CHECK(first["metadata"]["remainingItemCount"] == 20);
  const std::string cont = first["metadata"]["continue"];
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  auto gone = sim.get("/apis/kubevirt.io/v1/virtualmachineinstances?limit=10&continue=" + cont);
  CHECK(gone.status == 410);
  json st = gone.json();
  CHECK(st["reason"] == "Expired");
  CHECK(st["message"].get<std::string>().rfind("The provided continue parameter is too old to display a consistent list result.", 0) == 0);
  REQUIRE(st["metadata"].contains("continue"));
  auto rest = sim.get("/apis/kubevirt.io/v1/virtualmachineinstances?limit=100&continue=" + st["metadata"]["continue"].get<std::string>());
  CHECK(rest.status == 200);
  CHECK(rest.json()["items"].size() == 20);
  CHECK(sim.get("/apis/kubevirt.io/v1/virtualmachineinstances?continue=garbage").status == 400);
}

TEST_CASE("watches: prompt delivery, bookmarks, 410 for old versions") {
  Sim sim({"--bookmark-interval", "1", "--watch-history", "5"});
  load(sim);
  const std::string rv = sim.get(kPods).json()["metadata"]["resourceVersion"];
  std::string streamed;
  auto start = std::chrono::steady_clock::now();
  std::chrono::steady_clock::duration latency{};
  std::thread watcher([&] {
    streamed = sim.get(kPods + "?watch=true&allowWatchBookmarks=true&timeoutSeconds=3&resourceVersion=" + rv).body;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  start = std::chrono::steady_clock::now();
  sim.request("PATCH", kPods + "/plain", R"({"metadata":{"labels":{"w":"1"}}})", "application/merge-patch+json");
  latency = std::chrono::steady_clock::now() - start;
  watcher.join();
  CHECK(streamed.find(R"({"type":"MODIFIED","object":{"apiVersion":"v1","kind":"Pod")") != std::string::npos);
  CHECK(streamed.find(R"("type":"BOOKMARK")") != std::string::npos);
  CHECK(latency < std::chrono::seconds(1));
  for (int i = 0; i < 10; ++i)
    sim.request("PATCH", kPods + "/plain", "{\"metadata\":{\"labels\":{\"n\":\"" + std::to_string(i) + "\"}}}",
                "application/merge-patch+json");
  auto old = sim.get(kPods + "?watch=true&resourceVersion=" + rv);
  CHECK(old.status == 200);
  auto ev = json::parse(old.body.substr(0, old.body.find('\n')));
  CHECK(ev["type"] == "ERROR");
  CHECK(ev["object"]["code"] == 410);
  CHECK(ev["object"]["reason"] == "Expired");
  CHECK(ev["object"]["message"].get<std::string>().rfind("too old resource version: " + rv + " (", 0) == 0);
}

TEST_CASE("faults: counted errors with Retry-After, drops, delays, watch closes") {
  Sim sim;
  load(sim);
  auto cfg = sim.request("POST", "/_sim/faults",
                         R"({"rules":[{"resource":"pods","verb":"get","code":503,"count":2,"retryAfterSeconds":3},
                                      {"resource":"pods","verb":"list","drop":true,"count":1},
                                      {"resource":"virtualmachineinstances","verb":"*","delayMs":300,"count":1}],
                             "watch":{"closeAfterEvents":1}})");
  REQUIRE(cfg.status == 200);
  for (int i = 0; i < 2; ++i) {
    auto r = sim.get(kPods + "/plain");
    CHECK(r.status == 503);
    CHECK(r.header("Retry-After") == "3");
    CHECK(r.json()["details"]["retryAfterSeconds"] == 3);
  }
  CHECK(sim.get(kPods + "/plain").status == 200);
  CHECK(sim.get(kPods).status == -1);
  CHECK(sim.get(kPods).status == 200);
  auto t0 = std::chrono::steady_clock::now();
  CHECK(sim.get(kVmis).status == 200);
  CHECK(std::chrono::steady_clock::now() - t0 >= std::chrono::milliseconds(300));
  auto w = sim.get(kPods + "?watch=true");  // initial ADDED events: the first one ends it
  CHECK(std::count(w.body.begin(), w.body.end(), '\n') == 1);
  auto state = sim.get("/_sim/faults").json();
  CHECK(state["rules"][0]["fired"] == 2);
  CHECK(state["rules"][0]["remaining"] == 0);
  int injected = 0;
  for (const auto& r : sim.audit()) injected += r["injectedFault"] != "";
  CHECK(injected >= 5);
  CHECK(sim.request("DELETE", "/_sim/faults").status == 200);
  CHECK(sim.request("POST", "/_sim/faults", R"({"rules":[{"code":418}]})").status == 400);
}

TEST_CASE("token expiry and rotation") {
  Sim sim({"--token", "bot=bot-token"});
  REQUIRE(sim.request("POST", "/_sim/faults", R"({"tokens":[{"user":"bot","afterRequests":2}]})").status == 200);
  CHECK(sim.get("/api/v1/namespaces", "bot-token").status == 200);
  CHECK(sim.get("/api/v1/namespaces", "bot-token").status == 200);
  CHECK(sim.get("/api/v1/namespaces", "bot-token").status == 401);
  REQUIRE(sim.request("POST", "/_sim/tokens", R"({"user":"bot","token":"bot-token-2"})").status == 200);
  CHECK(sim.get("/api/v1/namespaces", "bot-token-2").status == 200);
  CHECK(sim.get("/api/v1/namespaces", "bot-token").status == 401);
}

TEST_CASE("evictions: dry run, 404, v1beta1, graceful termination") {
  Sim sim;
  load(sim);
  auto dry = sim.request("POST", kPods + "/plain/eviction", eviction("plain", true));
  CHECK(dry.status == 201);
  CHECK(sim.get(kPods + "/plain").status == 200);
  auto mark = sim.request("POST", kPods + "/virt-launcher-vm1-abcde/eviction", eviction("virt-launcher-vm1-abcde", true));
  CHECK(mark.status == 429);
  CHECK(mark.json()["message"] == "admission webhook \"virt-launcher-eviction-interceptor.kubevirt.io\" denied the request: Eviction triggered evacuation of VMI \"ns1/vm1\"");
  CHECK_FALSE(sim.get(kVmis + "/vm1").json()["status"].contains("evacuationNodeName"));
  CHECK(sim.request("POST", kPods + "/virt-launcher-vm1-abcde/eviction", eviction("virt-launcher-vm1-abcde")).status == 429);
  CHECK(sim.get(kVmis + "/vm1").json()["status"]["evacuationNodeName"] == "w1");
  auto again = sim.request("POST", kPods + "/virt-launcher-vm1-abcde/eviction", eviction("virt-launcher-vm1-abcde"));
  CHECK(again.json()["message"].get<std::string>().find("Evacuation in progress") != std::string::npos);
  CHECK(sim.request("POST", kPods + "/nope/eviction", eviction("nope")).status == 404);

  REQUIRE(sim.request("POST", "/_sim/knobs", R"({"podTerminationSeconds":1})").status == 200);
  auto ok = sim.request("POST", kPods + "/plain/eviction", eviction("plain", false, "policy/v1beta1"));
  CHECK(ok.status == 201);
  CHECK(ok.json()["status"] == "Success");
  auto terminating = sim.get(kPods + "/plain");
  CHECK(terminating.status == 200);
  CHECK(terminating.json()["metadata"].contains("deletionTimestamp"));
  bool gone = false;
  for (int i = 0; i < 50 && !gone; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    gone = sim.get(kPods + "/plain").status == 404;
  }
  CHECK(gone);
}

TEST_CASE("big lists are gzipped for clients that accept it") {
  Sim sim({"--generate", "200"});
  auto r = sim.request("GET", "/api/v1/pods", "", "", "sim-admin-token", {{"Accept-Encoding", "gzip"}});
  CHECK(r.status == 200);
  CHECK(r.header("Content-Encoding") == "gzip");
  auto small = sim.request("GET", "/api/v1/namespaces/default", "", "", "sim-admin-token", {{"Accept-Encoding", "gzip"}});
  CHECK(small.header("Content-Encoding") == "");
}

TEST_CASE("scenario errors over the control endpoint name the line") {
  Sim sim;
  auto r = sim.request("POST", "/_sim/objects", "objects:\n- apiVersion: v1\n  kind: Nope\n  metadata: {name: a}\n",
                       "application/yaml");
  CHECK(r.status == 400);
  CHECK(r.json()["message"].get<std::string>().rfind("request body:2: kind \"Nope\"", 0) == 0);
}

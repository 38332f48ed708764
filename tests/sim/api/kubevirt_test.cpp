// KubeVirt behaviour over simulated time, through real HTTPS: migrations,
// limits, failures and backoff, target-pod timeouts, garbage collection,
// evictions and runStrategy, evacuation, and the in-cluster workload updater.
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <chrono>
#include <functional>
#include <map>
#include <set>
#include <thread>

#include "sim_fixture.hpp"

using nlohmann::json;
using simtest::Sim;
using simtest::kPods;
using simtest::kVmis;

namespace {

const std::string kOld = "quay.io/kubevirt/virt-launcher:v1.8.2";
const std::string kNew = "quay.io/kubevirt/virt-launcher:v1.9.0";
const std::string kVmims = "/apis/kubevirt.io/v1/namespaces/ns1/virtualmachineinstancemigrations";
const std::string kVms = "/apis/kubevirt.io/v1/namespaces/ns1/virtualmachines";

// A small cluster: schedulable workers, KubeVirt CR and virt-controller with the new launcher image.
struct Cluster {
  json objects = json::array();
  json knobs = json::object();

  explicit Cluster(int workers = 4, json migrations = json::object(), json strategy = json::object()) {
    for (int i = 1; i <= workers; ++i)
      objects.push_back({{"apiVersion", "v1"}, {"kind", "Node"},
                         {"metadata", {{"name", "w" + std::to_string(i)}, {"labels", {{"kubevirt.io/schedulable", "true"}}}}},
                         {"status", {{"conditions", {{{"type", "Ready"}, {"status", "True"}}}}}}});
    objects.push_back({{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "ns1"}}}});
    objects.push_back({{"apiVersion", "kubevirt.io/v1"}, {"kind", "KubeVirt"},
                       {"metadata", {{"name", "kubevirt"}, {"namespace", "kubevirt"}}},
                       {"spec", {{"configuration", {{"migrations", migrations}}}, {"workloadUpdateStrategy", strategy}}},
                       {"status", {{"phase", "Deployed"}, {"observedDeploymentID", "a"}, {"targetDeploymentID", "a"}}}});
    objects.push_back({{"apiVersion", "apps/v1"}, {"kind", "Deployment"},
                       {"metadata", {{"name", "virt-controller"}, {"namespace", "kubevirt"}}},
                       {"spec", {{"template", {{"spec", {{"containers", {{{"name", "virt-controller"},
                                 {"args", {"--launcher-image", kNew, "--port", "8443"}}}}}}}}}}}});
  }

  // A Running VMI on node with its launcher pod; vm: runStrategy of an owning VM ("" = standalone).
  void vmi(const std::string& name, const std::string& node, bool migratable = true,
           const std::string& evictionStrategy = "LiveMigrate", json annotations = json::object(),
           const std::string& vm = "", const std::string& image = kOld) {
    const std::string uid = "00000000-0000-4000-8000-" + std::string(12 - std::min<size_t>(12, name.size()), '0') + name.substr(0, 12);
    json labels = {{"kubevirt.io/nodeName", node}};
    if (image != kNew) labels["kubevirt.io/outdatedLauncherImage"] = "";
    json md = {{"name", name}, {"namespace", "ns1"}, {"uid", uid}, {"labels", labels}, {"annotations", annotations}};
    json spec = {{"domain", {{"devices", json::object()}}}};
    if (!evictionStrategy.empty()) spec["evictionStrategy"] = evictionStrategy;
    if (!vm.empty()) {
      md["ownerReferences"] = {{{"apiVersion", "kubevirt.io/v1"}, {"kind", "VirtualMachine"}, {"name", name},
                                {"uid", "vm-" + uid}, {"controller", true}}};
      json vmSpec = {{"template", {{"metadata", {{"labels", {{"app", name}}}}}, {"spec", spec}}}};
      if (vm == "running:true") vmSpec["running"] = true;
      else vmSpec["runStrategy"] = vm;
      objects.push_back({{"apiVersion", "kubevirt.io/v1"}, {"kind", "VirtualMachine"},
                         {"metadata", {{"name", name}, {"namespace", "ns1"}, {"uid", "vm-" + uid}}}, {"spec", vmSpec},
                         {"status", {{"printableStatus", "Running"}}}});
    }
    json cond = migratable ? json{{"type", "LiveMigratable"}, {"status", "True"}}
                           : json{{"type", "LiveMigratable"}, {"status", "False"}, {"reason", "DisksNotLiveMigratable"}};
    objects.push_back({{"apiVersion", "kubevirt.io/v1"}, {"kind", "VirtualMachineInstance"}, {"metadata", md}, {"spec", spec},
                       {"status", {{"phase", "Running"}, {"nodeName", node}, {"launcherContainerImageVersion", image},
                                   {"activePods", {{"pod-" + uid, node}}},
                                   {"conditions", {{{"type", "Ready"}, {"status", "True"}}, cond}}}}});
    json podLabels = labels;
    podLabels["kubevirt.io"] = "virt-launcher";
    podLabels["kubevirt.io/created-by"] = uid;
    objects.push_back({{"apiVersion", "v1"}, {"kind", "Pod"},
                       {"metadata", {{"name", "virt-launcher-" + name + "-abcde"}, {"namespace", "ns1"}, {"uid", "pod-" + uid},
                                     {"creationTimestamp", "2026-01-01T00:00:00Z"},
                                     {"labels", podLabels}, {"annotations", {{"kubevirt.io/domain", name}}},
                                     {"ownerReferences", {{{"apiVersion", "kubevirt.io/v1"}, {"kind", "VirtualMachineInstance"},
                                                           {"name", name}, {"uid", uid}, {"controller", true}}}}}},
                       {"spec", {{"nodeName", node}, {"containers", {{{"name", "compute"}, {"image", image}}}}}},
                       {"status", {{"phase", "Running"}, {"conditions", {{{"type", "Ready"}, {"status", "True"}}}}}}});
  }

  void load(Sim& sim) const {
    auto r = sim.request("POST", "/_sim/objects", json{{"objects", objects}, {"knobs", knobs}}.dump());
    REQUIRE(r.status == 200);
  }
};

bool eventually(const std::function<bool()>& pred, double seconds = 20) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  return pred();
}

json getJson(Sim& sim, const std::string& path) {
  auto r = sim.get(path);
  return r.status == 200 ? r.json() : json();
}

std::string createMigration(Sim& sim, const std::string& vmi, json annotations = json::object()) {
  json m = {{"apiVersion", "kubevirt.io/v1"}, {"kind", "VirtualMachineInstanceMigration"},
            {"metadata", {{"generateName", "plain-"}, {"annotations", annotations}}}, {"spec", {{"vmiName", vmi}}}};
  auto r = sim.request("POST", kVmims, m.dump());
  REQUIRE_MESSAGE(r.status == 201, r.body);
  return r.json()["metadata"]["name"];
}

std::string phaseOf(Sim& sim, const std::string& vmim) {
  return getJson(sim, kVmims + "/" + vmim).value("/status/phase"_json_pointer, "");
}

json history(Sim& sim) { return getJson(sim, "/_sim/migrations")["items"]; }

// The items of a list, by value (a range-for over a temporary's member would dangle).
json listItems(Sim& sim, const std::string& path) { return getJson(sim, path)["items"]; }

// Simulated time (seconds) a migration entered phase, or -1.
double at(const json& item, const std::string& phase) {
  for (const auto& p : item["phases"])
    if (p["phase"] == phase) return p["t"].get<double>();
  return -1;
}

bool isFinal(const std::string& p) { return p == "Succeeded" || p == "Failed"; }

// Maximum number of migrations active at once (first IsRunning phase to final), optionally per source node.
int maxConcurrent(const json& items, const std::string& node = "") {
  std::vector<std::pair<double, int>> edges;
  for (const auto& m : items) {
    if (!node.empty() && m["sourceNode"] != node) continue;
    double start = -1, end = 1e18;
    for (const auto& p : m["phases"]) {
      const std::string ph = p["phase"];
      if (start < 0 && (ph == "Scheduling" || ph == "Scheduled" || ph == "PreparingTarget" || ph == "TargetReady" || ph == "Running"))
        start = p["t"];
      if (isFinal(ph)) end = p["t"];
    }
    if (start < 0) continue;
    edges.push_back({start, +1});
    edges.push_back({end, -1});
  }
  std::sort(edges.begin(), edges.end());  // at equal times, ends (-1) before starts
  int cur = 0, best = 0;
  for (auto& [t, d] : edges) best = std::max(best, cur += d);
  return best;
}

std::vector<json> eventsFor(Sim& sim, const std::string& name) {
  std::vector<json> out;
  for (const auto& e : listItems(sim, "/api/v1/namespaces/ns1/events"))
    if (e["involvedObject"]["name"] == name) out.push_back(e);
  return out;
}

bool hasEvent(Sim& sim, const std::string& name, const std::string& reason) {
  for (const auto& e : eventsFor(sim, name))
    if (e["reason"] == reason) return true;
  return false;
}

const std::vector<std::string> kFastArgs = {"--tick-ms", "20", "--seed", "3"};

}  // namespace

TEST_CASE("kubevirt: a plain client's migration goes through every phase and moves the VMI") {
  Sim sim(kFastArgs);
  Cluster c;
  c.knobs = {{"timeScale", 100}, {"migrationDuration", "10s"}, {"schedulingDelay", {{"min", "2s"}, {"max", "4s"}}}};
  c.vmi("vm1", "w1");
  c.load(sim);
  auto clock = getJson(sim, "/_sim/clock");
  CHECK(clock["timeScale"] == 100);
  CHECK(clock["now"].get<std::string>().size() == 24);

  const std::string mig = createMigration(sim, "vm1");
  REQUIRE(eventually([&] { return phaseOf(sim, mig) == "Succeeded"; }));
  json m = getJson(sim, kVmims + "/" + mig);
  std::vector<std::string> phases;
  for (const auto& p : m["status"]["phaseTransitionTimestamps"]) phases.push_back(p["phase"]);
  CHECK(phases == std::vector<std::string>{"Pending", "Scheduling", "Scheduled", "PreparingTarget", "TargetReady",
                                           "Running", "Succeeded"});
  const std::string uid = m["metadata"]["uid"];
  json vmi = getJson(sim, kVmis + "/vm1");
  const json& ms = vmi["status"]["migrationState"];
  CHECK(ms["migrationUid"] == uid);
  CHECK(ms["sourceNode"] == "w1");
  CHECK(ms["completed"] == true);
  CHECK(ms["failed"] == false);
  CHECK(ms.contains("startTimestamp"));
  CHECK(ms.contains("endTimestamp"));
  CHECK(m["status"]["migrationState"]["targetPod"] == ms["targetPod"]);
  const std::string target = ms["targetNode"];
  CHECK(target != "w1");
  CHECK(vmi["status"]["nodeName"] == target);
  CHECK(vmi["metadata"]["labels"]["kubevirt.io/nodeName"] == target);
  CHECK(vmi["status"]["launcherContainerImageVersion"] == kNew);
  CHECK_FALSE(vmi["metadata"]["labels"].contains("kubevirt.io/outdatedLauncherImage"));
  CHECK(sim.get(kPods + "/virt-launcher-vm1-abcde").status == 404);
  json pod = getJson(sim, kPods + "/" + ms["targetPod"].get<std::string>());
  CHECK(pod["metadata"]["labels"]["kubevirt.io/migrationJobUID"] == uid);
  CHECK(pod["spec"]["nodeName"] == target);
  CHECK(pod["spec"]["containers"][0]["image"] == kNew);
  CHECK(vmi["status"]["activePods"] == json{{pod["metadata"]["uid"].get<std::string>(), target}});
  CHECK(hasEvent(sim, mig, "SuccessfulCreate"));
  CHECK(hasEvent(sim, mig, "SuccessfulMigration"));

  // The Running phase lasted the configured 10 simulated seconds (one tick = 2 s here).
  json item = history(sim)[0];
  CHECK(item["name"] == mig);
  const double running = at(item, "Succeeded") - at(item, "Running");
  CHECK(running >= 10);
  CHECK(running < 20);
  CHECK(at(item, "Scheduled") - at(item, "Scheduling") >= 2);

  // Every change the controllers made is in the audit log with the controller's name.
  bool sawPhase = false, sawPod = false;
  for (const auto& r : sim.audit()) {
    if (r.value("user", "") != "system:kubevirt-sim") continue;
    CHECK(r.contains("controller"));
    if (r["controller"] == "migration" && r["resource"] == "virtualmachineinstancemigrations" &&
        r.value("detail", "").find("phase=Running") == 0)
      sawPhase = true;
    if (r["controller"] == "migration" && r["resource"] == "pods" && r["verb"] == "create") sawPod = true;
  }
  CHECK(sawPhase);
  CHECK(sawPod);
}

TEST_CASE("kubevirt: cluster and per-node migration limits hold") {
  Sim sim(kFastArgs);
  Cluster c(4, {{"parallelMigrationsPerCluster", 3}, {"parallelOutboundMigrationsPerNode", 2}});
  c.knobs = {{"timeScale", 100}, {"migrationDuration", {{"min", "5s"}, {"max", "15s"}}}};
  std::vector<std::string> names;
  for (int i = 0; i < 10; ++i) {
    names.push_back("vm" + std::to_string(i));
    c.vmi(names.back(), i < 6 ? "w1" : "w" + std::to_string(2 + i % 3));  // six VMIs share w1
  }
  c.load(sim);
  std::vector<std::string> migs;
  for (const auto& n : names) migs.push_back(createMigration(sim, n));
  REQUIRE(eventually([&] {
    for (const auto& m : migs)
      if (phaseOf(sim, m) != "Succeeded") return false;
    return true;
  }, 30));
  json items = history(sim);
  CHECK(items.size() == 10);
  CHECK(maxConcurrent(items) == 3);
  for (const char* node : {"w1", "w2", "w3", "w4"}) CHECK(maxConcurrent(items, node) <= 2);
  CHECK(maxConcurrent(items, "w1") == 2);
}

TEST_CASE("kubevirt: an always-failing evacuation backs off 20 s, 40 s, 80 s") {
  Sim sim(kFastArgs);
  Cluster c;
  c.knobs = {{"timeScale", 100}, {"migrationDuration", "2s"}, {"schedulingDelay", "1s"}, {"preparationDelay", "1s"}};
  c.vmi("bad", "w1", true, "LiveMigrate", {{"sim.kubevirt.io/fail-migrations", "always"}});
  c.load(sim);
  json ev = {{"apiVersion", "policy/v1"}, {"kind", "Eviction"}, {"metadata", {{"name", "virt-launcher-bad-abcde"}, {"namespace", "ns1"}}}};
  auto r = sim.request("POST", kPods + "/virt-launcher-bad-abcde/eviction", ev.dump());
  CHECK(r.status == 429);
  auto failed = [&] {
    std::vector<json> out;
    for (const auto& m : history(sim))
      if (m["evacuation"] == true && at(m, "Failed") >= 0) out.push_back(m);
    return out;
  };
  REQUIRE(eventually([&] { return failed().size() >= 4; }, 30));
  auto items = failed();
  for (const auto& m : items) {
    CHECK(m["priority"] == "system-critical");
    CHECK(m["failureReason"].get<std::string>().find("simulated failure") != std::string::npos);
  }
  double expected = 20;
  for (size_t i = 1; i < 4; ++i, expected *= 2) {
    // From the Failed transition of the previous one (a whole-second timestamp) to the next target pod.
    const double gap = at(items[i], "Scheduling") - at(items[i - 1], "Failed");
    CHECK(gap >= expected - 1.5);
    CHECK(gap <= expected + 10);
  }
  CHECK(at(items[0], "Scheduling") - at(items[0], "Pending") < 4);  // the first one has no backoff
  CHECK(hasEvent(sim, "bad", "MigrationBackoff"));
  json vmi = getJson(sim, kVmis + "/bad");
  CHECK(vmi["status"]["nodeName"] == "w1");
  CHECK(vmi["status"]["migrationState"]["failed"] == true);
  CHECK(vmi["status"]["evacuationNodeName"] == "w1");
  bool requested = false;
  for (const auto& cond : vmi["status"]["conditions"])
    if (cond["type"] == "EvictionRequested" && cond["status"] == "True") requested = true;
  CHECK(requested);
}

TEST_CASE("kubevirt: unschedulable and stuck target pods time out after 300 s / 900 s, or as annotated") {
  Sim sim(kFastArgs);
  Cluster c(5);
  c.knobs = {{"timeScale", 300}};
  c.vmi("unsched", "w1", true, "LiveMigrate", {{"sim.kubevirt.io/target-pod", "Unschedulable"}});
  c.vmi("stuck", "w2", true, "LiveMigrate", {{"sim.kubevirt.io/target-pod", "StuckPending"}});
  c.vmi("unsched60", "w3", true, "LiveMigrate", {{"sim.kubevirt.io/target-pod", "Unschedulable"}});
  c.vmi("stuck120", "w4", true, "LiveMigrate", {{"sim.kubevirt.io/target-pod", "StuckPending"}});
  c.load(sim);
  std::map<std::string, std::string> mig;
  mig["unsched"] = createMigration(sim, "unsched");
  mig["stuck"] = createMigration(sim, "stuck");
  mig["unsched60"] = createMigration(sim, "unsched60", {{"kubevirt.io/migrationUnschedulablePodTimeoutSeconds", "60"}});
  mig["stuck120"] = createMigration(sim, "stuck120", {{"kubevirt.io/migrationPendingPodTimeoutSeconds", "120"}});
  REQUIRE(eventually([&] {
    for (const auto& [_, m] : mig)
      if (phaseOf(sim, m) != "Failed") return false;
    return true;
  }, 30));
  std::map<std::string, double> waited;
  for (const auto& m : history(sim)) waited[m["vmiName"]] = at(m, "Failed") - at(m, "Scheduling");
  // One tick is 6 simulated seconds here (more on a loaded machine), and pod ages count whole seconds.
  CHECK(waited["unsched"] >= 299);
  CHECK(waited["unsched"] <= 340);
  CHECK(waited["stuck"] >= 899);
  CHECK(waited["stuck"] <= 940);
  CHECK(waited["unsched60"] >= 59);
  CHECK(waited["unsched60"] <= 100);
  CHECK(waited["stuck120"] >= 119);
  CHECK(waited["stuck120"] <= 160);
  CHECK(hasEvent(sim, mig["unsched"], "migrationTargetPodUnschedulable"));
  CHECK_FALSE(hasEvent(sim, mig["stuck"], "migrationTargetPodUnschedulable"));
  bool unschedDelete = false, pendingDelete = false;
  for (const auto& e : eventsFor(sim, mig["unsched"]))
    if (e["reason"] == "SuccessfulDelete" && e["message"].get<std::string>().find("unschedulable pod") == 0) unschedDelete = true;
  for (const auto& e : eventsFor(sim, mig["stuck"]))
    if (e["reason"] == "SuccessfulDelete" && e["message"].get<std::string>().find("pending pod") == 0) pendingDelete = true;
  CHECK(unschedDelete);
  CHECK(pendingDelete);
  CHECK(hasEvent(sim, mig["stuck"], "FailedMigration"));
  CHECK(getJson(sim, kVmis + "/stuck")["status"]["nodeName"] == "w2");
}

TEST_CASE("kubevirt: garbage collection keeps the newest 5 finished migrations and their pods") {
  Sim sim(kFastArgs);
  Cluster c;
  c.knobs = {{"timeScale", 100}, {"migrationDuration", "2s"}, {"schedulingDelay", "1s"}, {"preparationDelay", "1s"}};
  c.vmi("gc", "w1", true, "LiveMigrate", {{"sim.kubevirt.io/fail-migrations", "always"}});
  c.load(sim);
  std::vector<std::string> migs;
  std::vector<std::string> targetPods;
  for (int i = 0; i < 7; ++i) {
    migs.push_back(createMigration(sim, "gc"));
    REQUIRE(eventually([&] { return phaseOf(sim, migs.back()) == "Failed"; }));
    targetPods.push_back(getJson(sim, kVmims + "/" + migs.back())["status"]["migrationState"]["targetPod"]);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // distinct creation seconds at this scale
  }
  REQUIRE(eventually([&] { return listItems(sim, kVmims).size() == 5; }));
  std::set<std::string> left;
  for (const auto& m : listItems(sim, kVmims)) left.insert(m["metadata"]["name"]);
  CHECK(left == std::set<std::string>(migs.begin() + 2, migs.end()));
  CHECK(sim.get(kPods + "/" + targetPods[0]).status == 404);  // defunct target pods of failed ones
  CHECK(sim.get(kPods + "/" + targetPods[1]).status == 404);
  CHECK(getJson(sim, kPods + "/" + targetPods[6])["status"]["phase"] == "Failed");
}

TEST_CASE("kubevirt: evictions and runStrategy - Always comes back updated, others stay down") {
  Sim sim(kFastArgs);
  Cluster c;
  c.knobs = {{"timeScale", 100}, {"restartDelay", "5s"}, {"podTerminationSeconds", 30}};
  c.vmi("always", "w1", false, "None", {}, "Always");
  c.vmi("running", "w1", false, "None", {}, "running:true");
  c.vmi("rerun", "w2", false, "None", {}, "RerunOnFailure");
  c.vmi("rerunfail", "w2", false, "None", {{"sim.kubevirt.io/shutdown-phase", "Failed"}}, "RerunOnFailure");
  c.vmi("halted", "w3", false, "None", {}, "Halted");
  c.vmi("manual", "w3", false, "None", {}, "Manual");
  c.vmi("alone", "w4", false, "None");
  c.load(sim);
  std::map<std::string, std::string> oldUid;
  for (const auto& n : {"always", "running", "rerun", "rerunfail", "halted", "manual", "alone"}) {
    oldUid[n] = getJson(sim, kVmis + "/" + n)["metadata"]["uid"];
    json ev = {{"apiVersion", "policy/v1"}, {"kind", "Eviction"},
               {"metadata", {{"name", std::string("virt-launcher-") + n + "-abcde"}, {"namespace", "ns1"}}}};
    auto r = sim.request("POST", kPods + "/virt-launcher-" + n + "-abcde/eviction", ev.dump());
    CHECK_MESSAGE(r.status == 201, n);
  }
  // The guests shut down while their pods terminate (30 simulated seconds).
  CHECK(getJson(sim, kVmis + "/manual")["status"]["phase"] == "Running");
  CHECK(getJson(sim, kPods + "/virt-launcher-manual-abcde")["metadata"].contains("deletionTimestamp"));
  auto restarted = [&](const std::string& n) {
    json v = getJson(sim, kVmis + "/" + n);
    return !v.is_null() && v["metadata"]["uid"] != oldUid[n] && v.value("/status/phase"_json_pointer, "") == "Running";
  };
  REQUIRE(eventually([&] { return restarted("always") && restarted("running") && restarted("rerunfail"); }));
  // The evictions were posted one after another, so the last pods finish terminating a few simulated
  // seconds after the first ones: on a loaded machine after the first restarts (restartDelay 5 s).
  auto phase = [&](const std::string& n) {
    json v = getJson(sim, kVmis + "/" + n);
    return v.is_object() ? v.value("/status/phase"_json_pointer, std::string()) : std::string();
  };
  REQUIRE(eventually([&] {
    return phase("manual") == "Succeeded" && phase("alone") == "Succeeded" && sim.get(kVmis + "/rerun").status == 404 &&
           sim.get(kVmis + "/halted").status == 404;
  }));
  for (const auto& n : {"always", "running", "rerunfail"}) {
    json v = getJson(sim, kVmis + "/" + n);
    CHECK(v["status"]["launcherContainerImageVersion"] == kNew);
    CHECK_FALSE(v["metadata"]["labels"].contains("kubevirt.io/outdatedLauncherImage"));
    const std::string node = v["status"]["nodeName"];
    bool podOk = false;
    for (const auto& p : listItems(sim, kPods))
      if (p["metadata"]["labels"].value("kubevirt.io/created-by", "") == v["metadata"]["uid"])
        podOk = p["spec"]["containers"][0]["image"] == kNew && p["spec"]["nodeName"] == node &&
                p["status"]["phase"] == "Running";
    CHECK_MESSAGE(podOk, n);
    CHECK(getJson(sim, kVms + "/" + n)["status"]["printableStatus"] == "Running");
  }
  CHECK(sim.get(kVmis + "/rerun").status == 404);   // Succeeded: deleted, not restarted
  CHECK(sim.get(kVmis + "/halted").status == 404);  // Halted: stopped
  CHECK(getJson(sim, kVmis + "/manual")["status"]["phase"] == "Succeeded");
  json alone = getJson(sim, kVmis + "/alone");
  CHECK(alone["status"]["phase"] == "Succeeded");
  CHECK(alone["status"]["launcherContainerImageVersion"] == "");
  CHECK(getJson(sim, kVms + "/rerun")["status"]["printableStatus"] == "Stopped");
}

TEST_CASE("kubevirt: evicting a LiveMigrate VMI's pod leads to an evacuation migration") {
  Sim sim(kFastArgs);
  Cluster c;
  c.knobs = {{"timeScale", 100}, {"migrationDuration", "5s"}};
  c.vmi("evac", "w2");
  c.load(sim);
  json ev = {{"apiVersion", "policy/v1"}, {"kind", "Eviction"}, {"metadata", {{"name", "virt-launcher-evac-abcde"}, {"namespace", "ns1"}}}};
  auto r = sim.request("POST", kPods + "/virt-launcher-evac-abcde/eviction", ev.dump());
  CHECK(r.status == 429);
  CHECK(r.json()["message"].get<std::string>().find("Eviction triggered evacuation") != std::string::npos);
  REQUIRE(eventually([&] { return getJson(sim, kVmis + "/evac").value("/status/nodeName"_json_pointer, "") != "w2"; }));
  json list = listItems(sim, kVmims);
  REQUIRE(list.size() == 1);
  const json& m = list[0];
  CHECK(m["metadata"]["name"].get<std::string>().rfind("kubevirt-evacuation-", 0) == 0);
  CHECK(m["metadata"]["annotations"]["kubevirt.io/evacuationMigration"] == "w2");
  CHECK(m["spec"]["priority"] == "system-critical");
  CHECK(m["status"]["phase"] == "Succeeded");
  json vmi = getJson(sim, kVmis + "/evac");
  CHECK_FALSE(vmi["status"].contains("evacuationNodeName"));
  CHECK(vmi["status"]["launcherContainerImageVersion"] == kNew);
  CHECK(hasEvent(sim, "evac", "SuccessfulCreate"));
}

TEST_CASE("kubevirt: the in-cluster workload updater updates a small fleet in batches") {
  Sim sim(kFastArgs);
  Cluster c(4, {{"parallelMigrationsPerCluster", 2}},
            {{"workloadUpdateMethods", {"LiveMigrate", "Evict"}}, {"batchEvictionSize", 2}, {"batchEvictionInterval", "1m0s"}});
  c.knobs = {{"timeScale", 100}, {"inClusterUpdater", true}, {"migrationDuration", "10s"}, {"restartDelay", "5s"}};
  for (int i = 0; i < 5; ++i) c.vmi("mig" + std::to_string(i), "w" + std::to_string(1 + i % 4));
  for (int i = 0; i < 5; ++i) c.vmi("evict" + std::to_string(i), "w" + std::to_string(1 + i % 4), false, "None", {}, "Always");
  c.vmi("current", "w1", true, "LiveMigrate", {}, "", kNew);
  c.load(sim);
  auto outdatedLeft = [&] {
    int n = 0;
    for (const auto& v : listItems(sim, kVmis))
      if (v.value("/status/launcherContainerImageVersion"_json_pointer, "") != kNew ||
          v.value("/status/phase"_json_pointer, "") != "Running")
        ++n;
    return n;
  };
  REQUIRE(eventually([&] { return outdatedLeft() == 0; }, 40));
  REQUIRE(eventually([&] {
    return getJson(sim, "/apis/kubevirt.io/v1/namespaces/kubevirt/kubevirts/kubevirt")
               .value("/status/outdatedVirtualMachineInstanceWorkloads"_json_pointer, -1) == 0;
  }));
  json items = history(sim);
  CHECK(items.size() == 5);
  for (const auto& m : items) {
    CHECK(m["workloadUpdate"] == true);
    CHECK(m["priority"] == "system-critical");
    CHECK(m["name"].get<std::string>().rfind("kubevirt-workload-update-", 0) == 0);
  }
  CHECK(maxConcurrent(items) <= 2);
  // Evictions: batches of at most 2, at least a minute (simulated) apart.
  std::vector<double> times;
  for (const auto& r : sim.audit())
    if (r.value("controller", "") == "workload-updater" && r["verb"] == "evict") {
      CHECK(r["code"] == 201);
      const std::string t = r["simTime"];
      times.push_back(std::stoi(t.substr(11, 2)) * 3600 + std::stoi(t.substr(14, 2)) * 60 + std::stod(t.substr(17, 6)));
    }
  REQUIRE(times.size() == 5);
  std::vector<std::vector<double>> batches;
  for (double t : times) {
    if (batches.empty() || t - batches.back().front() > 5) batches.push_back({});
    batches.back().push_back(t);
  }
  CHECK(batches.size() == 3);
  for (size_t i = 0; i < batches.size(); ++i) {
    CHECK(batches[i].size() <= 2);
    if (i > 0) CHECK(batches[i].front() - batches[i - 1].front() >= 60);
  }
}

TEST_CASE("kubevirt: forced failures - deletion before hand-off, VMI gone, another migration in progress") {
  Sim sim(kFastArgs);
  Cluster c;
  c.knobs = {{"timeScale", 100}};
  c.vmi("abort", "w1", true, "LiveMigrate", {{"sim.kubevirt.io/target-pod", "Unschedulable"}});
  c.vmi("gone", "w2", true, "LiveMigrate", {{"sim.kubevirt.io/target-pod", "StuckPending"}});
  c.vmi("busy", "w3");
  c.load(sim);
  const std::string abort = createMigration(sim, "abort");
  const std::string gone = createMigration(sim, "gone");
  REQUIRE(eventually([&] { return phaseOf(sim, abort) == "Scheduling" && phaseOf(sim, gone) == "Scheduling"; }));
  const std::string abortUid = getJson(sim, kVmims + "/" + abort)["metadata"]["uid"];
  auto targetPodOf = [&](const std::string& uid) {
    for (const auto& p : listItems(sim, kPods))
      if (p["metadata"]["labels"].value("kubevirt.io/migrationJobUID", "") == uid) return true;
    return false;
  };
  CHECK(targetPodOf(abortUid));
  CHECK(sim.request("DELETE", kVmims + "/" + abort).status == 200);
  CHECK(sim.request("DELETE", kVmis + "/gone").status == 200);
  // The VMI gone: migration.go execute() deletes the VMIM (not failed); nothing releases its finalizer then.
  REQUIRE(eventually([&] {
    return sim.get(kVmims + "/" + abort).status == 404 &&
           getJson(sim, kVmims + "/" + gone)["metadata"].contains("deletionTimestamp");
  }));
  std::map<std::string, json> byName;
  for (const auto& m : history(sim)) byName[m["name"]] = m;
  CHECK(at(byName[abort], "Failed") >= 0);
  CHECK(byName[abort].contains("deleted"));
  CHECK(byName[abort]["failureReason"].get<std::string>().find("aborted") != std::string::npos);
  CHECK(at(byName[gone], "Failed") < 0);
  CHECK(phaseOf(sim, gone) == "Scheduling");
  bool goneDeleted = false;
  for (const auto& r : sim.audit())
    if (r.value("name", "") == gone && r.value("verb", "") == "delete" && r.value("detail", "") == "vmi gone") goneDeleted = true;
  CHECK(goneDeleted);
  bool condition = false;
  for (const auto& r : sim.audit())
    if (r.value("name", "") == abort && r.value("detail", "") == "condition migrationAbortRequested") condition = true;
  CHECK(condition);
  CHECK_FALSE(targetPodOf(abortUid));  // deleted with the aborted migration

  // A second VMIM loaded behind admission's back while the VMI's migrationState belongs to an unfinished one.
  const std::string first = createMigration(sim, "busy");
  REQUIRE(eventually([&] { return phaseOf(sim, first) == "PreparingTarget" || phaseOf(sim, first) == "Running" ||
                                  phaseOf(sim, first) == "TargetReady"; }));
  json second = {{"objects", {{{"apiVersion", "kubevirt.io/v1"}, {"kind", "VirtualMachineInstanceMigration"},
                               {"metadata", {{"name", "second"}, {"namespace", "ns1"}}}, {"spec", {{"vmiName", "busy"}}}}}}};
  REQUIRE(sim.request("POST", "/_sim/objects", second.dump()).status == 200);
  REQUIRE(eventually([&] { return phaseOf(sim, "second") == "Failed"; }));
  bool eventSeen = false;
  for (const auto& e : eventsFor(sim, "second"))
    if (e["reason"] == "FailedMigration" &&
        e["message"] == "VMI is not eligible for migration because another migration job is in progress.")
      eventSeen = true;
  CHECK(eventSeen);
  REQUIRE(eventually([&] { return phaseOf(sim, first) == "Succeeded"; }));
}

TEST_CASE("kubevirt: migrationFailureRate and fail-migrations: N") {
  Sim sim(kFastArgs);
  Cluster c;
  c.knobs = {{"timeScale", 100}, {"migrationDuration", "2s"}, {"migrationFailureRate", 1}};
  c.vmi("rate", "w1");
  c.vmi("twice", "w2", true, "LiveMigrate", {{"sim.kubevirt.io/fail-migrations", "2"}});
  c.load(sim);
  const std::string m = createMigration(sim, "rate");
  REQUIRE(eventually([&] { return phaseOf(sim, m) == "Failed"; }));
  CHECK(getJson(sim, kVmims + "/" + m)["status"]["migrationState"]["failureReason"] ==
        "Live migration failed: simulated failure (migrationFailureRate)");
  CHECK(getJson(sim, kVmis + "/rate")["status"]["nodeName"] == "w1");
  REQUIRE(sim.request("POST", "/_sim/knobs", R"({"migrationFailureRate": 0})").status == 200);
  std::vector<std::string> phases;
  for (int i = 0; i < 3; ++i) {
    const std::string t = createMigration(sim, "twice");
    REQUIRE(eventually([&] { return isFinal(phaseOf(sim, t)); }));
    phases.push_back(phaseOf(sim, t));
  }
  CHECK(phases == std::vector<std::string>{"Failed", "Failed", "Succeeded"});
}

TEST_CASE("kubevirt: VMIM admission answers 400 about the VMI and 422 for priority, with upstream's messages") {
  Sim sim(kFastArgs);
  Cluster c;
  c.knobs = {{"kubevirtControllers", false}};
  c.vmi("ok", "w1");
  c.vmi("nomig", "w2", false);
  c.vmi("done", "w3");
  c.load(sim);
  REQUIRE(sim.request("PATCH", kVmis + "/done/status", R"({"status":{"phase":"Succeeded"}})",
                      "application/merge-patch+json").status == 200);
  auto create = [&](const std::string& vmi, json spec = json::object()) {
    spec["vmiName"] = vmi;
    json m = {{"apiVersion", "kubevirt.io/v1"}, {"kind", "VirtualMachineInstanceMigration"},
              {"metadata", {{"generateName", "adm-"}}}, {"spec", spec}};
    return sim.request("POST", kVmims, m.dump());
  };
  const std::string prefix = "admission webhook \"migration-create-validator.kubevirt.io\" denied the request: ";
  auto missing = create("nothere");
  CHECK(missing.status == 400);
  CHECK(missing.json()["code"] == 400);
  CHECK(missing.json()["message"] == prefix + "the VMI \"ns1/nothere\" does not exist");
  auto final = create("done");
  CHECK(final.status == 400);
  CHECK(final.json()["message"] == prefix + "Cannot migrate VMI in finalized state.");
  auto nomig = create("nomig");
  CHECK(nomig.status == 400);
  CHECK(nomig.json()["message"] == prefix + "Cannot migrate VMI, Reason: DisksNotLiveMigratable, Message: ");
  auto first = create("ok");
  REQUIRE(first.status == 201);
  auto again = create("ok");
  CHECK(again.status == 400);
  CHECK(again.json()["message"] == prefix + "in-flight migration detected. Active migration job (" +
                                       first.json()["metadata"]["uid"].get<std::string>() +
                                       ") is currently already in progress for VMI ok.");
  auto prio = create("ok", {{"priority", "system-critical"}});
  CHECK(prio.status == 422);
  CHECK(prio.json()["message"] == prefix + "Migration priority queue, only virt-controller is allowed to set priority field");
  CHECK(prio.json()["reason"] == "Invalid");  // ToAdmissionResponse's reason and causes are relayed
  CHECK(prio.json()["details"]["causes"][0]["field"] == "spec.migrationPriority");
  CHECK(prio.json()["details"]["causes"][0]["reason"] == "FieldValueForbidden");
  CHECK_FALSE(missing.json().contains("reason"));
}

TEST_CASE("kubevirt: outbound limit counts the VMI's nodeName and its migrationState.sourceNode") {
  Sim sim(kFastArgs);
  Cluster c(4, {{"parallelMigrationsPerCluster", 5}, {"parallelOutboundMigrationsPerNode", 1}});
  c.knobs = {{"timeScale", 100}, {"migrationDuration", "2s"}};
  // "moved" came from w1 in an earlier migration: its VMI still says migrationState.sourceNode w1.
  c.vmi("moved", "w2", true, "LiveMigrate", {{"sim.kubevirt.io/target-pod", "StuckPending"}});
  for (auto& o : c.objects)
    if (o["kind"] == "VirtualMachineInstance" && o["metadata"]["name"] == "moved")
      o["status"]["migrationState"] = {{"sourceNode", "w1"}, {"targetNode", "w2"}, {"completed", true},
                                       {"migrationUid", "earlier"}, {"startTimestamp", "2026-01-01T00:00:00Z"},
                                       {"endTimestamp", "2026-01-01T00:01:00Z"}};
  c.vmi("onw1", "w1");
  c.load(sim);
  const std::string m1 = createMigration(sim, "moved");
  REQUIRE(eventually([&] { return phaseOf(sim, m1) == "Scheduling"; }));
  const std::string m2 = createMigration(sim, "onw1");
  // 20 simulated seconds: the stuck migration of "moved" counts against w1 too, so "onw1" waits.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  CHECK(phaseOf(sim, m1) == "Scheduling");
  CHECK(phaseOf(sim, m2) == "Pending");
  REQUIRE(sim.request("DELETE", kVmims + "/" + m1).status == 200);
  CHECK(eventually([&] { return phaseOf(sim, m2) == "Succeeded"; }));
}

TEST_CASE("kubevirt: a Pending migration's timed-out target pod is deleted while it is still Pending") {
  Sim sim(kFastArgs);
  Cluster c;
  c.knobs = {{"timeScale", 100}};
  c.vmi("vm1", "w1");
  const std::string vmiUid = "00000000-0000-4000-8000-000000000vm1";
  c.objects.push_back({{"apiVersion", "kubevirt.io/v1"}, {"kind", "VirtualMachineInstanceMigration"},
                       {"metadata", {{"name", "loaded"}, {"namespace", "ns1"}, {"uid", "mig-loaded"},
                                     {"creationTimestamp", "2026-01-01T00:00:00Z"}}},
                       {"spec", {{"vmiName", "vm1"}}}, {"status", {{"phase", "Pending"}}}});
  c.objects.push_back({{"apiVersion", "v1"}, {"kind", "Pod"},
                       {"metadata", {{"name", "virt-launcher-vm1-target"}, {"namespace", "ns1"},
                                     {"creationTimestamp", "2026-01-01T00:00:00Z"},
                                     {"labels", {{"kubevirt.io", "virt-launcher"}, {"kubevirt.io/created-by", vmiUid},
                                                 {"kubevirt.io/migrationJobUID", "mig-loaded"}}},
                                     {"ownerReferences", {{{"apiVersion", "kubevirt.io/v1"}, {"kind", "VirtualMachineInstance"},
                                                           {"name", "vm1"}, {"uid", vmiUid}, {"controller", true}}}}}},
                       {"spec", {{"containers", {{{"name", "compute"}, {"image", kNew}}}}}},
                       {"status", {{"phase", "Pending"},
                                   {"conditions", {{{"type", "PodScheduled"}, {"status", "False"}, {"reason", "Unschedulable"}}}}}}});
  c.load(sim);
  REQUIRE(eventually([&] { return phaseOf(sim, "loaded") == "Failed"; }));
  uint64_t deletedAt = 0, schedulingAt = 0;
  for (const auto& r : sim.audit()) {
    if (r.value("name", "") == "virt-launcher-vm1-target" && r.value("verb", "") == "delete" && !deletedAt)
      deletedAt = r["seq"];
    if (r.value("name", "") == "loaded" && r.value("detail", "").rfind("phase=Scheduling", 0) == 0 && !schedulingAt)
      schedulingAt = r["seq"];
  }
  REQUIRE(deletedAt > 0);
  REQUIRE(schedulingAt > 0);
  CHECK(deletedAt < schedulingAt);  // handlePendingPodTimeout ran in Pending
  bool event = false;
  for (const auto& e : eventsFor(sim, "loaded"))
    if (e["reason"] == "SuccessfulDelete" &&
        e["message"] == "unschedulable pod ns1/virt-launcher-vm1-target timeout period exceeded")
      event = true;
  CHECK(event);
}

TEST_CASE("kubevirt: a VM with both spec.running and spec.runStrategy is not synced") {
  Sim sim(kFastArgs);
  Cluster c;
  c.knobs = {{"timeScale", 100}, {"restartDelay", "1s"}};
  c.vmi("both", "w1", false, "None", {}, "Always");
  for (auto& o : c.objects)
    if (o["kind"] == "VirtualMachine") o["spec"]["running"] = true;
  c.load(sim);
  const std::string uid = getJson(sim, kVmis + "/both")["metadata"]["uid"];
  REQUIRE(sim.request("DELETE", kPods + "/virt-launcher-both-abcde").status == 200);
  REQUIRE(eventually([&] { return getJson(sim, kVmis + "/both").value("/status/phase"_json_pointer, "") == "Succeeded"; }));
  REQUIRE(eventually([&] {
    for (const auto& cond : getJson(sim, kVms + "/both").value("/status/conditions"_json_pointer, json::array()))
      if (cond["type"] == "Failure") return true;
    return false;
  }));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // 20 simulated seconds: no restart
  json vmi = getJson(sim, kVmis + "/both");
  CHECK(vmi["metadata"]["uid"] == uid);
  CHECK(vmi["status"]["phase"] == "Succeeded");
  json failure;
  const json vm = getJson(sim, kVms + "/both");
  for (const auto& cond : vm["status"]["conditions"])
    if (cond["type"] == "Failure") failure = cond;
  CHECK(failure["status"] == "True");
  CHECK(failure["reason"] == "FailedCreate");
  CHECK(failure["message"] == "Error fetching RunStrategy: running and runstrategy are mutually exclusive");
}

TEST_CASE("kubevirt: a target pod over quota - 403, migrationRejectedByResourceQuota, retried until the quota is lifted") {
  Sim sim(kFastArgs);
  Cluster c;
  c.knobs = {{"timeScale", 100}, {"migrationDuration", "2s"}};
  c.vmi("quota", "w1", true, "LiveMigrate", {{"sim.kubevirt.io/target-pod", "QuotaExceeded"}});
  c.load(sim);
  const std::string mig = createMigration(sim, "quota");
  auto hasQuotaCondition = [&] {
    for (const auto& cond : getJson(sim, kVmims + "/" + mig).value("/status/conditions"_json_pointer, json::array()))
      if (cond["type"] == "migrationRejectedByResourceQuota") return cond["status"] == "True";
    return false;
  };
  REQUIRE(eventually(hasQuotaCondition));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(phaseOf(sim, mig) == "Pending");
  int refused = 0;
  for (const auto& r : sim.audit())
    if (r.value("controller", "") == "migration" && r["verb"] == "create" && r["resource"] == "pods" && r["code"] == 403) ++refused;
  CHECK(refused >= 2);  // retried
  bool event = false;
  for (const auto& e : eventsFor(sim, "quota"))
    if (e["reason"] == "FailedCreate" && e["type"] == "Warning" &&
        e["message"].get<std::string>().find("Error creating pod: pods \"virt-launcher-quota-") == 0 &&
        e["message"].get<std::string>().find("is forbidden: exceeded quota") != std::string::npos)
      event = true;
  CHECK(event);
  REQUIRE(sim.request("PATCH", kVmis + "/quota", R"({"metadata":{"annotations":{"sim.kubevirt.io/target-pod":null}}})",
                      "application/merge-patch+json").status == 200);
  REQUIRE(eventually([&] { return phaseOf(sim, mig) == "Succeeded"; }));
  CHECK_FALSE(hasQuotaCondition());
}

namespace {

const std::string kHco = "/apis/hco.kubevirt.io/v1beta1/namespaces/openshift-cnv/hyperconvergeds/kubevirt-hyperconverged";
const std::string kOwnedKv = "/apis/kubevirt.io/v1/namespaces/openshift-cnv/kubevirts/kubevirt-kubevirt-hyperconverged";

json hcoPair() {
  return {{"objects",
           {{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "openshift-cnv"}}}},
            {{"apiVersion", "hco.kubevirt.io/v1beta1"}, {"kind", "HyperConverged"},
             {"metadata", {{"name", "kubevirt-hyperconverged"}, {"namespace", "openshift-cnv"}}},
             {"spec", {{"workloadUpdateStrategy", {{"workloadUpdateMethods", {"LiveMigrate"}}, {"batchEvictionInterval", "60s"}}},
                       {"liveMigrationConfig", {{"parallelMigrationsPerCluster", 4}}},
                       {"evictionStrategy", "LiveMigrate"}}}},
            {{"apiVersion", "kubevirt.io/v1"}, {"kind", "KubeVirt"},
             {"metadata", {{"name", "kubevirt-kubevirt-hyperconverged"}, {"namespace", "openshift-cnv"}}},
             {"spec", {{"workloadUpdateStrategy", {{"workloadUpdateMethods", {"LiveMigrate", "Evict"}}}},
                       {"configuration", {{"evictionStrategy", "None"}}}}},
             {"status", {{"phase", "Deployed"}}}}}}};
}

json methodsOf(Sim& sim, const std::string& path) {
  return getJson(sim, path).value("/spec/workloadUpdateStrategy/workloadUpdateMethods"_json_pointer, json());
}

}  // namespace

TEST_CASE("hco: the KubeVirt CR follows the HyperConverged CR, direct edits are reverted, jsonpatch and the knob") {
  // Loaded at start-up: reconciled before the first request.
  const std::string file = "/tmp/kubevirt-sim-hco-" + std::to_string(::getpid()) + ".json";
  {
    std::FILE* f = std::fopen(file.c_str(), "w");
    REQUIRE(f);
    const std::string body = hcoPair().dump();
    std::fwrite(body.data(), 1, body.size(), f);
    std::fclose(f);
  }
  std::vector<std::string> args = kFastArgs;
  args.insert(args.end(), {"--scenario", file});
  Sim sim(args);
  std::remove(file.c_str());
  json kv = getJson(sim, kOwnedKv);
  CHECK(kv["spec"]["workloadUpdateStrategy"] ==
        json::parse(R"({"workloadUpdateMethods":["LiveMigrate"],"batchEvictionSize":10,"batchEvictionInterval":"1m0s"})"));
  CHECK(kv["spec"]["configuration"]["migrations"]["parallelMigrationsPerCluster"] == 4);
  CHECK(kv["spec"]["configuration"]["migrations"]["parallelOutboundMigrationsPerNode"] == 1);
  CHECK(kv["spec"]["configuration"]["evictionStrategy"] == "LiveMigrate");
  bool audited = false;
  for (const auto& r : sim.audit())
    if (r.value("controller", "") == "hco" && r["resource"] == "kubevirts" && r["verb"] == "patch" && r["code"] == 200)
      audited = r["userAgent"] == "kubevirt-sim/hco" && r["name"] == "kubevirt-kubevirt-hyperconverged";
  CHECK(audited);

  // A direct edit of the KubeVirt CR is reverted.
  REQUIRE(sim.request("PATCH", kOwnedKv, R"({"spec":{"workloadUpdateStrategy":{"workloadUpdateMethods":[]}}})",
                      "application/merge-patch+json").status == 200);
  CHECK(eventually([&] { return methodsOf(sim, kOwnedKv) == json{"LiveMigrate"}; }));
  // A change of the HyperConverged CR is copied.
  REQUIRE(sim.request("PATCH", kHco, R"({"spec":{"workloadUpdateStrategy":{"workloadUpdateMethods":[]},
                                                   "liveMigrationConfig":{"parallelOutboundMigrationsPerNode":3}}})",
                      "application/merge-patch+json").status == 200);
  CHECK(eventually([&] { return methodsOf(sim, kOwnedKv).is_null(); }));
  CHECK(getJson(sim, kOwnedKv)["spec"]["configuration"]["migrations"]["parallelOutboundMigrationsPerNode"] == 3);
  // The jsonpatch annotation makes the two differ.
  json ann = {{"metadata", {{"annotations", {{"kubevirt.kubevirt.io/jsonpatch",
      R"([{"op":"add","path":"/spec/workloadUpdateStrategy/workloadUpdateMethods","value":["LiveMigrate","Evict"]}])"}}}}}};
  REQUIRE(sim.request("PATCH", kHco, ann.dump(), "application/merge-patch+json").status == 200);
  CHECK(eventually([&] { return methodsOf(sim, kOwnedKv) == json{"LiveMigrate", "Evict"}; }));
  CHECK(methodsOf(sim, kHco) == json::array());
  REQUIRE(sim.request("PATCH", kHco, R"({"metadata":{"annotations":{"kubevirt.kubevirt.io/jsonpatch":null}}})",
                      "application/merge-patch+json").status == 200);
  CHECK(eventually([&] { return methodsOf(sim, kOwnedKv).is_null(); }));
  // hcoReconcile: false freezes the pair; switched back on, HCO reverts the edit.
  REQUIRE(sim.request("POST", "/_sim/knobs", R"({"hcoReconcile": false})").status == 200);
  REQUIRE(sim.request("PATCH", kOwnedKv, R"({"spec":{"workloadUpdateStrategy":{"workloadUpdateMethods":["Evict"]}}})",
                      "application/merge-patch+json").status == 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  CHECK(methodsOf(sim, kOwnedKv) == json{"Evict"});
  REQUIRE(sim.request("POST", "/_sim/knobs", R"({"hcoReconcile": true})").status == 200);
  CHECK(eventually([&] { return methodsOf(sim, kOwnedKv).is_null(); }));
}

TEST_CASE("rollout: virt-handler rolls, then virt-controller; the updater waits, then updates to the new image") {
  Sim sim(kFastArgs);
  Cluster c(4, json::object(), {{"workloadUpdateMethods", {"LiveMigrate"}}});
  c.knobs = {{"timeScale", 100}, {"inClusterUpdater", true}, {"migrationDuration", "2s"}};
  c.objects.push_back({{"apiVersion", "apps/v1"}, {"kind", "DaemonSet"},
                       {"metadata", {{"name", "virt-handler"}, {"namespace", "kubevirt"}, {"generation", 1}}},
                       {"spec", {{"template", {{"spec", {{"containers", {{{"name", "virt-handler"},
                                                                            {"image", "quay.io/kubevirt/virt-handler:v1.9.0"}}}}}}}}}},
                       {"status", {{"desiredNumberScheduled", 4}, {"updatedNumberScheduled", 4}, {"numberAvailable", 4},
                                   {"observedGeneration", 1}}}});
  c.vmi("cur", "w1", true, "LiveMigrate", {}, "", kNew);
  c.vmi("old1", "w2");
  c.load(sim);
  const std::string next = "quay.io/kubevirt/virt-launcher:v1.9.1";
  const std::string kvPath = "/apis/kubevirt.io/v1/namespaces/kubevirt/kubevirts/kubevirt";
  const std::string dsPath = "/apis/apps/v1/namespaces/kubevirt/daemonsets/virt-handler";
  const std::string deployPath = "/apis/apps/v1/namespaces/kubevirt/deployments/virt-controller";
  CHECK(sim.request("POST", "/_sim/rollout", R"({"durationSeconds": 60})").status == 400);
  auto r = sim.request("POST", "/_sim/rollout", json{{"launcherImage", next}, {"durationSeconds", 200}}.dump());
  REQUIRE_MESSAGE(r.status == 200, r.body);
  const std::string target = r.json()["targetDeploymentID"];
  CHECK(r.json()["targetKubeVirtVersion"] == "v1.9.1");
  CHECK(sim.request("POST", "/_sim/rollout", json{{"launcherImage", next}}.dump()).status == 409);
  json kv = getJson(sim, kvPath);
  CHECK(kv["status"]["phase"] == "Deployed");  // an update keeps the phase; the IDs tell
  CHECK(kv["status"]["observedDeploymentID"] == "a");
  CHECK(kv["status"]["targetDeploymentID"] == target);
  CHECK(kv["status"]["targetKubeVirtVersion"] == "v1.9.1");
  bool progressing = false;
  for (const auto& cond : kv["status"]["conditions"])
    if (cond["type"] == "Progressing") progressing = cond["status"] == "True" && cond["reason"] == "UpdateInProgress";
  CHECK(progressing);
  json ds = getJson(sim, dsPath);
  CHECK(ds["status"]["observedGeneration"] == ds["metadata"]["generation"]);
  CHECK(ds["status"]["updatedNumberScheduled"].get<int>() < 4);
  CHECK(ds["spec"]["template"]["spec"]["containers"][0]["image"] == "quay.io/kubevirt/virt-handler:v1.9.1");
  // A migration during the rollout gets the image of the virt-controller that still leads.
  const std::string mig = createMigration(sim, "old1");
  REQUIRE(eventually([&] { return phaseOf(sim, mig) == "Succeeded"; }));
  CHECK(getJson(sim, kVmis + "/old1")["status"]["launcherContainerImageVersion"] == kNew);
  // virt-controller's Deployment gets the new --launcher-image once virt-handler rolled over.
  REQUIRE(eventually([&] {
    const json d = getJson(sim, deployPath);
    return d["spec"]["template"]["spec"]["containers"][0]["args"][1] == next;
  }));
  CHECK(getJson(sim, dsPath)["status"]["updatedNumberScheduled"] == 4);
  REQUIRE(eventually([&] {
    const json k = getJson(sim, kvPath);
    return k["status"]["observedDeploymentID"] == target && k["status"]["phase"] == "Deployed";
  }));
  kv = getJson(sim, kvPath);
  CHECK(kv["status"]["observedKubeVirtVersion"] == "v1.9.1");
  // The VMI controller of the new virt-controller labelled the formerly current VMI outdated; then the updater
  // moved both to the new image.
  bool labelled = false;
  uint64_t doneSeq = 0, firstUpdaterCreate = 0;
  for (const auto& rec : sim.audit()) {
    if (rec.value("controller", "") == "vmi" && rec["name"] == "cur" && rec.value("detail", "") == "outdated launcher image")
      labelled = true;
    if (rec.value("controller", "") == "virt-operator" && rec.value("detail", "").find("done") != std::string::npos)
      doneSeq = rec["seq"];
    if (rec.value("controller", "") == "workload-updater" && rec["verb"] == "create" &&
        rec["resource"] == "virtualmachineinstancemigrations" && !firstUpdaterCreate)
      firstUpdaterCreate = rec["seq"];
  }
  CHECK(labelled);
  REQUIRE(eventually([&] {
    return getJson(sim, kVmis + "/cur")["status"]["launcherContainerImageVersion"] == next &&
           getJson(sim, kVmis + "/old1")["status"]["launcherContainerImageVersion"] == next;
  }, 30));
  for (const auto& rec : sim.audit())
    if (rec.value("controller", "") == "workload-updater" && rec["verb"] == "create" &&
        rec["resource"] == "virtualmachineinstancemigrations" && !firstUpdaterCreate)
      firstUpdaterCreate = rec["seq"];
  CHECK(doneSeq > 0);
  CHECK(firstUpdaterCreate > doneSeq);  // the updater's gate held during the rollout
  CHECK_FALSE(getJson(sim, kVmis + "/cur")["metadata"]["labels"].contains("kubevirt.io/outdatedLauncherImage"));
  CHECK(getJson(sim, "/_sim/rollout")["active"] == false);
}

TEST_CASE("rollout: the knob form, and daemonsets are served") {
  Sim sim(kFastArgs);
  Cluster c;
  c.knobs = {{"timeScale", 100}, {"rollout", {{"launcherImage", "quay.io/kubevirt/virt-launcher:v2.0.0"}, {"durationSeconds", "10s"}}}};
  c.load(sim);
  const std::string kvPath = "/apis/kubevirt.io/v1/namespaces/kubevirt/kubevirts/kubevirt";
  REQUIRE(eventually([&] {
    const json k = getJson(sim, kvPath);
    return k.value("/status/targetKubeVirtVersion"_json_pointer, "") == "v2.0.0" &&
           k["status"]["observedDeploymentID"] == k["status"]["targetDeploymentID"];
  }));
  const json d = getJson(sim, "/apis/apps/v1/namespaces/kubevirt/deployments/virt-controller");
  CHECK(d["spec"]["template"]["spec"]["containers"][0]["args"][1] == "quay.io/kubevirt/virt-launcher:v2.0.0");
  CHECK(sim.get("/apis/apps/v1/daemonsets").status == 200);
  bool discovered = false;
  const json apps = getJson(sim, "/apis/apps/v1");
  for (const auto& r : apps["resources"])
    if (r["name"] == "daemonsets") discovered = r["kind"] == "DaemonSet" && r["shortNames"][0] == "ds";
  CHECK(discovered);
}

namespace {

json targetPodOf(Sim& sim, const std::string& vmimUid) {
  for (const auto& p : listItems(sim, kPods))
    if (p["metadata"]["labels"].value("kubevirt.io/migrationJobUID", "") == vmimUid) return p;
  return json();
}

std::string unschedulableMessage(const json& pod) {
  if (!pod.is_object()) return "";
  for (const auto& c : pod.value("/status/conditions"_json_pointer, json::array()))
    if (c["type"] == "PodScheduled" && c["status"] == "False" && c["reason"] == "Unschedulable") return c["message"];
  return "";
}

json patchNode(Sim& sim, const std::string& node, const json& patch) {
  auto r = sim.request("PATCH", "/api/v1/nodes/" + node, patch.dump(), "application/merge-patch+json");
  REQUIRE_MESSAGE(r.status == 200, r.body);
  return r.json();
}

}  // namespace

TEST_CASE("scheduler: a target pod stays Unschedulable with the scheduler's message until a node is uncordoned") {
  Sim sim(kFastArgs);
  Cluster c(2);
  c.knobs = {{"timeScale", 100}, {"migrationDuration", "5s"}};
  c.objects[1]["spec"]["unschedulable"] = true;  // w2 cordoned
  c.vmi("vm1", "w1");
  c.load(sim);
  const std::string mig = createMigration(sim, "vm1", {{"kubevirt.io/migrationUnschedulablePodTimeoutSeconds", "3600"}});
  const std::string uid = getJson(sim, kVmims + "/" + mig)["metadata"]["uid"];
  REQUIRE(eventually([&] { return !unschedulableMessage(targetPodOf(sim, uid)).empty(); }));
  json pod = targetPodOf(sim, uid);
  CHECK(unschedulableMessage(pod) ==
        "0/2 nodes are available: 1 node(s) didn't match pod anti-affinity rules, 1 node(s) were unschedulable. "
        "preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not "
        "helpful for scheduling..");
  CHECK(pod["spec"].value("nodeName", "").empty());
  CHECK(pod["status"]["phase"] == "Pending");
  // Rendered as virt-controller renders a target pod.
  CHECK(pod["spec"]["nodeSelector"]["kubevirt.io/schedulable"] == "true");
  CHECK(pod["spec"]["affinity"]["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"][0]["topologyKey"] ==
        "kubernetes.io/hostname");
  CHECK(pod["spec"]["tolerations"].size() == 2);
  CHECK(hasEvent(sim, pod["metadata"]["name"], "FailedScheduling"));
  REQUIRE(eventually([&] { return hasEvent(sim, mig, "migrationTargetPodUnschedulable"); }));
  CHECK(phaseOf(sim, mig) == "Scheduling");

  patchNode(sim, "w2", {{"spec", {{"unschedulable", false}}}});
  REQUIRE(eventually([&] { return phaseOf(sim, mig) == "Succeeded"; }));
  CHECK(getJson(sim, kVmis + "/vm1")["status"]["nodeName"] == "w2");
  pod = getJson(sim, kPods + "/" + pod["metadata"]["name"].get<std::string>());
  CHECK(pod["spec"]["nodeName"] == "w2");
  CHECK(hasEvent(sim, pod["metadata"]["name"], "Scheduled"));
}

TEST_CASE("scheduler: addedNodeSelector no node matches, then a node gets the label; resources and taints count") {
  Sim sim(kFastArgs);
  Cluster c(3);
  c.knobs = {{"timeScale", 100}, {"migrationDuration", "5s"}};
  // w2 is tainted, w3 has room for the pod only once its allocatable is raised.
  c.objects[1]["spec"]["taints"] = {{{"key", "dedicated"}, {"value", "sap"}, {"effect", "NoSchedule"}}};
  c.objects[2]["status"]["allocatable"] = {{"cpu", "1"}, {"memory", "1Gi"}, {"pods", "110"},
                                           {"devices.kubevirt.io/kvm", "1k"}, {"devices.kubevirt.io/tun", "1k"},
                                           {"devices.kubevirt.io/vhost-net", "1k"}};
  c.vmi("vm1", "w1");
  c.load(sim);
  json m = {{"apiVersion", "kubevirt.io/v1"}, {"kind", "VirtualMachineInstanceMigration"},
            {"metadata", {{"name", "to-rack"}, {"annotations", {{"kubevirt.io/migrationUnschedulablePodTimeoutSeconds", "3600"}}}}},
            {"spec", {{"vmiName", "vm1"}, {"addedNodeSelector", {{"rack", "r7"}}}}}};
  // The fixture VMI asks for 4Gi: more than w3's 1Gi.
  auto vmi = sim.request("PATCH", kVmis + "/vm1", R"({"spec":{"domain":{"memory":{"guest":"4Gi"}}}})", "application/merge-patch+json");
  REQUIRE(vmi.status == 200);
  auto r = sim.request("POST", kVmims, m.dump());
  REQUIRE_MESSAGE(r.status == 201, r.body);
  const std::string uid = r.json()["metadata"]["uid"];
  REQUIRE(eventually([&] { return !unschedulableMessage(targetPodOf(sim, uid)).empty(); }));
  CHECK(unschedulableMessage(targetPodOf(sim, uid)) ==
        "0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: sap}, 2 node(s) didn't match Pod's node "
        "affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling..");
  patchNode(sim, "w3", {{"metadata", {{"labels", {{"rack", "r7"}}}}}});
  REQUIRE(eventually([&] { return unschedulableMessage(targetPodOf(sim, uid)).find("Insufficient memory") != std::string::npos; }));
  CHECK(unschedulableMessage(targetPodOf(sim, uid)) ==
        "0/3 nodes are available: 1 Insufficient memory, 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) "
        "had untolerated taint {dedicated: sap}. preemption: 0/3 nodes are available: 1 No preemption victims found for "
        "incoming pod, 2 Preemption is not helpful for scheduling..");
  CHECK(phaseOf(sim, "to-rack") == "Scheduling");
  auto raised = sim.request("PATCH", "/api/v1/nodes/w3/status", R"({"status":{"allocatable":{"memory":"64Gi","cpu":"16"}}})",
                            "application/merge-patch+json");
  REQUIRE_MESSAGE(raised.status == 200, raised.body);
  REQUIRE(eventually([&] { return phaseOf(sim, "to-rack") == "Succeeded"; }));
  CHECK(getJson(sim, kVmis + "/vm1")["status"]["nodeName"] == "w3");
}

TEST_CASE("kubevirt: a stale second launcher pod keeps every new migration Pending (kubevirt/kubevirt#18320)") {
  Sim sim(kFastArgs);
  Cluster c(3);
  c.knobs = {{"timeScale", 100}, {"migrationDuration", "5s"}};
  c.vmi("vm1", "w1");
  // The source pod an earlier migration left behind on w2, still Running (scenarios/controller-blockers.yaml).
  json stale = c.objects.back();
  stale["metadata"]["name"] = "virt-launcher-vm1-stale";
  stale["metadata"]["uid"] = "stale-pod";
  stale["spec"]["nodeName"] = "w2";
  c.objects.push_back(stale);
  c.load(sim);
  const std::string mig = createMigration(sim, "vm1");
  const std::string uid = getJson(sim, kVmims + "/" + mig)["metadata"]["uid"];
  // handleTargetPodCreation: VMIActivePodsCount > 1, re-enqueued every second; no target pod, no event, no condition.
  const std::string start = getJson(sim, "/_sim/clock")["now"];
  REQUIRE(eventually([&] { return getJson(sim, "/_sim/clock")["now"].get<std::string>() > start && phaseOf(sim, mig) == "Pending"; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // 150 simulated seconds
  CHECK(phaseOf(sim, mig) == "Pending");
  CHECK(targetPodOf(sim, uid).is_null());
  json m = getJson(sim, kVmims + "/" + mig);
  CHECK_FALSE(m["status"].contains("conditions"));
  for (const auto& e : eventsFor(sim, mig)) CHECK(e["type"] != "Warning");
  // Once the stale pod is gone, the same VMIM proceeds.
  REQUIRE(sim.request("DELETE", kPods + "/virt-launcher-vm1-stale").status == 200);
  REQUIRE(eventually([&] { return phaseOf(sim, mig) == "Succeeded"; }));
}

TEST_CASE("kubevirt: a stale in-flight migrationState with no VMIM is taken over by a new migration (kubevirt/kubevirt#2495)") {
  Sim sim(kFastArgs);
  Cluster c(3);
  c.knobs = {{"timeScale", 100}, {"migrationDuration", "5s"}};
  c.vmi("vm1", "w1");
  json& vmiObject = c.objects[c.objects.size() - 2];  // vmi() adds the VMI, then its pod
  REQUIRE(vmiObject["kind"] == "VirtualMachineInstance");
  // A migration that started and never finished; its VMIM no longer exists.
  vmiObject["status"]["migrationState"] = {{"migrationUid", "gone-0000"}, {"sourceNode", "w1"}, {"targetNode", "w2"},
                                                  {"targetPod", "virt-launcher-vm1-gone"}, {"startTimestamp", "2026-01-01T00:00:00Z"},
                                                  {"completed", false}, {"failed", false}};
  vmiObject["status"]["evacuationNodeName"] = "w1";
  c.load(sim);
  // IsMigrating(vmi) is true, so the evacuation controller never creates a migration for it.
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  CHECK(listItems(sim, kVmims).empty());
  // The VMIM admitter looks only at VMIMs, and canMigrateVMI lets a migration take over a state whose migration is
  // gone: the new one runs, and the hand-off replaces the VMI's migrationState.
  const std::string mig = createMigration(sim, "vm1");
  const std::string uid = getJson(sim, kVmims + "/" + mig)["metadata"]["uid"];
  REQUIRE(eventually([&] { return phaseOf(sim, mig) == "Succeeded"; }));
  json vmi = getJson(sim, kVmis + "/vm1");
  CHECK(vmi["status"]["migrationState"]["migrationUid"] == uid);
  CHECK(vmi["status"]["migrationState"]["completed"] == true);
  CHECK(vmi["status"]["nodeName"] != "w1");
}

TEST_CASE("scheduler: --placement-cases adds the generated VMIs whose target pod no node takes") {
  Sim sim({"--tick-ms", "20", "--generate", "50", "--placement-cases", "true"});
  REQUIRE(sim.request("POST", "/_sim/knobs", R"({"timeScale":100})").status == 200);
  const std::string vmims = "/apis/kubevirt.io/v1/namespaces/placement/virtualmachineinstancemigrations";
  CHECK(listItems(sim, "/apis/kubevirt.io/v1/namespaces/placement/virtualmachineinstances").size() == 7);
  json m = {{"apiVersion", "kubevirt.io/v1"}, {"kind", "VirtualMachineInstanceMigration"},
            {"metadata", {{"name", "pinned"}, {"annotations", {{"kubevirt.io/migrationUnschedulablePodTimeoutSeconds", "3600"}}}}},
            {"spec", {{"vmiName", "pinned-vm"}}}};
  auto r = sim.request("POST", vmims, m.dump());
  REQUIRE_MESSAGE(r.status == 201, r.body);
  const std::string uid = r.json()["metadata"]["uid"];
  auto message = [&] {
    for (const auto& p : listItems(sim, "/api/v1/namespaces/placement/pods"))
      if (p["metadata"]["labels"].value("kubevirt.io/migrationJobUID", "") == uid) return unschedulableMessage(p);
    return std::string();
  };
  REQUIRE(eventually([&] { return !message().empty(); }, 30));
  // 3 control-plane nodes, 3 regular workers, worker-sap-0 and worker-db-0/1.
  CHECK(message() ==
        "0/9 nodes are available: 1 node(s) didn't match pod anti-affinity rules, 1 node(s) had untolerated taint "
        "{dedicated: sap}, 2 node(s) didn't match Pod's node affinity/selector, 2 node(s) had untolerated taint "
        "{workload.example.com/pool: db}, 3 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. "
        "preemption: 0/9 nodes are available: 1 No preemption victims found for incoming pod, 8 Preemption is not "
        "helpful for scheduling..");
}

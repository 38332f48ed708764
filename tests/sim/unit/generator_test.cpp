#include <doctest/doctest.h>

#include <map>
#include <set>

#include "eviction_webhook.hpp"
#include "generator.hpp"
#include "hco_controller.hpp"
#include "launcher_template.hpp"
#include "resources.hpp"
#include "scheduler.hpp"

using nlohmann::json;

TEST_CASE("the fleet generator is deterministic") {
  auto a = sim::generateFleet(300, 42);
  auto b = sim::generateFleet(300, 42);
  auto c = sim::generateFleet(300, 43);
  REQUIRE(a.size() == b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i].resource == b[i].resource);
    CHECK(a[i].object == b[i].object);
  }
  bool differs = a.size() != c.size();
  for (size_t i = 0; !differs && i < a.size(); ++i) differs = a[i].object != c[i].object;
  CHECK(differs);
}

TEST_CASE("the generated fleet has the documented shapes") {
  sim::FleetSummary sum;
  auto objs = sim::generateFleet(1000, 7, &sum);
  CHECK(sum.vmis == 1000);
  CHECK(sum.namespaces == 4 + 2);
  std::map<std::string, std::vector<json>> by;
  std::set<std::string> keys;
  for (auto& o : objs) {
    by[o.resource->plural].push_back(o.object);
    const auto& md = o.object["metadata"];
    CHECK(keys.insert(o.resource->plural + "/" + md.value("namespace", "") + "/" + md["name"].get<std::string>()).second);
  }
  REQUIRE(by["kubevirts"].size() == 1);
  const json& kv = by["kubevirts"][0];
  CHECK(kv["metadata"]["namespace"] == "kubevirt");
  CHECK(kv["status"]["phase"] == "Deployed");
  CHECK(kv["status"]["observedDeploymentID"] == kv["status"]["targetDeploymentID"]);
  CHECK(kv["spec"]["workloadUpdateStrategy"]["workloadUpdateMethods"] == json{"LiveMigrate"});
  REQUIRE(by["hyperconvergeds"].size() == 1);
  CHECK(by["hyperconvergeds"][0]["metadata"]["namespace"] == "openshift-cnv");
  // The pair starts as the simulated HCO reconciles it: nothing to write at start-up.
  std::string error;
  auto reconciled = sim::hco::desiredKubeVirt(by["hyperconvergeds"][0], kv, &error);
  REQUIRE(reconciled);
  CHECK((*reconciled)["spec"] == kv["spec"]);
  REQUIRE(by["deployments"].size() == 1);
  const json& args = by["deployments"][0]["spec"]["template"]["spec"]["containers"][0]["args"];
  CHECK(args[0] == "--launcher-image");
  CHECK(args[1] == sim::kCurrentLauncherImage);

  const auto& vmis = by["virtualmachineinstances"];
  CHECK(vmis.size() == 1000);
  size_t outdated = 0, running = 0, notMigratable = 0, standalone = 0, withLabel = 0;
  std::set<std::string> strategies, reasons, phases;
  std::map<std::string, const json*> vmiByKey;
  for (const auto& v : vmis) {
    vmiByKey[v["metadata"]["namespace"].get<std::string>() + "/" + v["metadata"]["name"].get<std::string>()] = &v;
    const std::string phase = v["status"]["phase"];
    phases.insert(phase);
    strategies.insert(v["spec"].value("evictionStrategy", "unset"));
    if (!v["metadata"].contains("ownerReferences")) ++standalone;
    if (v["metadata"]["labels"].contains("kubevirt.io/outdatedLauncherImage")) ++withLabel;
    if (phase != "Running") continue;
    ++running;
    if (v["status"]["launcherContainerImageVersion"] == sim::kOutdatedLauncherImage) {
      ++outdated;
      CHECK(v["metadata"]["labels"].contains("kubevirt.io/outdatedLauncherImage"));
    }
    if (!sim::vmiLiveMigratable(v)) {
      ++notMigratable;
      for (const auto& c : v["status"]["conditions"])
        if (c["type"] == "LiveMigratable") reasons.insert(c["reason"].get<std::string>());
    }
  }
  CHECK(outdated > running * 6 / 10);
  CHECK(outdated < running * 8 / 10);
  CHECK(notMigratable > 0);
  CHECK(standalone > 0);
  CHECK(kv["status"]["outdatedVirtualMachineInstanceWorkloads"] == outdated);
  CHECK(phases.count("Running"));
  CHECK(phases.size() >= 3);
  CHECK(strategies == std::set<std::string>{"External", "LiveMigrate", "LiveMigrateIfPossible", "None", "unset"});
  CHECK(reasons.count("DisksNotLiveMigratable"));
  CHECK(reasons.size() >= 3);

  // Launcher pods: labels, annotation, owner and image follow the VMI.
  size_t launchers = 0;
  for (const auto& p : by["pods"]) {
    const json& md = p["metadata"];
    if (md["labels"].contains("kubevirt.io/migrationJobUID")) continue;  // migration targets
    ++launchers;
    const std::string key = md["namespace"].get<std::string>() + "/" + md["annotations"]["kubevirt.io/domain"].get<std::string>();
    REQUIRE(vmiByKey.count(key));
    const json& v = *vmiByKey[key];
    CHECK(md["name"].get<std::string>().rfind("virt-launcher-" + v["metadata"]["name"].get<std::string>() + "-", 0) == 0);
    CHECK(md["labels"]["kubevirt.io"] == "virt-launcher");
    CHECK(md["labels"]["kubevirt.io/created-by"] == v["metadata"]["uid"]);
    CHECK(md["ownerReferences"][0]["uid"] == v["metadata"]["uid"]);
    CHECK(md["ownerReferences"][0]["controller"] == true);
    if (v["status"].contains("launcherContainerImageVersion"))
      CHECK(p["spec"]["containers"][0]["image"] == v["status"]["launcherContainerImageVersion"]);
    if (v["status"]["phase"] == "Running") CHECK(p["spec"]["nodeName"] == v["status"]["nodeName"]);
  }
  CHECK(launchers > 950);
  CHECK(sum.migrations == by["virtualmachineinstancemigrations"].size());
  // VM run strategies include the legacy running: true.
  std::set<std::string> run;
  for (const auto& vm : by["virtualmachines"])
    run.insert(vm["spec"].contains("running") ? (vm["spec"]["running"] == true ? "running:true" : "running:false")
                                              : vm["spec"]["runStrategy"].get<std::string>());
  for (const char* s : {"Always", "RerunOnFailure", "Manual", "Halted", "Once", "running:true"}) CHECK(run.count(s));
  // Nodes: workers labelled as such.
  size_t workers = 0;
  for (const auto& n : by["nodes"])
    if (n["metadata"]["labels"].contains("node-role.kubernetes.io/worker")) ++workers;
  CHECK(workers >= 3);
}

TEST_CASE("generated objects have realistic sizes") {
  auto objs = sim::generateFleet(50, 1);
  for (const auto& o : objs)
    if (o.resource->plural == "virtualmachineinstances" && o.object["status"]["phase"] == "Running") {
      const size_t n = o.object.dump().size();
      CHECK(n > 1000);
      CHECK(n < 6000);
    }
}

TEST_CASE("the generated placement cases: every target pod is unschedulable for the reason its spec gives") {
  sim::FleetSummary with, without;
  auto objs = sim::generateFleet(300, 5, &with, sim::FleetOptions{true});
  auto plain = sim::generateFleet(300, 5, &without);
  CHECK(with.vmis == without.vmis + 7);
  CHECK(with.nodes == without.nodes + 3);
  // The rest of the fleet does not change: same VMIs, uids and nodes.
  std::map<std::string, std::string> a, b;
  for (const auto& o : plain)
    if (o.resource->plural == "virtualmachineinstances")
      b[o.object["metadata"]["name"]] = o.object["metadata"]["uid"].get<std::string>() + o.object["status"].value("nodeName", "");
  std::vector<json> nodes, vmis, pods;
  for (const auto& o : objs) {
    if (o.resource->plural == "nodes") nodes.push_back(o.object);
    if (o.resource->plural == "virtualmachineinstances") {
      vmis.push_back(o.object);
      if (o.object["metadata"]["namespace"] != "placement")
        a[o.object["metadata"]["name"]] = o.object["metadata"]["uid"].get<std::string>() + o.object["status"].value("nodeName", "");
    }
    if (o.resource->plural == "pods" && !o.object["spec"].value("nodeName", "").empty() &&
        o.object["status"]["phase"] != "Succeeded" && o.object["status"]["phase"] != "Failed")
      pods.push_back(o.object);
  }
  CHECK(a == b);
  std::vector<sim::sched::NodeInfo> infos;
  for (const auto& n : nodes) infos.push_back(sim::sched::nodeInfo(n));
  std::vector<sim::sched::BoundPod> bound;
  std::map<std::string, json> podOf;
  for (const auto& p : pods) {
    bound.push_back(sim::sched::boundPod(p));
    sim::sched::account(infos, bound.back());
    podOf[p["metadata"]["namespace"].get<std::string>() + "/" + p["metadata"]["annotations"]["kubevirt.io/domain"].get<std::string>()] = p;
  }
  // Every node has room for what is bound to it.
  for (const auto& n : infos)
    for (const auto& [res, used] : n.requested) CHECK_MESSAGE(used <= n.allocatable.at(res), n.name << " " << res);
  auto target = [&](const json& vmi) {
    const std::string key = vmi["metadata"]["namespace"].get<std::string>() + "/" + vmi["metadata"]["name"].get<std::string>();
    json sourceNode;
    for (const auto& n : nodes)
      if (n["metadata"]["name"] == vmi["status"]["nodeName"]) sourceNode = n;
    const json vmim = {{"metadata", {{"name", "m"}, {"uid", "mig"}}}, {"spec", {{"vmiName", vmi["metadata"]["name"]}}}};
    std::string error;
    json pod = sim::kv::migrationTargetPod(vmi, vmim, podOf[key], sourceNode, sim::kCurrentLauncherImage, &error);
    REQUIRE(error.empty());
    return sim::sched::schedule(pod, infos, bound);
  };
  const std::map<std::string, std::string> why = {
      {"pinned-vm", "1 node(s) didn't match pod anti-affinity rules"},
      {"affinity-vm", "1 node(s) didn't match pod anti-affinity rules"},
      {"sap-vm", "1 node(s) didn't match pod anti-affinity rules"},
      {"hostmodel-vm", "1 node(s) didn't match pod anti-affinity rules"},
      {"hugepages-vm", "Insufficient hugepages-1Gi"},
      {"db-primary", "2 Insufficient memory"},
      {"db-replica", "2 Insufficient memory"}};
  size_t regularScheduled = 0, regularTried = 0;
  for (const auto& v : vmis) {
    if (v["status"]["phase"] != "Running" || !sim::vmiLiveMigratable(v)) continue;
    const auto d = target(v);
    if (v["metadata"]["namespace"] == "placement") {
      const std::string name = v["metadata"]["name"];
      CHECK_MESSAGE(d.node.empty(), name << " would go to " << d.node);
      CHECK_MESSAGE(d.message.find(why.at(name)) != std::string::npos, name << ": " << d.message);
    } else if (regularTried < 40) {
      ++regularTried;
      if (!d.node.empty()) ++regularScheduled;
    }
  }
  CHECK(regularTried == 40);
  CHECK(regularScheduled == regularTried);  // an ordinary VMI's target pod always finds a node
}

#include <doctest/doctest.h>

#include "eviction.hpp"
#include "eviction_webhook.hpp"

using nlohmann::json;
using Kind = sim::WebhookDecision::Kind;

namespace {

json launcher(const std::string& node = "w1", const std::string& phase = "Running") {
  return {{"metadata", {{"name", "virt-launcher-vm1-abcde"}, {"namespace", "ns"},
                        {"labels", {{"kubevirt.io", "virt-launcher"}}},
                        {"annotations", {{"kubevirt.io/domain", "vm1"}}}}},
          {"spec", {{"nodeName", node}}},
          {"status", {{"phase", phase}}}};
}

json vmi(const std::string& strategy, bool migratable, const std::string& node = "w1") {
  json v = {{"metadata", {{"name", "vm1"}, {"namespace", "ns"}}},
            {"spec", json::object()},
            {"status", {{"nodeName", node},
                        {"conditions", {{{"type", "LiveMigratable"}, {"status", migratable ? "True" : "False"}}}}}}};
  if (!strategy.empty()) v["spec"]["evictionStrategy"] = strategy;
  return v;
}

sim::WebhookDecision decide(json pod, std::optional<json> v, const std::string& cluster = "") {
  sim::WebhookInput in;
  in.pod = std::move(pod);
  in.vmi = std::move(v);
  in.clusterEvictionStrategy = cluster;
  return sim::decideEviction(in);
}

}  // namespace

TEST_CASE("eviction webhook decision table (kubevirt-workload-update.md 4.1)") {
  SUBCASE("pods that are not virt-launcher are allowed") {
    json pod = launcher();
    pod["metadata"]["labels"].erase("kubevirt.io");
    CHECK(decide(pod, vmi("LiveMigrate", true)).kind == Kind::Allow);
  }
  SUBCASE("finished launchers are allowed") {
    CHECK(decide(launcher("w1", "Succeeded"), vmi("LiveMigrate", false)).kind == Kind::Allow);
    CHECK(decide(launcher("w1", "Failed"), vmi("LiveMigrate", false)).kind == Kind::Allow);
  }
  SUBCASE("no domain annotation: allowed") {
    json pod = launcher();
    pod["metadata"].erase("annotations");
    CHECK(decide(pod, std::nullopt).kind == Kind::Allow);
  }
  SUBCASE("VMI missing: denied") { CHECK(decide(launcher(), std::nullopt).kind == Kind::Deny); }
  SUBCASE("no strategy anywhere, or None: allowed") {
    CHECK(decide(launcher(), vmi("", true)).kind == Kind::Allow);
    CHECK(decide(launcher(), vmi("None", true), "LiveMigrate").kind == Kind::Allow);
    CHECK(decide(launcher(), vmi("", true), "None").kind == Kind::Allow);
  }
  SUBCASE("LiveMigrate") {
    auto d = decide(launcher(), vmi("LiveMigrate", true));
    CHECK(d.kind == Kind::Mark);
    CHECK(d.evacuationNode == "w1");
    CHECK(d.message == "Eviction triggered evacuation of VMI \"ns/vm1\"");
    auto deny = decide(launcher(), vmi("LiveMigrate", false));
    CHECK(deny.kind == Kind::Deny);
    CHECK(deny.message == "VMI vm1 is configured with an eviction strategy but is not live-migratable");
  }
  SUBCASE("cluster default applies when the VMI has none") {
    CHECK(decide(launcher(), vmi("", true), "LiveMigrate").kind == Kind::Mark);
    CHECK(decide(launcher(), vmi("", false), "LiveMigrate").kind == Kind::Deny);
  }
  SUBCASE("LiveMigrateIfPossible") {
    CHECK(decide(launcher(), vmi("LiveMigrateIfPossible", true)).kind == Kind::Mark);
    CHECK(decide(launcher(), vmi("LiveMigrateIfPossible", false)).kind == Kind::Allow);
  }
  SUBCASE("External always marks") {
    CHECK(decide(launcher(), vmi("External", false)).kind == Kind::Mark);
  }
  SUBCASE("evacuation already in progress") {
    json v = vmi("LiveMigrate", true);
    v["status"]["evacuationNodeName"] = "w1";
    auto d = decide(launcher(), v);
    CHECK(d.kind == Kind::Deny);
    CHECK(d.message == "Evacuation in progress: Eviction triggered evacuation of VMI \"ns/vm1\"");
  }
  SUBCASE("target pod of a migration") {
    auto d = decide(launcher("w2"), vmi("LiveMigrate", true, "w1"));
    CHECK(d.kind == Kind::Deny);
    CHECK(d.message == "Eviction request for target Pod");
  }
  SUBCASE("an absent LiveMigratable condition is not migratable") {
    json v = vmi("LiveMigrate", true);
    v["status"].erase("conditions");
    CHECK(decide(launcher(), v).kind == Kind::Deny);
  }
  SUBCASE("descheduler evictions are flagged") {
    sim::WebhookInput in;
    in.pod = launcher();
    in.vmi = vmi("LiveMigrate", true);
    in.evictionAnnotations = {{"requested-by", "sigs.k8s.io/descheduler"}};
    CHECK(sim::decideEviction(in).fromDescheduler);
  }
  SUBCASE("hotplug pods") {
    json pod = launcher();
    pod["metadata"]["labels"]["kubevirt.io"] = "hotplug-disk";
    sim::WebhookInput in;
    in.pod = pod;
    in.hotplugOwnerLiveWithVmi = true;
    CHECK(sim::decideEviction(in).kind == Kind::Deny);
    in.hotplugOwnerLiveWithVmi = false;
    CHECK(sim::decideEviction(in).kind == Kind::Allow);
  }
}

TEST_CASE("PodDisruptionBudget arithmetic") {
  auto pod = [](const std::string& phase, bool ready) {
    return json{{"metadata", {{"labels", {{"app", "x"}}}}},
                {"status", {{"phase", phase}, {"conditions", {{{"type", "Ready"}, {"status", ready ? "True" : "False"}}}}}}};
  };
  json pdb = {{"spec", {{"minAvailable", 2}, {"selector", {{"matchLabels", {{"app", "x"}}}}}}}};
  std::vector<json> pods = {pod("Running", true), pod("Running", true), pod("Running", false)};
  CHECK(sim::pdbSelects(pdb, pods[0]));
  auto v = sim::evaluatePdb(pdb, pods);
  CHECK(v.expected == 3);
  CHECK(v.healthy == 2);
  CHECK(v.disruptionsAllowed == 0);
  pdb["spec"].erase("minAvailable");
  pdb["spec"]["maxUnavailable"] = "50%";
  v = sim::evaluatePdb(pdb, pods);
  CHECK(v.desiredHealthy == 1);
  CHECK(v.disruptionsAllowed == 1);
  json none = {{"spec", {{"minAvailable", 1}}}};
  CHECK_FALSE(sim::pdbSelects(none, pods[0]));
  json all = {{"spec", {{"minAvailable", 1}, {"selector", json::object()}}}};
  CHECK(sim::pdbSelects(all, pods[0]));
}

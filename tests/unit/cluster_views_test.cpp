#include <doctest/doctest.h>

#include "cluster/label_selector.hpp"
#include "cluster/object_views.hpp"
#include "cluster/plan_config_source.hpp"
#include "cluster/view_decoder.hpp"

using namespace wu::cluster;

TEST_CASE("a VMI decodes into the fields the workload updater reads") {
  Snapshot s;
  decode_object(R"({"apiVersion":"kubevirt.io/v1","kind":"VirtualMachineInstance",
    "metadata":{"name":"db","namespace":"prod","uid":"u1","labels":{"kubevirt.io/outdatedLauncherImage":"","app":"db"},
      "annotations":{"kubevirt.io/testWorkloadUpdateMigrationAbortion":""},
      "ownerReferences":[{"kind":"VirtualMachine","name":"db","uid":"v1","controller":true}]},
    "spec":{"evictionStrategy":"LiveMigrate","domain":{"devices":{}}},
    "status":{"phase":"Running","nodeName":"n1","launcherContainerImageVersion":"img:old",
      "conditions":[{"type":"LiveMigratable","status":"False","reason":"DisksNotLiveMigratable","message":"m"},
                    {"type":"HotVCPUChange","status":"False"},{"type":"HotMemoryChange","status":"False"},
                    {"type":"MigrationRequired","status":"True"}],
      "migrationState":{"startTimestamp":"2026-11-28T10:00:00Z","endTimestamp":"2026-11-28T10:05:00.123+01:00",
                        "sourceNode":"n0","targetNodeDomainReadyTimestamp":"2026-11-28T10:01:00Z"},
      "migratedVolumes":[{"volumeName":"x"}]}})",
                ViewKind::Vmi, s);
  REQUIRE(s.vmis.size() == 1);
  const Vmi& v = s.vmis[0];
  CHECK(v.namespace_ == "prod");
  CHECK(v.owner_vm == "db");
  CHECK(v.outdated_label);
  CHECK(v.abort_annotation);
  CHECK(v.eviction_strategy == "LiveMigrate");
  CHECK(v.live_migratable == "False");
  CHECK(v.live_migratable_reason == "DisksNotLiveMigratable");
  CHECK(v.hot_vcpu_change);      // present with any status
  CHECK_FALSE(v.hot_memory_change);  // only True counts
  CHECK(v.migration_required);
  CHECK(v.target_domain_ready);
  CHECK(v.has_migrated_volumes);
  CHECK(v.migration_source_node == "n0");
  CHECK(v.migration_end - v.migration_start == 300 - 3600);  // +01:00 offset
  CHECK(v.labels.size() == 2);
}

TEST_CASE("VM runStrategy: running true is Always; false or unset is Halted") {
  Snapshot s;
  decode_object(R"({"metadata":{"name":"a","namespace":"n"},"spec":{"running":true}})", ViewKind::Vm, s);
  decode_object(R"({"metadata":{"name":"b","namespace":"n"},"spec":{"running":false}})", ViewKind::Vm, s);
  decode_object(R"({"metadata":{"name":"c","namespace":"n"},"spec":{}})", ViewKind::Vm, s);
  decode_object(R"({"metadata":{"name":"d","namespace":"n"},"spec":{"runStrategy":"RerunOnFailure"}})", ViewKind::Vm, s);
  decode_object(R"({"metadata":{"name":"e","namespace":"n"},"spec":{"runStrategy":"Always","running":false}})",
                ViewKind::Vm, s);
  CHECK(s.vms[0].run_strategy == "Always");
  CHECK(s.vms[1].run_strategy == "Halted");
  CHECK(s.vms[2].run_strategy == "Halted");
  CHECK(s.vms[3].run_strategy == "RerunOnFailure");
  CHECK(s.vms[4].run_strategy_conflict);
}

TEST_CASE("list pages: only virt-launcher pods are kept; malformed JSON is a clear error") {
  Snapshot s;
  decode_list_page(R"({"kind":"PodList","items":[
     {"metadata":{"name":"virt-launcher-a-x","namespace":"n","labels":{"kubevirt.io":"virt-launcher"},
       "annotations":{"kubevirt.io/domain":"a"}},"spec":{"nodeName":"n1","containers":[{"name":"compute","image":"i"}]},
       "status":{"phase":"Running"}},
     {"metadata":{"name":"nginx","namespace":"n"},"spec":{}}],"metadata":{"continue":""}})",
                   ViewKind::Pod, s);
  REQUIRE(s.pods.size() == 1);
  CHECK(s.pods[0].vmi_name == "a");
  CHECK(s.pods[0].compute_image == "i");
  CHECK_THROWS_AS(decode_list_page("{\"items\": [", ViewKind::Vmi, s), DecodeError);
}

TEST_CASE("VMIM: update and evacuation annotations, failure time") {
  Snapshot s;
  decode_object(R"({"metadata":{"name":"m","namespace":"n","annotations":{"kubevirt.io/workloadUpdateMigration":""},
     "creationTimestamp":"2026-11-28T10:00:00Z"},"spec":{"vmiName":"a"},
     "status":{"phase":"Failed","phaseTransitionTimestamps":[{"phase":"Failed","phaseTransitionTimestamp":"2026-11-28T10:02:00Z"}],
       "migrationState":{"failureReason":"target pod unschedulable"}}})",
                ViewKind::Vmim, s);
  REQUIRE(s.vmims.size() == 1);
  CHECK(s.vmims[0].workload_update);
  CHECK_FALSE(s.vmims[0].evacuation);
  CHECK(s.vmims[0].failed_at - s.vmims[0].created == 120);
  CHECK(s.vmims[0].failure_reason == "target pod unschedulable");
}

TEST_CASE("virt-controller's --launcher-image, as one argument or two") {
  nlohmann::json d = nlohmann::json::parse(R"({"spec":{"template":{"spec":{"containers":[{"name":"virt-controller",
      "args":["--port","8443","--launcher-image","registry/virt-launcher:v1.9.0"]}]}}}})");
  CHECK(launcher_image_from_deployment(d) == "registry/virt-launcher:v1.9.0");
  d["spec"]["template"]["spec"]["containers"][0]["args"] = {"--launcher-image=registry/l:v2"};
  CHECK(launcher_image_from_deployment(d) == "registry/l:v2");
}

TEST_CASE("label selectors") {
  Labels l{{"app", "db"}, {"tier", "gold"}};
  CHECK(LabelSelector::parse("app=db").matches(l));
  CHECK(LabelSelector::parse("app==db,tier").matches(l));
  CHECK_FALSE(LabelSelector::parse("app!=db").matches(l));
  CHECK(LabelSelector::parse("tier in (gold, silver)").matches(l));
  CHECK_FALSE(LabelSelector::parse("tier notin (gold)").matches(l));
  CHECK(LabelSelector::parse("!missing").matches(l));
  CHECK_FALSE(LabelSelector::parse("missing").matches(l));
  CHECK(LabelSelector::parse("").matches(l));
  CHECK_THROWS_AS(LabelSelector::parse("app in db"), SelectorError);
  CHECK_THROWS_AS(LabelSelector::parse("a b=c"), SelectorError);
}

TEST_CASE("plan configuration: the KubeVirt CR, as virt-controller reads it; HCO only without one") {
  Snapshot none;
  auto d = plan_config_from(none, {});
  CHECK(d.config.methods.empty());
  CHECK(d.config.parallel_outbound_migrations_per_node == 2u);

  Snapshot kv;
  kv.kubevirt_objects.push_back(nlohmann::json::parse(R"({"apiVersion":"kubevirt.io/v1","kind":"KubeVirt",
     "metadata":{"name":"kubevirt","namespace":"kubevirt"},
     "spec":{"workloadUpdateStrategy":{"workloadUpdateMethods":["LiveMigrate","Evict"],"batchEvictionSize":3},
             "configuration":{"evictionStrategy":"LiveMigrate","migrations":{"parallelMigrationsPerCluster":9}}}})"));
  auto k = plan_config_from(kv, {});
  CHECK(k.from == "KubeVirt kubevirt/kubevirt");
  CHECK(k.config.methods == std::vector<std::string>{"LiveMigrate", "Evict"});
  CHECK(k.config.batch_eviction_size == 3);
  CHECK(k.config.parallel_migrations_per_cluster == 9u);
  CHECK(k.config.parallel_outbound_migrations_per_node == 2u);
  CHECK(k.config.cluster_eviction_strategy == "LiveMigrate");

  Snapshot both = kv;
  both.hyperconverged_objects.push_back(nlohmann::json::parse(R"({"apiVersion":"hco.kubevirt.io/v1beta1",
     "kind":"HyperConverged","metadata":{"name":"kubevirt-hyperconverged","namespace":"openshift-cnv"},
     "spec":{"liveMigrationConfig":{"parallelOutboundMigrationsPerNode":1}}})"));
  auto h = plan_config_from(both, {});
  CHECK(h.from == "KubeVirt kubevirt/kubevirt");  // what KubeVirt acts on, whatever the HCO says
  CHECK(h.config.methods == std::vector<std::string>{"LiveMigrate", "Evict"});
  CHECK(h.config.batch_eviction_size == 3);
  CHECK(h.config.parallel_migrations_per_cluster == 9u);
  CHECK(h.config.parallel_outbound_migrations_per_node == 2u);
  // ... and every field where the HyperConverged CR says otherwise is a KubeVirtDrift warning.
  auto drift = [&](const std::string& path) {
    for (const auto& w : h.warnings)
      if (w.code == "KubeVirtDrift" && w.path == path) return true;
    return false;
  };
  CHECK(drift("spec.workloadUpdateStrategy.workloadUpdateMethods"));
  CHECK(drift("spec.workloadUpdateStrategy.batchEvictionSize"));
  CHECK(drift("spec.configuration.migrations.parallelOutboundMigrationsPerNode"));
  CHECK(drift("spec.workloadUpdateStrategy.batchEvictionInterval"));  // HCO writes 1m0s; this CR holds none
  for (const auto& w : h.warnings) CHECK(w.hint.find("jsonpatch") == std::string::npos);
  Snapshot patched = both;
  patched.hyperconverged_objects[0]["metadata"]["annotations"] = {
      {"kubevirt.kubevirt.io/jsonpatch", R"([{"op":"add","path":"/spec/workloadUpdateStrategy/batchEvictionSize","value":3}])"}};
  auto j = plan_config_from(patched, {});
  REQUIRE_FALSE(j.warnings.empty());
  CHECK(j.warnings.front().hint.find("kubevirt.kubevirt.io/jsonpatch") != std::string::npos);

  // Without a KubeVirt CR: the HyperConverged CR with HCO's defaults, and it says so.
  Snapshot hco_only = both;
  hco_only.kubevirt_objects.clear();
  auto o = plan_config_from(hco_only, {});
  CHECK(o.from == "HyperConverged openshift-cnv/kubevirt-hyperconverged (no KubeVirt CR found)");
  CHECK(o.config.methods == std::vector<std::string>{"LiveMigrate"});  // HCO's default
  CHECK(o.config.batch_eviction_size == 10);
  CHECK(o.config.parallel_migrations_per_cluster == 5u);
  CHECK(o.config.parallel_outbound_migrations_per_node == 1u);
  REQUIRE(o.warnings.size() == 1);
  CHECK(o.warnings[0].code == "NoKubeVirtCR");

  ConfigOverrides what_if;
  what_if.methods = std::vector<std::string>{"Evict"};
  what_if.parallel_migrations_per_cluster = 0;
  what_if.eviction_strategy = "External";
  auto w = plan_config_from(both, what_if);
  CHECK(w.config.methods == std::vector<std::string>{"Evict"});
  CHECK(w.config.parallel_migrations_per_cluster == 0u);
  CHECK(w.config.cluster_eviction_strategy == "External");
}

#include "cluster/list_item_stream.hpp"

TEST_CASE("list responses split into items however the bytes arrive") {
  const std::string body =
      R"({"apiVersion":"v1","items":[{"a":"x,}]{","b":{"c":[1,2,{"d":"\"}"}]}},{"e":"\\"},{}],)"
      R"("kind":"List","metadata":{"continue":"tok\"1","resourceVersion":"42","remainingItemCount":3}})";
  for (std::size_t chunk : {std::size_t(1), std::size_t(3), std::size_t(7), body.size()}) {
    std::vector<std::string> items;
    ListItemStream stream([&](std::string_view item) { items.emplace_back(item); });
    for (std::size_t i = 0; i < body.size(); i += chunk) stream.feed(std::string_view(body).substr(i, chunk));
    REQUIRE(items.size() == 3);
    CHECK(items[0] == R"({"a":"x,}]{","b":{"c":[1,2,{"d":"\"}"}]}})");
    CHECK(items[1] == R"({"e":"\\"})");
    CHECK(items[2] == "{}");
    CHECK(stream.continue_token() == "tok\"1");
    CHECK(stream.resource_version() == "42");
    CHECK(stream.complete());
  }
  ListItemStream cut([](std::string_view) {});
  cut.feed(body.substr(0, body.size() / 2));
  CHECK_FALSE(cut.complete());
  // Metadata before the items (built-in kinds) works too.
  std::vector<std::string> items;
  ListItemStream first([&](std::string_view item) { items.emplace_back(item); });
  first.feed(R"({"kind":"PodList","metadata":{"resourceVersion":"7"},"items":[{"x":1}]})");
  CHECK(items.size() == 1);
  CHECK(first.resource_version() == "7");
  CHECK(first.continue_token().empty());
}

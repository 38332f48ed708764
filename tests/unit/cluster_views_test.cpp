#include <doctest/doctest.h>

#include "cluster/config_objects.hpp"
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

TEST_CASE("a VMI decodes the facts the migratability checks read, status before spec or after") {
  Snapshot s;
  // status first: the volumes are joined with their volumeStatus once the whole object is read.
  decode_object(R"({"kind":"VirtualMachineInstance",
    "status":{"phase":"Running",
      "conditions":[{"type":"LiveMigratable","status":"False","reason":"InterfaceNotLiveMigratable","message":"m1"}],
      "volumeStatus":[{"name":"root","persistentVolumeClaimInfo":{"claimName":"web-root","accessModes":["ReadWriteOnce"]}},
                      {"name":"dv","persistentVolumeClaimInfo":{"claimName":"web-dv","accessModes":["ReadWriteMany"]}},
                      {"name":"rox","persistentVolumeClaimInfo":{"claimName":"web-rox","accessModes":["ReadOnlyMany"]}},
                      {"name":"hd2","persistentVolumeClaimInfo":{"claimName":"pvc-behind","accessModes":["ReadWriteOnce"]}},
                      {"name":"cd"}],
      "migratedVolumes":[{"volumeName":"root"}],
      "topologyHints":{"tscFrequency":2400000000}},
    "metadata":{"name":"web","namespace":"prod","annotations":{"kubevirt.io/allow-pod-bridge-network-live-migration":""}},
    "spec":{"architecture":"s390x",
      "networks":[{"name":"blue","multus":{"networkName":"blue"}},{"name":"default","pod":{}},{"name":"other","pod":{}}],
      "domain":{"launchSecurity":{"sev":{}},
        "cpu":{"model":"host-model","features":[{"name":"invtsc","policy":"optional"}]},
        "features":{"hyperv":{"reenlightenment":{"enabled":true}},"hypervPassthrough":{"enabled":true}},
        "devices":{"interfaces":[{"name":"blue","sriov":{}},{"name":"default","bridge":{},"model":"virtio"}],
                   "hostDevices":[{"name":"hd1","deviceName":"intel.com/qat"}],
                   "gpus":[{"name":"g1","deviceName":"nvidia.com/T4"}],
                   "disks":[{"name":"root","disk":{}},{"name":"cd","cdrom":{}}]}},
      "volumes":[{"name":"root","persistentVolumeClaim":{"claimName":"web-root"}},
                 {"name":"dv","dataVolume":{"name":"web-dv"}},
                 {"name":"rox","persistentVolumeClaim":{"claimName":"web-rox","readOnly":true}},
                 {"name":"nostatus","persistentVolumeClaim":{"claimName":"web-nostatus"}},
                 {"name":"hd","hostDisk":{"path":"/d","type":"Disk","shared":true}},
                 {"name":"hd2","hostDisk":{"path":"/e","type":"DiskOrCreate"}},
                 {"name":"hd3","hostDisk":{"path":"/f","type":"Disk"}},
                 {"name":"cd","containerDisk":{"image":"img"}},
                 {"name":"ci","cloudInitNoCloud":{"userData":"x"}}]}})",
                ViewKind::Vmi, s);
  REQUIRE(s.vmis.size() == 1);
  const Vmi& v = s.vmis[0];
  CHECK(v.live_migratable_message == "m1");
  CHECK(v.bridge_migration_allowed);
  CHECK(v.s390x);
  CHECK(v.launch_security);
  CHECK(v.sev);
  CHECK_FALSE(v.tdx);
  CHECK_FALSE(v.invtsc_required);  // optional is not require/force
  CHECK(v.hyperv_reenlightenment);
  CHECK(v.hyperv_passthrough);
  CHECK(v.tsc_frequency_hint);
  CHECK(v.pod_binding == PodBinding::Bridge);  // the first network with `pod` is "default"
  REQUIRE(v.host_devices.size() == 2);  // hostDevices, then gpus
  CHECK((v.host_devices[0].name == "hd1" && v.host_devices[0].device_name == "intel.com/qat" && !v.host_devices[0].gpu));
  CHECK((v.host_devices[1].name == "g1" && v.host_devices[1].device_name == "nvidia.com/T4" && v.host_devices[1].gpu));
  // The ReadWriteMany DataVolume passes every check and is not kept; containerDisk and cloudInit are
  // not PVCs or hostDisks.
  REQUIRE(v.migration_volumes.size() == 6);
  using K = MigrationVolume::Kind;
  const auto& m = v.migration_volumes;
  CHECK((m[0].name == "web-root" && m[0].kind == K::Claim && m[0].claim_info && !m[0].shared && m[0].migrated));
  CHECK((m[1].name == "web-rox" && m[1].claim_info && !m[1].shared));  // ReadOnlyMany is not shared
  CHECK((m[2].name == "web-nostatus" && !m[2].claim_info));
  CHECK((m[3].name == "hd" && m[3].kind == K::HostDisk && m[3].host_disk_shared && !m[3].claim_info));
  CHECK((m[4].name == "pvc-behind" && m[4].kind == K::HostDisk && m[4].claim_info && !m[4].shared));
  CHECK((m[5].name == "hd3" && !m[5].host_disk_shared));
}

TEST_CASE("a VMI's pod network: a plugin binding, a missing interface, no interfaces at all") {
  Snapshot s;
  decode_object(R"({"metadata":{"name":"a"},"spec":{"networks":[{"name":"default","pod":{}}],
    "domain":{"devices":{"interfaces":[{"name":"default","binding":{"name":"l2bridge"}}]}}}})", ViewKind::Vmi, s);
  decode_object(R"({"metadata":{"name":"b"},"spec":{"networks":[{"name":"default","pod":{}}],
    "domain":{"devices":{"interfaces":[{"name":"other","masquerade":{}}]}}}})", ViewKind::Vmi, s);
  decode_object(R"({"metadata":{"name":"c"},"spec":{"networks":[{"name":"default","pod":{}}],
    "domain":{"devices":{}}}})", ViewKind::Vmi, s);
  decode_object(R"({"metadata":{"name":"d"},"spec":{"networks":[{"name":"default","pod":{}}],
    "domain":{"launchSecurity":{"tdx":{}},"cpu":{"features":[{"name":"invtsc","policy":"require"}]},
      "devices":{"interfaces":[{"name":"default","masquerade":null,"passtBinding":{}}]}}}})", ViewKind::Vmi, s);
  decode_object(R"({"metadata":{"name":"e"},"spec":{"networks":[{"name":"default","pod":{}}],
    "domain":{"devices":{"interfaces":[{"name":"default","sriov":{}}]}}}})", ViewKind::Vmi, s);
  REQUIRE(s.vmis.size() == 5);
  CHECK(s.vmis[4].pod_binding == PodBinding::Other);
  CHECK(s.vmis[4].pod_binding_name == "sriov");
  CHECK(s.vmis[0].pod_binding == PodBinding::Plugin);
  CHECK(s.vmis[0].pod_binding_name == "l2bridge");
  CHECK(s.vmis[1].pod_binding == PodBinding::Missing);  // no interface for the pod network
  CHECK(s.vmis[1].pod_binding_name == "default");
  CHECK(s.vmis[2].pod_binding == PodBinding::None);     // no interfaces: nothing to check
  CHECK(s.vmis[3].pod_binding == PodBinding::Masquerade);  // passtBinding; a null masquerade is none
  CHECK(s.vmis[3].pod_binding_name.empty());
  CHECK(s.vmis[3].tdx);
  CHECK_FALSE(s.vmis[3].sev);
  CHECK(s.vmis[3].invtsc_required);
  CHECK_FALSE(s.vmis[3].s390x);
}

TEST_CASE("the KubeVirt CR's configuration the migratability checks read") {
  Snapshot s;
  CHECK(add_object(s, nlohmann::json::parse(R"({"kind":"KubeVirt","metadata":{"name":"kv","namespace":"kubevirt"},
    "spec":{"configuration":{"developerConfiguration":{"featureGates":["VGPULiveMigration","Snapshot"]},
      "permittedHostDevices":{"mediatedDevices":[{"mdevNameSelector":"GRID T4-1Q","resourceName":"nvidia.com/GRID_T4-1Q"}]},
      "network":{"binding":{"l2bridge":{"domainAttachmentType":"managedTap","migration":{}},
                            "passt":{"sidecarImage":"x"}}}}}})")));
  REQUIRE(s.kubevirts.size() == 1);
  const KubeVirtCr& kv = s.kubevirts[0];
  CHECK(kv.feature_gates == std::vector<std::string>{"VGPULiveMigration", "Snapshot"});
  CHECK(kv.mediated_devices == std::vector<std::string>{"nvidia.com/GRID_T4-1Q"});
  CHECK(kv.migratable_bindings == std::vector<std::string>{"l2bridge"});
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
  edit_config_objects(kv).kubevirts.push_back(nlohmann::json::parse(R"({"apiVersion":"kubevirt.io/v1","kind":"KubeVirt",
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
  edit_config_objects(both).hyperconvergeds.push_back(nlohmann::json::parse(R"({"apiVersion":"hco.kubevirt.io/v1beta1",
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
  edit_config_objects(patched).hyperconvergeds[0]["metadata"]["annotations"] = {
      {"kubevirt.kubevirt.io/jsonpatch", R"([{"op":"add","path":"/spec/workloadUpdateStrategy/batchEvictionSize","value":3}])"}};
  auto j = plan_config_from(patched, {});
  REQUIRE_FALSE(j.warnings.empty());
  CHECK(j.warnings.front().hint.find("kubevirt.kubevirt.io/jsonpatch") != std::string::npos);

  // Without a KubeVirt CR: the HyperConverged CR with HCO's defaults, and it says so.
  Snapshot hco_only = both;
  edit_config_objects(hco_only).kubevirts.clear();
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

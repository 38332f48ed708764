// The views behind the controller blockers, the migration estimate and the disruption budgets: what is
// decoded from VMIs, pods, MigrationPolicies, PodDisruptionBudgets, Namespaces and the KubeVirt CR, and
// what a dump says it holds.
#include <doctest/doctest.h>

#include <cmath>

#include "cluster/object_views.hpp"
#include "cluster/snapshot_loader.hpp"
#include "cluster/view_decoder.hpp"
#include "strategy/quantity.hpp"

using namespace wu::cluster;

TEST_CASE("quantities as values: binary and decimal suffixes, exponents, refusals") {
  using wu::strategy::quantity_value;
  CHECK(*quantity_value("8Gi") == 8589934592.0);
  CHECK(*quantity_value("64Mi") == 67108864.0);
  CHECK(*quantity_value("1G") == 1e9);
  CHECK(*quantity_value("500m") == 0.5);
  CHECK(*quantity_value("1.5Gi") == 1610612736.0);
  CHECK(*quantity_value("2e3") == 2000.0);
  CHECK(*quantity_value("0") == 0.0);
  CHECK(*quantity_value("0e999") == 0.0);
  CHECK(std::isinf(*quantity_value("9e999")));  // a number, but no size: callers bound it
  CHECK_FALSE(quantity_value("8GB"));
  CHECK_FALSE(quantity_value(""));
}

TEST_CASE("a VMI decodes its memory, utility volumes and backup in progress") {
  Snapshot s;
  decode_object(R"({"kind":"VirtualMachineInstance","metadata":{"name":"a","namespace":"ns"},
    "spec":{"domain":{"memory":{"guest":"4Gi"},"resources":{"requests":{"memory":"8Gi"}}},
            "utilityVolumes":[{"name":"backup-target","persistentVolumeClaim":{"claimName":"t"}}]},
    "status":{"changedBlockTracking":{"state":"Enabled","backupStatus":{"backupName":"nightly","completed":false}}}})",
                ViewKind::Vmi, s);
  decode_object(R"({"kind":"VirtualMachineInstance","metadata":{"name":"b","namespace":"ns"},
    "spec":{"domain":{"resources":{"requests":{"memory":"2G"}}}},
    "status":{"changedBlockTracking":{"backupStatus":{"backupName":"done","completed":true}}}})",
                ViewKind::Vmi, s);
  REQUIRE(s.vmis.size() == 2);
  CHECK(s.vmis[0].memory_bytes == 4LL << 30);  // the guest memory overrides the request
  CHECK(s.vmis[0].utility_volumes == std::vector<std::string>{"backup-target"});
  CHECK(s.vmis[0].backup_in_progress == "nightly");
  CHECK(s.vmis[1].memory_bytes == 2000000000);
  CHECK(s.vmis[1].backup_in_progress.empty());  // completed
  CHECK(s.vmis[1].utility_volumes.empty());
}

TEST_CASE("live views keep only the labels some selector names") {
  Snapshot s;
  s.keep_vmi_labels = false;
  s.keep_pod_labels = false;
  s.vmi_label_keys = {"tier"};
  s.pod_label_keys = {"app"};
  decode_object(R"({"kind":"VirtualMachineInstance","metadata":{"name":"a","namespace":"ns",
    "labels":{"tier":"gold","other":"x"}}})",
                ViewKind::Vmi, s);
  decode_object(R"({"kind":"VirtualMachineInstance","metadata":{"name":"b","namespace":"ns","labels":{"other":"x"}}})",
                ViewKind::Vmi, s);
  decode_object(R"({"kind":"Pod","metadata":{"name":"p","namespace":"ns",
    "labels":{"kubevirt.io":"virt-launcher","app":"erp","kubevirt.io/created-by":"u"}}})",
                ViewKind::Pod, s);
  REQUIRE(s.vmis.size() == 2);
  CHECK(s.vmis[0].labels == Labels{{"tier", "gold"}});
  CHECK(s.vmis[1].labels.empty());
  CHECK(s.vmis[1].has_labels);  // matchPolicy looks at whether there are labels at all
  REQUIRE(s.pods.size() == 1);
  CHECK(s.pods[0].labels == Labels{{"app", "erp"}});
}

TEST_CASE("MigrationPolicy, PodDisruptionBudget, Namespace and the KubeVirt CR's migrations from JSON") {
  const auto policy = migration_policy_from_json(nlohmann::json::parse(R"({"kind":"MigrationPolicy",
    "metadata":{"name":"gold"},
    "spec":{"selectors":{"virtualMachineInstanceSelector":{"tier":"gold"},"namespaceSelector":{"env":"prod"}},
            "bandwidthPerMigration":"64Mi","completionTimeoutPerGiB":30,"allowPostCopy":true}})"));
  CHECK(policy.name == "gold");
  CHECK(policy.has_selectors);
  CHECK(policy.vmi_selector == Labels{{"tier", "gold"}});
  CHECK(policy.namespace_selector == Labels{{"env", "prod"}});
  CHECK(*policy.bandwidth_per_migration == 67108864.0);
  CHECK(*policy.completion_timeout_per_gib == 30);
  CHECK(*policy.allow_post_copy);
  CHECK_FALSE(policy.allow_workload_disruption);

  const auto pdb = disruption_budget_from_json(nlohmann::json::parse(R"({"kind":"PodDisruptionBudget",
    "metadata":{"name":"erp","namespace":"ns","generation":2},
    "spec":{"minAvailable":1,"selector":{"matchLabels":{"app":"erp"},
            "matchExpressions":[{"key":"tier","operator":"NotIn","values":["web"]},{"key":"zone","operator":"Exists"}]}},
    "status":{"disruptionsAllowed":0,"desiredHealthy":1,"currentHealthy":1,"observedGeneration":2}})"));
  CHECK(pdb.name == "erp");
  REQUIRE(pdb.selector.size() == 3);
  CHECK(pdb.selector[0].key == "app");
  CHECK(pdb.selector[1].op == SelectorRequirement::Op::NotIn);
  CHECK(pdb.selector[2].op == SelectorRequirement::Op::Exists);
  CHECK(pdb.selector_valid);
  CHECK(pdb.disruptions_allowed == 0);
  CHECK(pdb.owner_vmi.empty());
  const auto bad = disruption_budget_from_json(nlohmann::json::parse(R"({"metadata":{"name":"x",
    "ownerReferences":[{"kind":"VirtualMachineInstance","name":"vm1","controller":true}]},
    "spec":{"selector":{"matchExpressions":[{"key":"a","operator":"In","values":[]}]}}})"));
  CHECK_FALSE(bad.selector_valid);
  CHECK(bad.owner_vmi == "vm1");

  const auto [ns, labels] = namespace_labels_from_json(nlohmann::json::parse(
      R"({"kind":"Namespace","metadata":{"name":"prod","labels":{"env":"prod"}}})"));
  CHECK(ns == "prod");
  CHECK(labels == Labels{{"env", "prod"}});

  const auto kv = kubevirt_from_json(nlohmann::json::parse(R"({"kind":"KubeVirt","metadata":{"name":"kv"},
    "spec":{"configuration":{"migrations":{"bandwidthPerMigration":"0Mi","completionTimeoutPerGiB":800,
      "allowAutoConverge":true,"utilityVolumesTimeout":60}}}})"));
  CHECK(*kv.bandwidth_per_migration == 0.0);
  CHECK(*kv.completion_timeout_per_gib == 800);
  CHECK(*kv.allow_auto_converge);
  CHECK(*kv.utility_volumes_timeout == 60);
  CHECK_FALSE(kv.allow_post_copy);
}

TEST_CASE("a dump says which optional kinds it holds") {
  Snapshot s;
  load_dump_text(s, "dump.yaml", R"(
apiVersion: v1
kind: List
items:
- {apiVersion: policy/v1, kind: PodDisruptionBudget, metadata: {name: p, namespace: ns},
   spec: {selector: {matchLabels: {app: x}}}, status: {disruptionsAllowed: 1}}
- {apiVersion: v1, kind: Pod, metadata: {name: virt-launcher-a, namespace: ns,
   labels: {kubevirt.io: virt-launcher, app: x}}}
)");
  note_dump_coverage(s);
  CHECK(s.budgets_read.known);
  CHECK_FALSE(s.policies_read.known);
  CHECK(s.policies_read.why_not == "the input has no MigrationPolicy objects");
  CHECK_FALSE(s.vmims_read.known);
  CHECK(s.namespaces_read.known);  // no policy selects namespaces: not needed
  REQUIRE(s.pods.size() == 1);
  CHECK(s.pods[0].labels.size() == 2);  // dumps keep every pod label: budgets may come later in the file
}

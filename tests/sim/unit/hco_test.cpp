// The simulated HCO's KubeVirt mapping (hyperconverged-cluster-operator controllers/handlers/kubevirt.go):
// defaults of the HyperConverged CRD, the field mapping, the eviction strategy default and the jsonpatch annotation.
#include <doctest/doctest.h>

#include "hco_controller.hpp"

using nlohmann::json;
using sim::hco::desiredKubeVirt;
using sim::hco::goDuration;

namespace {

json kubevirt() {
  return json::parse(R"({"apiVersion":"kubevirt.io/v1","kind":"KubeVirt",
    "metadata":{"name":"kubevirt","namespace":"kubevirt"},
    "spec":{"configuration":{"developerConfiguration":{"featureGates":["X"]},"evictionStrategy":"None",
            "migrations":{"parallelMigrationsPerCluster":9,"bandwidthPerMigration":"1Gi"}},
            "workloadUpdateStrategy":{"workloadUpdateMethods":["Evict"],"batchEvictionSize":3}},
    "status":{"phase":"Deployed"}})");
}

json hco(const std::string& spec, const std::string& extra = "") {
  return json::parse(R"({"apiVersion":"hco.kubevirt.io/v1beta1","kind":"HyperConverged",
    "metadata":{"name":"kubevirt-hyperconverged","namespace":"openshift-cnv")" + extra + R"(},"spec":)" + spec + "}");
}

}  // namespace

TEST_CASE("hco: Go duration strings") {
  CHECK(goDuration(60) == "1m0s");
  CHECK(goDuration(90) == "1m30s");
  CHECK(goDuration(3600) == "1h0m0s");
  CHECK(goDuration(5400.5) == "1h30m0.5s");
  CHECK(goDuration(30) == "30s");
  CHECK(goDuration(0.25) == "250ms");
  CHECK(goDuration(0) == "0s");
}

TEST_CASE("hco: an empty HyperConverged spec gives the CRD's defaults") {
  std::string err;
  auto kv = desiredKubeVirt(hco("{}"), kubevirt(), &err);
  REQUIRE(kv);
  CHECK((*kv)["spec"]["workloadUpdateStrategy"] ==
        json::parse(R"({"workloadUpdateMethods":["LiveMigrate"],"batchEvictionSize":10,"batchEvictionInterval":"1m0s"})"));
  CHECK((*kv)["spec"]["configuration"]["migrations"] ==
        json::parse(R"({"completionTimeoutPerGiB":20,"parallelMigrationsPerCluster":5,"parallelOutboundMigrationsPerNode":1,
                        "progressTimeout":150,"allowAutoConverge":false,"allowPostCopy":false,"allowWorkloadDisruption":false})"));
  CHECK_FALSE((*kv)["spec"]["configuration"].contains("evictionStrategy"));  // not known without status
  CHECK((*kv)["spec"]["configuration"]["developerConfiguration"]["featureGates"][0] == "X");  // not ours
  CHECK((*kv)["status"]["phase"] == "Deployed");
}

TEST_CASE("hco: fields are copied; empty methods leave the KubeVirt key out; intervals as Duration.String()") {
  std::string err;
  auto kv = desiredKubeVirt(
      hco(R"({"workloadUpdateStrategy":{"workloadUpdateMethods":[],"batchEvictionSize":4,"batchEvictionInterval":"90s"},
              "liveMigrationConfig":{"parallelMigrationsPerCluster":7,"bandwidthPerMigration":"64Mi","network":"migr"},
              "evictionStrategy":"LiveMigrateIfPossible"})"),
      kubevirt(), &err);
  REQUIRE(kv);
  const json& ws = (*kv)["spec"]["workloadUpdateStrategy"];
  CHECK_FALSE(ws.contains("workloadUpdateMethods"));
  CHECK(ws["batchEvictionSize"] == 4);
  CHECK(ws["batchEvictionInterval"] == "1m30s");
  const json& m = (*kv)["spec"]["configuration"]["migrations"];
  CHECK(m["parallelMigrationsPerCluster"] == 7);
  CHECK(m["parallelOutboundMigrationsPerNode"] == 1);  // field default
  CHECK(m["bandwidthPerMigration"] == "64Mi");
  CHECK(m["network"] == "migr");
  CHECK((*kv)["spec"]["configuration"]["evictionStrategy"] == "LiveMigrateIfPossible");
}

TEST_CASE("hco: an unset eviction strategy follows infrastructureHighlyAvailable") {
  json h = hco("{}");
  h["status"]["infrastructureHighlyAvailable"] = true;
  CHECK((*desiredKubeVirt(h, kubevirt(), nullptr))["spec"]["configuration"]["evictionStrategy"] == "LiveMigrate");
  h["status"]["infrastructureHighlyAvailable"] = false;
  CHECK((*desiredKubeVirt(h, kubevirt(), nullptr))["spec"]["configuration"]["evictionStrategy"] == "None");
}

TEST_CASE("hco: the kubevirt.kubevirt.io/jsonpatch annotation is applied; an invalid one changes nothing") {
  const std::string patch =
      R"(,"annotations":{"kubevirt.kubevirt.io/jsonpatch":"[{\"op\":\"add\",\"path\":\"/spec/workloadUpdateStrategy/workloadUpdateMethods\",\"value\":[\"LiveMigrate\",\"Evict\"]},{\"op\":\"replace\",\"path\":\"/spec/configuration/migrations/parallelMigrationsPerCluster\",\"value\":2}]"})";
  std::string err;
  auto kv = desiredKubeVirt(hco(R"({"workloadUpdateStrategy":{"workloadUpdateMethods":[]}})", patch), kubevirt(), &err);
  REQUIRE(kv);
  CHECK((*kv)["spec"]["workloadUpdateStrategy"]["workloadUpdateMethods"] == json{"LiveMigrate", "Evict"});
  CHECK((*kv)["spec"]["configuration"]["migrations"]["parallelMigrationsPerCluster"] == 2);

  const std::string notSpec =
      R"(,"annotations":{"kubevirt.kubevirt.io/jsonpatch":"[{\"op\":\"add\",\"path\":\"/metadata/labels\",\"value\":{}}]"})";
  CHECK_FALSE(desiredKubeVirt(hco("{}", notSpec), kubevirt(), &err));
  CHECK(err.find("can only modify spec fields") != std::string::npos);
  const std::string failing =
      R"(,"annotations":{"kubevirt.kubevirt.io/jsonpatch":"[{\"op\":\"remove\",\"path\":\"/spec/nothing/here\"}]"})";
  CHECK_FALSE(desiredKubeVirt(hco("{}", failing), kubevirt(), &err));
  CHECK(err.find("invalid jsonPatch in the kubevirt.kubevirt.io/jsonpatch annotation") == 0);
  CHECK_FALSE(desiredKubeVirt(hco("{}", R"(,"annotations":{"kubevirt.kubevirt.io/jsonpatch":"not json"})"), kubevirt(), &err));
}

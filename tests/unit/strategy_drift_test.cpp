#include <doctest/doctest.h>

#include "strategy/kubevirt_drift.hpp"

using namespace wu::strategy;

namespace {
nlohmann::json kubevirt_cr(const nlohmann::json& spec) {
  return {{"apiVersion", "kubevirt.io/v1"}, {"kind", "KubeVirt"}, {"spec", spec}};
}
}  // namespace

TEST_CASE("a KubeVirt CR that matches HCO's projection shows no drift") {
  EffectiveStrategy hco = hco_defaults();
  nlohmann::json kv = kubevirt_cr(kubevirt_projection(hco));
  CHECK(find_kubevirt_drift({hco, kv}).empty());
}

TEST_CASE("values that differ are reported with both sides, semantic equals are not") {
  EffectiveStrategy hco = hco_defaults();
  nlohmann::json spec = kubevirt_projection(hco);
  spec["workloadUpdateStrategy"]["workloadUpdateMethods"] = {"LiveMigrate", "Evict"};
  spec["workloadUpdateStrategy"]["batchEvictionInterval"] = "60s";                  // same as 1m0s
  spec["configuration"]["migrations"]["bandwidthPerMigration"] = "0Mi";           // same as unset
  spec["configuration"]["migrations"].erase("allowWorkloadDisruption");           // follows allowPostCopy=false
  spec["configuration"]["migrations"]["completionTimeoutPerGiB"] = 150;
  auto drift = find_kubevirt_drift({hco, kubevirt_cr(spec)});
  REQUIRE(drift.size() == 2);
  CHECK(drift[0].code == "KubeVirtDrift");
  CHECK(drift[0].path == "spec.workloadUpdateStrategy.workloadUpdateMethods");
  CHECK(drift[0].message.find("[\"LiveMigrate\",\"Evict\"]") != std::string::npos);
  CHECK(drift[1].path == "spec.configuration.migrations.completionTimeoutPerGiB");
}

TEST_CASE("an empty HCO method list means the KubeVirt CR must have none") {
  EffectiveStrategy hco = hco_defaults();
  hco.workload_update_methods = std::vector<std::string>{};
  nlohmann::json spec = kubevirt_projection(hco);
  CHECK(find_kubevirt_drift({hco, kubevirt_cr(spec)}).empty());
  spec["workloadUpdateStrategy"]["workloadUpdateMethods"] = {"LiveMigrate"};
  auto drift = find_kubevirt_drift({hco, kubevirt_cr(spec), true});
  REQUIRE(drift.size() == 1);
  CHECK(drift[0].hint.find("jsonpatch") != std::string::npos);
}

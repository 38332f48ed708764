// deploy/02-clusterrole.yaml against the preflights: every access check that `run -A
// --pause-cluster-updater` (with either method, on clusters with and without HCO) and `abort
// --cancel-migrations` make is granted by exactly one rule, and no rule grants a verb or resource that no
// check asks for. The ClusterRole is bound cluster-wide, so a check limited to one namespace (the
// Lease, virt-controller) is met by a rule without one.
#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "update/preflight.hpp"

using namespace wu::update;

namespace {

using Grant = std::tuple<std::string, std::string, std::string>;  // group, resource[/subresource], verb

std::string text_of(const Grant& g) {
  return std::get<2>(g) + " " + std::get<1>(g) + " (group \"" + std::get<0>(g) + "\")";
}

std::vector<AccessNeed> every_need() {
  RunOptions run;  // the Job's `run -A --pause-cluster-updater`, whatever the cluster's methods
  run.namespace_ = "";
  run.config.methods = {"LiveMigrate", "Evict"};
  run.cancel_on_interrupt = true;
  run.pause_cluster_updater = true;
  std::vector<AccessNeed> needs;
  for (const auto& [object, ns] : {std::pair<std::string, std::string>{"hyperconvergeds", "openshift-cnv"},
                                   {"kubevirts", "kubevirt"}}) {
    run.updater_object = object;
    run.updater_namespace = ns;
    for (auto& n : access_needs(run, "kubevirt")) needs.push_back(std::move(n));
  }
  for (auto& n : abort_access_needs(true, "kubevirt")) needs.push_back(std::move(n));
  return needs;
}

std::vector<std::string> strings(const YAML::Node& node) {
  std::vector<std::string> out;
  if (node && node.IsSequence())
    for (const auto& v : node) out.push_back(v.as<std::string>());
  return out;
}

YAML::Node load(const char* file) { return YAML::LoadFile(std::string(WU_DEPLOY_DIR) + "/" + file); }

}  // namespace

TEST_SUITE("deploy_rbac") {

TEST_CASE("the ClusterRole grants exactly what the preflights check") {
  const YAML::Node role = load("02-clusterrole.yaml");
  REQUIRE(role["kind"].as<std::string>() == "ClusterRole");
  const YAML::Node rules = role["rules"];
  REQUIRE(rules.IsSequence());

  std::set<Grant> needed;
  for (const auto& n : every_need())
    needed.insert({n.group, n.subresource.empty() ? n.resource : n.resource + "/" + n.subresource, n.verb});

  std::vector<std::set<Grant>> granted;
  for (const auto& rule : rules) {
    std::set<Grant> g;
    CHECK_MESSAGE(!rule["resourceNames"], "resourceNames: the preflight asks without names, so it would be denied");
    CHECK_MESSAGE(!rule["nonResourceURLs"], "nonResourceURLs: discovery is everyone's (system:discovery)");
    for (const auto& group : strings(rule["apiGroups"]))
      for (const auto& resource : strings(rule["resources"]))
        for (const auto& verb : strings(rule["verbs"])) {
          CHECK_MESSAGE(group != "*", "no wildcard groups");
          CHECK_MESSAGE(resource.find('*') == std::string::npos, "no wildcard resources");
          CHECK_MESSAGE(verb != "*", "no wildcard verbs");
          g.insert({group, resource, verb});
        }
    granted.push_back(std::move(g));
  }

  for (const auto& need : needed) {
    const auto rules_granting =
        std::count_if(granted.begin(), granted.end(), [&](const std::set<Grant>& g) { return g.count(need) > 0; });
    CHECK_MESSAGE(rules_granting == 1, text_of(need) << " is granted by " << rules_granting
                                                    << " rules of deploy/02-clusterrole.yaml; want exactly 1");
  }
  for (const auto& g : granted)
    for (const auto& grant : g)
      CHECK_MESSAGE(needed.count(grant) == 1,
                    "deploy/02-clusterrole.yaml grants " << text_of(grant) << ", which no preflight check asks for");
}

TEST_CASE("the ClusterRole is bound to the ServiceAccount the Job and the CronJob run as") {
  const YAML::Node binding = load("03-clusterrolebinding.yaml");
  CHECK(binding["kind"].as<std::string>() == "ClusterRoleBinding");
  CHECK(binding["roleRef"]["kind"].as<std::string>() == "ClusterRole");
  CHECK(binding["roleRef"]["name"].as<std::string>() == load("02-clusterrole.yaml")["metadata"]["name"].as<std::string>());
  const YAML::Node sa = load("01-serviceaccount.yaml");
  REQUIRE(binding["subjects"].size() == 1);
  CHECK(binding["subjects"][0]["kind"].as<std::string>() == "ServiceAccount");
  CHECK(binding["subjects"][0]["name"].as<std::string>() == sa["metadata"]["name"].as<std::string>());
  CHECK(binding["subjects"][0]["namespace"].as<std::string>() == sa["metadata"]["namespace"].as<std::string>());

  const YAML::Node job = load("04-job.yaml")["spec"]["template"]["spec"];
  const YAML::Node cron = load("05-cronjob.yaml")["spec"]["jobTemplate"]["spec"]["template"]["spec"];
  for (const YAML::Node& pod : {job, cron}) {
    CHECK(pod["serviceAccountName"].as<std::string>() == sa["metadata"]["name"].as<std::string>());
    // What the test above assumes the run is.
    const auto args = strings(pod["containers"][0]["args"]);
    REQUIRE_FALSE(args.empty());
    CHECK(args[0] == "run");
    CHECK(std::find(args.begin(), args.end(), "-A") != args.end());
    CHECK(std::find(args.begin(), args.end(), "--pause-cluster-updater") != args.end());
    CHECK(std::find(args.begin(), args.end(), "--dry-run") == args.end());
  }
}

}  // TEST_SUITE

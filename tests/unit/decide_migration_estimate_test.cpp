// How long a migration takes (lib/decide/migration_estimate): the KubeVirt CR's settings and defaults,
// MigrationPolicy matching and precedence as matchPolicy does it, the estimate and the completion timeout,
// and the schedule built from the estimates (or --migration-duration).
#include <doctest/doctest.h>

#include "decide/migration_estimate.hpp"
#include "decide_fixture.hpp"

using namespace decide_fixture;
using wu::cluster::Labels;
using wu::cluster::MigrationPolicy;
using wu::decide::apply_policy;
using wu::decide::cluster_migration_settings;
using wu::decide::estimate_migration;
using wu::decide::EstimateModel;
using wu::decide::matching_policy;
using wu::decide::MigrationSettings;

namespace {

constexpr std::int64_t kGi = 1LL << 30;

MigrationPolicy policy(const std::string& name, Labels vmi_selector, Labels ns_selector = {}) {
  MigrationPolicy p;
  p.name = name;
  p.has_selectors = true;
  p.has_vmi_selector = !vmi_selector.empty();
  p.has_namespace_selector = !ns_selector.empty();
  p.vmi_selector = std::move(vmi_selector);
  p.namespace_selector = std::move(ns_selector);
  return p;
}

Vmi labelled(Labels labels) {
  Vmi v = vmi("vm");
  v.labels = std::move(labels);
  v.has_labels = !v.labels.empty();
  return v;
}

}  // namespace

TEST_CASE("estimate: KubeVirt's defaults, and the KubeVirt CR's spec.configuration.migrations") {
  const MigrationSettings d = cluster_migration_settings(nullptr);
  CHECK(d.bandwidth_bytes_per_second == 0);  // BandwidthPerMigrationDefault "0Mi": unlimited
  CHECK(d.completion_timeout_per_gib == 150);
  CHECK_FALSE(d.allow_post_copy);
  CHECK_FALSE(d.allow_workload_disruption);
  wu::cluster::KubeVirtCr kv;
  kv.bandwidth_per_migration = 64.0 * (1 << 20);
  kv.completion_timeout_per_gib = 20;
  kv.allow_post_copy = true;  // allowWorkloadDisruption unset: it follows allowPostCopy
  const MigrationSettings c = cluster_migration_settings(&kv);
  CHECK(c.bandwidth_bytes_per_second == 64.0 * (1 << 20));
  CHECK(c.completion_timeout_per_gib == 20);
  CHECK(c.allow_post_copy);
  CHECK(c.allow_workload_disruption);
  kv.allow_workload_disruption = false;
  CHECK_FALSE(cluster_migration_settings(&kv).allow_workload_disruption);
}

TEST_CASE("estimate: matchPolicy picks the policy with the most matching labels, VMI labels breaking ties") {
  const Labels ns{{"env", "prod"}, {"team", "db"}};
  const std::vector<MigrationPolicy> policies{
      policy("a-broad", {{"app", "pg"}}),
      policy("b-ns", {{"app", "pg"}}, {{"env", "prod"}}),
      policy("c-vmi", {{"app", "pg"}, {"tier", "gold"}}),
      policy("d-mismatch", {{"app", "mysql"}}),
  };
  const Vmi pg_gold = labelled({{"app", "pg"}, {"tier", "gold"}});
  // b-ns and c-vmi both match 2 labels: the one with more VMI labels wins.
  CHECK(matching_policy(policies, pg_gold, &ns)->name == "c-vmi");
  const Vmi pg = labelled({{"app", "pg"}});
  CHECK(matching_policy(policies, pg, &ns)->name == "b-ns");
  const Labels dev{{"env", "dev"}};
  CHECK(matching_policy(policies, pg, &dev)->name == "a-broad");
  CHECK(matching_policy(policies, labelled({{"app", "redis"}}), &ns) == nullptr);
  // Equally specific: the first name.
  const std::vector<MigrationPolicy> twins{policy("z", {{"app", "pg"}}), policy("m", {{"app", "pg"}})};
  CHECK(matching_policy(twins, pg, &ns)->name == "m");
  // No selectors: matches nothing. An empty selector matches everything (with a zero score).
  MigrationPolicy none = policy("none", {});
  none.has_selectors = false;
  MigrationPolicy empty = policy("empty", {});
  empty.has_vmi_selector = true;
  CHECK(matching_policy({none}, pg, &ns) == nullptr);
  CHECK(matching_policy({empty}, pg, &ns)->name == "empty");
  // Upstream checks both selectors only when the VMI has labels at all.
  CHECK(matching_policy({policies[3]}, labelled({}), &ns)->name == "d-mismatch");
}

TEST_CASE("estimate: a policy's set fields override the cluster's (applyMigrationPolicySpec)") {
  MigrationSettings cluster;
  cluster.bandwidth_bytes_per_second = 100;
  MigrationPolicy p = policy("slow", {{"app", "pg"}});
  p.completion_timeout_per_gib = 10;
  p.allow_post_copy = true;  // allowWorkloadDisruption follows it when unset
  const MigrationSettings s = apply_policy(cluster, &p);
  CHECK(s.policy == "slow");
  CHECK(s.bandwidth_bytes_per_second == 100);
  CHECK(s.completion_timeout_per_gib == 10);
  CHECK(s.allow_post_copy);
  CHECK(s.allow_workload_disruption);
  CHECK(apply_policy(cluster, nullptr).policy.empty());
}

TEST_CASE("estimate: setup plus one copy of the memory at the bandwidth, or the assumed link shared per node") {
  Vmi v = vmi("vm");
  v.memory_bytes = 8 * kGi;
  EstimateModel model;  // 10 Gbit/s, 20 s setup, 2 outbound migrations per node
  const auto unlimited = estimate_migration(v, MigrationSettings{}, model);
  CHECK(unlimited.assumed_link);
  CHECK(unlimited.bytes_per_second == 625e6);
  CHECK(unlimited.seconds == 20 + 14);             // 8 GiB / 625 MB/s = 13.7 s
  CHECK(unlimited.worst_case_seconds == 20 + 28);  // two copies
  CHECK(unlimited.completion_timeout_seconds == 150 * 9);  // 8 GiB is 8.59 GB: 9
  CHECK_FALSE(unlimited.timeout);

  MigrationSettings capped;
  capped.bandwidth_bytes_per_second = 64.0 * (1 << 20);
  const auto slow = estimate_migration(v, capped, model);
  CHECK_FALSE(slow.assumed_link);
  CHECK(slow.seconds == 20 + 128);
  CHECK_FALSE(slow.timeout);

  Vmi unknown = vmi("unknown");  // no memory in the spec: the setup alone, and no timeout
  CHECK(estimate_migration(unknown, MigrationSettings{}, model).seconds == 20);
}

TEST_CASE("estimate: CompletionTimeoutExceeded and CompletionTimeoutRisk, aborted unless post-copy or disruption") {
  Vmi v = vmi("vm");
  v.memory_bytes = 16 * kGi;  // 17.18 GB: 18 GB
  EstimateModel model;
  MigrationSettings s;
  s.bandwidth_bytes_per_second = 5.0 * (1 << 20);  // 5Mi: one copy takes 3277 s
  auto e = estimate_migration(v, s, model);
  REQUIRE(e.timeout);
  CHECK(e.timeout->code == "CompletionTimeoutExceeded");
  CHECK(e.completion_timeout_seconds == 2700);
  CHECK(e.aborted_at_timeout);
  CHECK(e.seconds == 20 + 2700);  // the attempt ends, failed, at the timeout
  CHECK(e.worst_case_seconds == 20 + 6554);
  CHECK(e.timeout->message ==
        "one copy of its 16.0 GiB of memory at 5.0 MiB/s (bandwidthPerMigration) takes 3277s, more than the completion "
        "timeout of 2700s (150s per GB x 18): the migration is aborted at the timeout and retried");

  s.bandwidth_bytes_per_second = 8.0 * (1 << 20);  // one copy 2048 s fits, two (4096 s) do not
  e = estimate_migration(v, s, model);
  REQUIRE(e.timeout);
  CHECK(e.timeout->code == "CompletionTimeoutRisk");

  s.allow_post_copy = true;
  e = estimate_migration(v, s, model);
  CHECK_FALSE(e.aborted_at_timeout);
  CHECK(e.seconds == 20 + 2048);
  CHECK(e.timeout->message.find("switches to post-copy") != std::string::npos);
  s.allow_post_copy = false;
  s.allow_workload_disruption = true;
  e = estimate_migration(v, s, model);
  CHECK_FALSE(e.aborted_at_timeout);
  CHECK(e.timeout->message.find("allowWorkloadDisruption") != std::string::npos);

  s = {};
  s.completion_timeout_per_gib = 0;  // no deadline at all
  s.bandwidth_bytes_per_second = 1;
  CHECK_FALSE(estimate_migration(v, s, model).timeout);
}

TEST_CASE("estimate: the plan estimates each migrating VMI with its policy; waves last as their longest") {
  Vmi big = vmi("big", "node-1");
  big.memory_bytes = 64 * kGi;
  big.labels = {{"size", "big"}};
  big.has_labels = true;
  Vmi small = vmi("small", "node-2");
  small.memory_bytes = 2 * kGi;
  small.labels = {{"size", "small"}};  // a VMI with no labels at all would match every policy (upstream's guard)
  small.has_labels = true;
  Vmi stuck = vmi("stuck", "node-1", false);  // not migratable: no estimate
  Snapshot s = cluster({big, small, stuck});
  s.migration_policies.push_back(policy("big-ones", {{"size", "big"}}));
  s.migration_policies.back().bandwidth_per_migration = 1e9 / 8;  // 1 Gbit/s
  const Plan p = wu::decide::make_plan(s, config({"LiveMigrate"}));
  const auto& b = of(p, "big");
  REQUIRE(b.estimate);
  CHECK(b.estimate->settings.policy == "big-ones");
  CHECK(b.estimate->seconds == 20 + 550);  // 64 GiB at 125 MB/s
  REQUIRE(of(p, "small").estimate);
  CHECK(of(p, "small").estimate->settings.policy.empty());
  CHECK_FALSE(of(p, "stuck").estimate);
  CHECK(p.schedule.migration_waves == 1);
  CHECK(p.schedule.estimated_duration_seconds == 570);  // one wave: its longest migration

  wu::decide::PlanOptions fixed;
  fixed.migration_duration_seconds = 120;  // --migration-duration overrides every estimate
  CHECK(wu::decide::make_plan(s, config({"LiveMigrate"}), fixed).schedule.estimated_duration_seconds == 120);
}

TEST_CASE("estimate: a snapshot without MigrationPolicies says so once; a namespaceSelector needs namespaces") {
  Vmi v = vmi("vm");
  Snapshot s = cluster({v});
  s.policies_read = {false, "the input has no MigrationPolicy objects"};
  Plan p = wu::decide::make_plan(s, config({"LiveMigrate"}));
  REQUIRE(p.warnings.size() == 1);
  CHECK(p.warnings[0].code == "NoMigrationPolicies");
  CHECK(p.warnings[0].message.find("the input has no MigrationPolicy objects") != std::string::npos);
  // Nothing migrates: nothing to warn about.
  CHECK(wu::decide::make_plan(s, config({})).warnings.empty());

  s.policies_read = {true, ""};
  s.migration_policies.push_back(policy("prod", {}, {{"env", "prod"}}));
  s.migration_policies.back().completion_timeout_per_gib = 5;
  s.namespaces_read = {false, "no permission to list namespaces"};
  p = wu::decide::make_plan(s, config({"LiveMigrate"}));
  REQUIRE(p.warnings.size() == 1);
  CHECK(p.warnings[0].code == "NoNamespaceLabels");
  // With the namespace's labels, the policy matches.
  s.namespaces_read = {true, ""};
  s.vmis[0].has_labels = true;
  s.vmis[0].memory_bytes = kGi;
  s.namespace_labels.push_back({"ns", {{"env", "prod"}}});
  p = wu::decide::make_plan(s, config({"LiveMigrate"}));
  CHECK(p.warnings.empty());
  CHECK(of(p, "vm").estimate->settings.policy == "prod");
  CHECK(of(p, "vm").estimate->completion_timeout_seconds == 10);  // 5 s per GB x 2 GB
}

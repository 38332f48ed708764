// run's preflight, the pure halves: which access the run needs (asked of the server as
// SelfSubjectAccessReviews), and what about the cluster stops a run before it changes anything.
#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

#include "update/preflight.hpp"

using namespace wu::update;

namespace {

// Whether `needs` holds the check; namespace "" = all namespaces.
bool needs_check(const std::vector<AccessNeed>& needs, const std::string& verb, const std::string& group,
                 const std::string& resource, const std::string& subresource, const std::string& ns) {
  for (const auto& n : needs)
    if (n.verb == verb && n.group == group && n.resource == resource && n.subresource == subresource &&
        n.namespace_ == ns)
      return true;
  return false;
}

int count_resource(const std::vector<AccessNeed>& needs, const std::string& verb, const std::string& resource,
                   const std::string& subresource = "") {
  int n = 0;
  for (const auto& a : needs) n += a.verb == verb && a.resource == resource && a.subresource == subresource;
  return n;
}

RunOptions opts(std::vector<std::string> methods, const std::string& ns = "ns1") {
  RunOptions o;
  o.namespace_ = ns;
  o.config.methods = std::move(methods);
  return o;
}

const char* kVmis = "virtualmachineinstances";
const char* kVms = "virtualmachines";
const char* kVmims = "virtualmachineinstancemigrations";

wu::cluster::Snapshot with_kubevirt(const std::string& phase = "Deployed", const std::string& observed = "d1",
                                    const std::string& target = "d1") {
  wu::cluster::Snapshot s;
  wu::cluster::KubeVirtCr kv;
  kv.namespace_ = "kubevirt";
  kv.name = "kubevirt";
  kv.phase = phase;
  kv.observed_deployment_id = observed;
  kv.target_deployment_id = target;
  s.kubevirts.push_back(kv);
  return s;
}

wu::decide::PlanConfig methods(std::vector<std::string> m) {
  wu::decide::PlanConfig c;
  c.methods = std::move(m);
  return c;
}

using Strategies = std::vector<std::pair<wu::decide::PlanConfig, std::string>>;

bool mentions(const std::vector<std::string>& problems, const std::string& text) {
  for (const auto& p : problems)
    if (p.find(text) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_SUITE("run_preflight") {

TEST_CASE("access needs: list/watch VMIs, VMs and pods in the namespace, VMIMs in all namespaces") {
  const auto needs = access_needs(opts({"LiveMigrate"}), "kubevirt");
  for (const char* verb : {"list", "watch"}) {
    INFO(verb);
    CHECK(needs_check(needs, verb, "kubevirt.io", kVmis, "", "ns1"));
    CHECK(needs_check(needs, verb, "kubevirt.io", kVms, "", "ns1"));
    CHECK(needs_check(needs, verb, "", "pods", "", "ns1"));
    CHECK(needs_check(needs, verb, "kubevirt.io", kVmims, "", ""));  // the limits count every namespace's
  }
  for (const auto& n : needs) {
    INFO(n.verb << " " << n.resource);
    CHECK_FALSE(n.why.empty());
  }

  const auto all = access_needs(opts({"LiveMigrate"}, ""), "kubevirt");  // -A
  CHECK(needs_check(all, "list", "kubevirt.io", kVmis, "", ""));
  CHECK(needs_check(all, "create", "kubevirt.io", kVmims, "", ""));
}

TEST_CASE("access needs: create VMIMs only with LiveMigrate, pods/eviction only with Evict") {
  const auto live = access_needs(opts({"LiveMigrate"}), "kubevirt");
  CHECK(needs_check(live, "create", "kubevirt.io", kVmims, "", "ns1"));
  CHECK(count_resource(live, "create", "pods", "eviction") == 0);

  const auto evict = access_needs(opts({"Evict"}), "kubevirt");
  CHECK(needs_check(evict, "create", "", "pods", "eviction", "ns1"));
  CHECK(count_resource(evict, "create", kVmims) == 0);

  const auto both = access_needs(opts({"LiveMigrate", "Evict"}), "kubevirt");
  CHECK(needs_check(both, "create", "kubevirt.io", kVmims, "", "ns1"));
  CHECK(needs_check(both, "create", "", "pods", "eviction", "ns1"));
  CHECK(count_resource(both, "create", "pods") == 0);  // never plain pod creation
}

TEST_CASE("access needs: delete VMIMs to clean up Pending ones (LiveMigrate) or with --cancel-on-interrupt") {
  RunOptions o = opts({"Evict"});
  CHECK(count_resource(access_needs(o, "kubevirt"), "delete", kVmims) == 0);
  o.cancel_on_interrupt = true;
  CHECK(needs_check(access_needs(o, "kubevirt"), "delete", "kubevirt.io", kVmims, "", "ns1"));
  RunOptions live = opts({"LiveMigrate"});
  CHECK(needs_check(access_needs(live, "kubevirt"), "delete", "kubevirt.io", kVmims, "", "ns1"));
}

TEST_CASE("access needs: watching the KubeVirt CR, virt-controller and virt-handler to follow rollouts") {
  const auto needs = access_needs(opts({"LiveMigrate"}), "kubevirt");
  for (const char* verb : {"list", "watch"}) {
    CHECK(needs_check(needs, verb, "kubevirt.io", "kubevirts", "", ""));
    CHECK(needs_check(needs, verb, "apps", "deployments", "", "kubevirt"));
    CHECK(needs_check(needs, verb, "apps", "daemonsets", "", "kubevirt"));
  }
}

TEST_CASE("access needs: the Lease in the KubeVirt namespace, except for dry runs") {
  RunOptions o = opts({"LiveMigrate", "Evict"});
  const auto real = access_needs(o, "openshift-cnv");
  for (const char* verb : {"get", "create", "update"}) {
    INFO(verb);
    CHECK(needs_check(real, verb, "coordination.k8s.io", "leases", "", "openshift-cnv"));
  }

  o.dry_run = DryRun::Client;  // changes nothing at all
  const auto client = access_needs(o, "openshift-cnv");
  CHECK(count_resource(client, "get", "leases") + count_resource(client, "create", "leases") +
            count_resource(client, "update", "leases") ==
        0);
  CHECK(count_resource(client, "create", kVmims) == 0);
  CHECK(count_resource(client, "create", "pods", "eviction") == 0);
  CHECK(needs_check(client, "list", "kubevirt.io", kVmis, "", "ns1"));

  o.dry_run = DryRun::Server;  // the server judges dryRun=All requests with the same access as real ones
  const auto server = access_needs(o, "openshift-cnv");
  CHECK(count_resource(server, "get", "leases") + count_resource(server, "create", "leases") +
            count_resource(server, "update", "leases") ==
        0);
  CHECK(needs_check(server, "create", "kubevirt.io", kVmims, "", "ns1"));
  CHECK(needs_check(server, "create", "", "pods", "eviction", "ns1"));
}

TEST_CASE("access needs: what the run reads before the checks, so that a refusal there is a preflight one too") {
  const auto needs = access_needs(opts({"LiveMigrate"}), "kubevirt");
  CHECK(needs_check(needs, "get", "apps", "deployments", "", "kubevirt"));  // virt-controller's launcher image
  CHECK(needs_check(needs, "get", "hco.kubevirt.io", "hyperconvergeds", "", "openshift-cnv"));
  CHECK(needs_check(needs, "list", "hco.kubevirt.io", "hyperconvergeds", "", ""));
  RunOptions client = opts({"LiveMigrate"});
  client.dry_run = DryRun::Client;
  CHECK(needs_check(access_needs(client, "kubevirt"), "get", "hco.kubevirt.io", "hyperconvergeds", "", "openshift-cnv"));
}

TEST_CASE("access needs: --pause-cluster-updater asks get and patch on the object it pauses, once") {
  RunOptions o = opts({"LiveMigrate"});
  o.pause_cluster_updater = true;
  o.updater_object = "hyperconvergeds";
  o.updater_namespace = "openshift-cnv";
  const auto hco = access_needs(o, "kubevirt");
  CHECK(count_resource(hco, "get", "hyperconvergeds") == 1);  // the strategy read is the same check
  CHECK(needs_check(hco, "patch", "hco.kubevirt.io", "hyperconvergeds", "", "openshift-cnv"));
  o.updater_object = "kubevirts";
  o.updater_namespace = "kubevirt";
  const auto kv = access_needs(o, "kubevirt");
  CHECK(needs_check(kv, "get", "kubevirt.io", "kubevirts", "", "kubevirt"));
  CHECK(needs_check(kv, "patch", "kubevirt.io", "kubevirts", "", "kubevirt"));
}

TEST_CASE("abort access needs: the Lease always, VMIMs only with --cancel-migrations") {
  const auto plain = abort_access_needs(false, "kubevirt");
  CHECK(needs_check(plain, "list", "kubevirt.io", "kubevirts", "", ""));
  for (const char* verb : {"get", "patch", "update"})
    CHECK(needs_check(plain, verb, "coordination.k8s.io", "leases", "", "kubevirt"));
  CHECK(count_resource(plain, "delete", kVmims) == 0);
  const auto cancel = abort_access_needs(true, "kubevirt");
  CHECK(needs_check(cancel, "list", "kubevirt.io", kVmims, "", ""));
  CHECK(needs_check(cancel, "delete", "kubevirt.io", kVmims, "", ""));
  for (const auto& n : cancel) CHECK_FALSE(n.why.empty());
}

TEST_CASE("cluster problems: no KubeVirt CR, more than one, not Deployed, rolling out") {
  const Strategies none = {{methods({}), "HyperConverged openshift-cnv/kubevirt-hyperconverged"}};

  const auto missing = cluster_problems(wu::cluster::Snapshot{}, none, false);
  REQUIRE(missing.size() == 1);
  CHECK(mentions(missing, "no KubeVirt CR"));

  wu::cluster::Snapshot two = with_kubevirt();
  two.kubevirts.push_back(two.kubevirts.front());
  two.kubevirts.back().name = "second";
  const auto dup = cluster_problems(two, none, false);
  REQUIRE(dup.size() == 1);
  CHECK(mentions(dup, "2 KubeVirt CRs"));

  const auto deploying = cluster_problems(with_kubevirt("Deploying"), none, false);
  REQUIRE(deploying.size() == 1);
  CHECK(mentions(deploying, "kubevirt/kubevirt"));
  CHECK(mentions(deploying, "Deploying"));
  CHECK(mentions(deploying, "not Deployed"));
  CHECK(mentions(cluster_problems(with_kubevirt(""), none, false), "not yet deployed"));

  const auto rolling = cluster_problems(with_kubevirt("Deployed", "d1", "d2"), none, false);
  REQUIRE(rolling.size() == 1);
  CHECK(mentions(rolling, "rolling out"));

  CHECK(cluster_problems(with_kubevirt(), none, false).empty());
  CHECK(cluster_problems(with_kubevirt(), none, true).empty());
  CHECK(cluster_problems(with_kubevirt(), {}, false).empty());
}

TEST_CASE("cluster problems: KubeVirt's own updater active without --coexist") {
  const std::string hco = "HyperConverged openshift-cnv/kubevirt-hyperconverged";
  const std::string kv = "KubeVirt kubevirt/kubevirt";

  const auto active = cluster_problems(with_kubevirt(), {{methods({"LiveMigrate", "Evict"}), hco}, {methods({}), kv}}, false);
  REQUIRE(active.size() == 1);
  CHECK(mentions(active, "--coexist"));
  CHECK(mentions(active, "LiveMigrate, Evict"));
  CHECK(mentions(active, hco));
  CHECK(mentions(active, "workloadUpdateMethods"));
  CHECK(mentions(active, "--methods"));

  // HCO's methods emptied but not yet copied to the KubeVirt CR, which the updater reads.
  const auto kv_only = cluster_problems(with_kubevirt(), {{methods({}), hco}, {methods({"Evict"}), kv}}, false);
  REQUIRE(kv_only.size() == 1);
  CHECK(mentions(kv_only, kv));
  CHECK(mentions(kv_only, "--coexist"));

  CHECK(cluster_problems(with_kubevirt(), {{methods({"LiveMigrate", "Evict"}), hco}, {methods({"Evict"}), kv}}, true)
            .empty());
  CHECK(cluster_problems(with_kubevirt(), {{methods({}), hco}, {methods({}), kv}}, false).empty());
  CHECK(cluster_problems(with_kubevirt(), {{methods({"Unknown"}), kv}}, false).empty());  // no method it knows
}

}  // TEST_SUITE

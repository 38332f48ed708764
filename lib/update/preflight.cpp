#include "update/preflight.hpp"

#include <algorithm>

#include "decide/kubevirt_gates.hpp"

#include "cluster/resources.hpp"
#include "decide/plan.hpp"
#include "kube/resource_path.hpp"

namespace wu::update {

std::vector<AccessNeed> access_needs(const RunOptions& o, const std::string& kubevirt_namespace) {
  const std::string ns = o.namespace_;
  std::vector<AccessNeed> needs;
  for (const char* verb : {"list", "watch"}) {
    needs.push_back({verb, "kubevirt.io", "virtualmachineinstances", "", ns, "to follow the VMIs"});
    needs.push_back({verb, "kubevirt.io", "virtualmachines", "", ns, "to know which VMs come back after an eviction"});
    needs.push_back({verb, "", "pods", "", ns, "to follow the virt-launcher pods"});
    needs.push_back({verb, "kubevirt.io", "virtualmachineinstancemigrations", "", "",
                     "to count every migration in the cluster against the limits"});
    needs.push_back({verb, "kubevirt.io", "kubevirts", "", "",
                     "to pause while KubeVirt rolls out and to follow its launcher image"});
    needs.push_back({verb, "apps", "deployments", "", kubevirt_namespace,
                     "to follow virt-controller's launcher image during the run"});
    needs.push_back({verb, "apps", "daemonsets", "", kubevirt_namespace,
                     "to pause while virt-handler rolls out"});
    needs.push_back({verb, "", "nodes", "", "",
                     "to judge where migration target pods can go, and skip VMIs no node can take", true});
    if (!ns.empty())
      needs.push_back({verb, "", "pods", "", "", "to judge node capacity from every pod bound to a node", true});
  }
  // What the run reads before these checks (load_cluster_config): a 403 there ends it as a preflight error too.
  needs.push_back({"get", "apps", "deployments", "", kubevirt_namespace, "to read virt-controller's launcher image"});
  needs.push_back({"get", "hco.kubevirt.io", "hyperconvergeds", "", cluster::kHcoNamespace,
                   "to read the update strategy HCO gives the KubeVirt CR"});
  needs.push_back({"list", "hco.kubevirt.io", "hyperconvergeds", "", "",
                   std::string("to find a HyperConverged CR that is not ") + cluster::kHcoNamespace + "/" +
                       cluster::kHcoName});
  if (o.dry_run == DryRun::Client) return needs;
  if (o.config.live_migrate_enabled())
    needs.push_back({"create", "kubevirt.io", "virtualmachineinstancemigrations", "", ns, "to start live migrations"});
  if (o.config.evict_enabled())
    needs.push_back({"create", "", "pods", "eviction", ns, "to evict VMIs in batches (the Evict method)"});
  if (o.cancel_on_interrupt || o.config.live_migrate_enabled())
    needs.push_back({"delete", "kubevirt.io", "virtualmachineinstancemigrations", "", ns,
                     o.cancel_on_interrupt ? "to cancel this run's migrations on interrupt (--cancel-on-interrupt)"
                                           : "to delete this run's migrations stuck Pending (--pending-timeout)"});
  if (o.dry_run == DryRun::None && !o.updater_object.empty()) {
    const bool hco = o.updater_object == "hyperconvergeds";
    for (const char* verb : {"get", "patch"}) {
      const AccessNeed n{verb, hco ? "hco.kubevirt.io" : "kubevirt.io", o.updater_object, "", o.updater_namespace,
                         "to switch KubeVirt's updater off for the run and back on (--pause-cluster-updater)"};
      const bool asked = std::any_of(needs.begin(), needs.end(), [&](const AccessNeed& m) {
        return m.verb == n.verb && m.group == n.group && m.resource == n.resource && m.namespace_ == n.namespace_;
      });
      if (!asked) needs.push_back(n);
    }
  }
  if (o.dry_run == DryRun::None) {
    for (const char* verb : {"get", "create", "update"})
      needs.push_back({verb, "coordination.k8s.io", "leases", "", kubevirt_namespace,
                       "to hold the run Lease so that two runs never act at once"});
    for (const char* verb : {"list", "watch"})
      needs.push_back({verb, "coordination.k8s.io", "leases", "", kubevirt_namespace,
                       "to see at once when `abort` asks this run to stop; without it, at the next renewal",
                       true});
  }
  return needs;
}

std::vector<AccessNeed> abort_access_needs(bool cancel_migrations, const std::string& kubevirt_namespace) {
  std::vector<AccessNeed> needs;
  needs.push_back({"list", "kubevirt.io", "kubevirts", "", "", "to find the KubeVirt namespace, where the run Lease is"});
  needs.push_back({"get", "coordination.k8s.io", "leases", "", kubevirt_namespace, "to read the run Lease"});
  needs.push_back({"patch", "coordination.k8s.io", "leases", "", kubevirt_namespace,
                   "to ask the run holding the Lease to stop"});
  needs.push_back({"update", "coordination.k8s.io", "leases", "", kubevirt_namespace,
                   "to release the Lease of a run that was killed"});
  if (cancel_migrations)
    for (const char* verb : {"list", "delete"})
      needs.push_back({verb, "kubevirt.io", "virtualmachineinstancemigrations", "", "",
                       "to delete the run's unfinished migrations (--cancel-migrations)"});
  return needs;
}

std::vector<std::string> denied_access(kube::Client& client, const std::vector<AccessNeed>& needs,
                                       std::vector<std::string>* optional_denied) {
  std::vector<std::string> denied;
  for (const auto& n : needs) {
    nlohmann::json attrs = {{"verb", n.verb}, {"group", n.group}, {"resource", n.resource}};
    if (!n.subresource.empty()) attrs["subresource"] = n.subresource;
    if (!n.namespace_.empty()) attrs["namespace"] = n.namespace_;
    const nlohmann::json review = {{"apiVersion", "authorization.k8s.io/v1"},
                                   {"kind", "SelfSubjectAccessReview"},
                                   {"spec", {{"resourceAttributes", attrs}}}};
    // A review stores nothing, so it is safe to send again after a 500/503 or a dropped connection.
    kube::Request r;
    r.method = "POST";
    r.path = kube::resource_path(cluster::kAccessReviews);
    r.body = review.dump();
    r.idempotent = true;
    const nlohmann::json answer = nlohmann::json::parse(client.send(r).body, nullptr, false);
    const auto status = answer.value("status", nlohmann::json::object());
    if (status.value("allowed", false)) continue;
    std::string what = n.resource + (n.subresource.empty() ? "" : "/" + n.subresource);
    std::string line = "cannot " + n.verb + " " + what +
                       (n.namespace_.empty() ? std::string(" in all namespaces") : " in namespace " + n.namespace_) +
                       " (" + n.why + ")";
    const std::string reason = status.value("reason", "");
    if (!reason.empty()) line += ": " + reason;
    if (n.optional) {
      if (optional_denied) optional_denied->push_back(std::move(line));
    } else {
      denied.push_back(std::move(line));
    }
  }
  return denied;
}

std::vector<std::string> cluster_problems(const cluster::Snapshot& s,
                                          const std::vector<std::pair<decide::PlanConfig, std::string>>& strategies,
                                          bool coexist) {
  std::vector<std::string> problems;
  if (s.kubevirts.empty()) {
    problems.push_back("no KubeVirt CR found: is KubeVirt (or OpenShift Virtualization) installed on this cluster?");
    return problems;
  }
  if (s.kubevirts.size() > 1) {
    problems.push_back(std::to_string(s.kubevirts.size()) +
                       " KubeVirt CRs found; KubeVirt expects exactly one: delete the extra ones first");
    return problems;
  }
  const auto& kv = s.kubevirts.front();
  if (auto why = decide::kubevirt_not_deployed(kv))
    problems.push_back("KubeVirt " + kv.namespace_ + "/" + kv.name + ": " + *why +
                       ": wait until its deployment or rollout completes, so that VMIs move to the final launcher image");
  for (const auto& [config, source] : strategies) {
    if (coexist || !problems.empty() || !decide::updater_state(s, config).active) continue;
    std::string methods;
    for (const auto& m : config.methods) methods += (methods.empty() ? "" : ", ") + m;
    problems.push_back("KubeVirt's own workload updater is active (workloadUpdateMethods [" + methods + "] on " +
                       source +
                       ") and would act on the same VMIs. For a maintenance window set workloadUpdateMethods: [] "
                       "on the HyperConverged CR (HCO copies it to the KubeVirt CR) and pass --methods; or pass "
                       "--coexist to run alongside it");
  }
  return problems;
}

}  // namespace wu::update

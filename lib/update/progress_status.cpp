#include "update/progress_status.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "decide/vmi_facts.hpp"
#include "update/run_identity.hpp"

namespace wu::update {

const char* creator_name(Creator c) {
  switch (c) {
    case Creator::ThisTool: return "workload-update";
    case Creator::KubeVirt: return "kubevirt";
    case Creator::Other: return "other";
  }
  return "other";
}

Creator creator_of(const cluster::Vmim& m) {
  if (made_by_this_tool(m.labels)) return Creator::ThisTool;
  if (m.workload_update || m.evacuation) return Creator::KubeVirt;
  return Creator::Other;
}

ProgressStatus make_status(const cluster::Snapshot& s, const decide::Plan& plan, int stuck_after,
                           const nlohmann::json& lease) {
  ProgressStatus st;
  st.vmis = plan.summary.vmis;
  st.outdated = plan.summary.outdated;
  st.updater = plan.updater;

  std::map<std::string, const decide::Decision*> decision_by_key;
  for (const auto& d : plan.decisions) decision_by_key[decide::key_of(d.vmi->namespace_, d.vmi->name)] = &d;

  // Target pods carry their VMIM's UID (label kubevirt.io/migrationJobUID); the scheduler writes why it
  // cannot place one in its PodScheduled condition.
  std::map<std::string, const cluster::LauncherPod*> unscheduled_target;
  for (const auto& p : s.pods)
    if (!p.migration_job_uid.empty() && p.unschedulable) unscheduled_target[p.migration_job_uid] = &p;
  std::map<std::string, std::pair<cluster::Timestamp, std::string>> scheduling;  // newest VMIM's message per VMI

  std::map<std::string, std::vector<StatusAttempt>> attempts;
  for (const auto& m : s.vmims) {
    const std::string key = decide::key_of(m.namespace_, m.vmi_name);
    if (!decision_by_key.count(key)) continue;  // out of scope
    const Creator c = creator_of(m);
    if (!decide::vmim_is_final(m)) {
      if (c == Creator::ThisTool) ++st.in_flight_this_tool;
      else if (c == Creator::KubeVirt) ++st.in_flight_kubevirt;
      else ++st.in_flight_other;
    }
    attempts[key].push_back({m.name, m.phase.empty() ? "Pending" : m.phase, m.failure_reason, m.created, c});
    if (auto pod = unscheduled_target.find(m.uid); pod != unscheduled_target.end()) {
      auto& newest = scheduling[key];
      if (m.created >= newest.first)
        newest = {m.created, "target pod " + pod->second->name + " is Unschedulable: " +
                                 (pod->second->scheduling_message.empty() ? std::string("the scheduler gave no message")
                                                                          : pod->second->scheduling_message)};
    }
  }
  for (auto& [key, list] : attempts) {
    std::sort(list.begin(), list.end(), [](const StatusAttempt& a, const StatusAttempt& b) {
      return a.created != b.created ? a.created > b.created : a.name > b.name;
    });
    if (list.size() > 5) list.resize(5);
    const decide::Decision* d = decision_by_key[key];
    VmiAttempts v;
    v.namespace_ = d->vmi->namespace_;
    v.name = d->vmi->name;
    v.attempts = list;
    if (auto it = scheduling.find(key); it != scheduling.end()) v.scheduling_message = it->second.second;
    if (d->outcome == decide::Outcome::NoTargetNode) v.placement_message = d->placement_message;
    // Stuck: still outdated, and its last `stuck_after` finished attempts all failed (a retry in flight
    // does not clear that; KubeVirt retries for ever).
    std::vector<const StatusAttempt*> finished;
    for (const auto& a : list)
      if (a.phase == "Failed" || a.phase == "Succeeded") finished.push_back(&a);
    const bool enough = stuck_after > 0 && static_cast<int>(finished.size()) >= stuck_after;
    const bool all_failed = enough && std::all_of(finished.begin(), finished.begin() + stuck_after,
                                                  [](const StatusAttempt* a) { return a->phase == "Failed"; });
    if (d->outdated && all_failed) {
      v.stuck = true;
      std::set<std::string> reasons;
      for (int i = 0; i < stuck_after; ++i) {
        const std::string& r = finished[static_cast<std::size_t>(i)]->failure_reason;
        reasons.insert(r.empty() ? "no failure reason recorded" : r);
      }
      v.stuck_reason = "the last " + std::to_string(stuck_after) + " migrations failed: ";
      bool first = true;
      for (const auto& r : reasons) {
        v.stuck_reason += (first ? "" : "; ") + r;
        first = false;
      }
      ++st.stuck;
    }
    st.vmis_with_attempts.push_back(std::move(v));
  }
  // KubeVirt's migration controller can hold a VMI's migrations in Pending (or fail each one) for a reason
  // no attempt records: name it, and list such a VMI even before it has an attempt.
  for (auto& v : st.vmis_with_attempts) {
    const decide::Decision* d = decision_by_key[decide::key_of(v.namespace_, v.name)];
    if (!d->outdated || d->controller_blockers.empty()) continue;
    v.controller_blockers = d->controller_blockers;
    if (v.stuck) {
      v.stuck_reason += "; KubeVirt's migration controller: ";
      for (std::size_t i = 0; i < d->controller_blockers.size(); ++i)
        v.stuck_reason += (i ? ", " : "") + d->controller_blockers[i].code + " (" + d->controller_blockers[i].message + ")";
    }
  }
  for (const auto& d : plan.decisions) {
    if (!d.outdated || d.controller_blockers.empty()) continue;
    ++st.blocked;
    if (attempts.count(decide::key_of(d.vmi->namespace_, d.vmi->name))) continue;
    VmiAttempts v;
    v.namespace_ = d.vmi->namespace_;
    v.name = d.vmi->name;
    v.controller_blockers = d.controller_blockers;
    st.vmis_with_attempts.push_back(std::move(v));
  }
  std::sort(st.vmis_with_attempts.begin(), st.vmis_with_attempts.end(), [](const VmiAttempts& a, const VmiAttempts& b) {
    return a.namespace_ != b.namespace_ ? a.namespace_ < b.namespace_ : a.name < b.name;
  });
  if (lease.is_object()) {
    const auto spec = lease.value("spec", nlohmann::json::object());
    const std::string holder = spec.value("holderIdentity", "");
    if (!holder.empty()) st.lease_holder = holder;
  }
  return st;
}

}  // namespace wu::update

#include "decide/migration_limits.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "decide/vmi_facts.hpp"

namespace wu::decide {

bool vmim_is_final(const cluster::Vmim& m) { return m.phase == "Succeeded" || m.phase == "Failed"; }

bool vmim_is_running(const cluster::Vmim& m) {
  // Decentralized migrations (Scheduling on a decentralized source) are not modelled: the snapshot
  // keeps no spec.sendTo/receive, and the workload updater never creates them.
  return m.phase == "Scheduling" || m.phase == "Scheduled" || m.phase == "PreparingTarget" ||
         m.phase == "TargetReady" || m.phase == "Running";
}

int ActiveMigrations::outbound_on(const std::string& node) const {
  auto it = outbound.find(node);
  return it == outbound.end() ? 0 : it->second;
}

std::vector<std::string> outbound_nodes(const cluster::Vmi& v) {
  std::vector<std::string> out;
  if (!v.node.empty()) out.push_back(v.node);
  if (!v.migration_source_node.empty() && v.migration_source_node != v.node) out.push_back(v.migration_source_node);
  return out;
}

ActiveMigrations active_migrations(const cluster::Snapshot& s) {
  ActiveMigrations a;
  std::unordered_map<std::string, const cluster::Vmi*> vmi_by_key;
  for (const auto& v : s.vmis) vmi_by_key[key_of(v.namespace_, v.name)] = &v;
  // listMatchingTargetPods: pods labelled with the migration's UID (kubevirt.io/migrationJobUID).
  std::unordered_set<std::string> with_target_pod;
  for (const auto& p : s.pods)
    if (!p.migration_job_uid.empty()) with_target_pod.insert(p.migration_job_uid);
  for (const auto& m : s.vmims) {
    if (vmim_is_final(m)) continue;
    const bool running = vmim_is_running(m);
    a.running += running;
    auto it = vmi_by_key.find(key_of(m.namespace_, m.vmi_name));
    // findRunningMigrations skips a not-running migration whose VMI is gone; a running one counts.
    if (!running && (it == vmi_by_key.end() || !with_target_pod.count(m.uid))) continue;
    ++a.in_flight;
    a.in_flight_vmims.insert(key_of(m.namespace_, m.name));
    if (it != vmi_by_key.end()) {
      for (const auto& node : outbound_nodes(*it->second)) ++a.outbound[node];
    } else if (!m.source_node.empty()) {
      // A VMI outside the snapshot (another namespace than `run -n` lists): the VMIM's
      // status.migrationState mirrors the VMI's, so its sourceNode stands in for it.
      ++a.outbound[m.source_node];
    }
  }
  return a;
}

void MigrationQueue::add(const std::string& node, std::size_t position) {
  queues_[node].items.push_back(position);
  ++waiting_;
}

std::vector<std::size_t> MigrationQueue::admit(const MigrationSlots& slots) {
  std::vector<std::size_t> candidates;
  if (slots.cluster_free <= 0 || slots.node_limit <= 0) return candidates;
  for (const auto& [node, q] : queues_) {
    auto used = slots.node_used.find(node);
    int room = slots.node_limit - (used == slots.node_used.end() ? 0 : used->second);
    for (std::size_t k = q.next; k < q.items.size() && room > 0; ++k, --room) candidates.push_back(q.items[k]);
  }
  const std::size_t take = std::min<std::size_t>(candidates.size(), static_cast<std::size_t>(slots.cluster_free));
  std::partial_sort(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(take), candidates.end());
  candidates.resize(take);
  // The taken ones are at the heads of their queues (each queue is in plan order and a queue's
  // candidates are its first items), so each queue advances past the ones taken.
  std::unordered_set<std::size_t> taken(candidates.begin(), candidates.end());
  for (auto it = queues_.begin(); it != queues_.end();) {
    auto& q = it->second;
    while (q.next < q.items.size() && taken.count(q.items[q.next])) {
      ++q.next;
      --waiting_;
    }
    it = q.next < q.items.size() ? std::next(it) : queues_.erase(it);
  }
  return candidates;
}

}  // namespace wu::decide

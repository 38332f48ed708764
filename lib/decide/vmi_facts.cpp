#include "decide/vmi_facts.hpp"

namespace wu::decide {

bool is_final(const cluster::Vmi& v) { return v.phase == "Succeeded" || v.phase == "Failed"; }

bool is_running(const cluster::Vmi& v) { return v.phase == "Running"; }

bool is_migrating(const cluster::Vmi& v, cluster::Timestamp now) {
  if (v.migration_start == 0 || v.migration_start > now) return false;
  return v.migration_end == 0 || v.migration_end > now;
}

bool is_launcher_outdated(const cluster::Vmi& v, const std::string& current) {
  if (is_final(v)) return false;
  if (current.empty()) return v.outdated_label;
  return !v.launcher_image.empty() && v.launcher_image != current;
}

Trigger migration_need(const cluster::Vmi& v, cluster::Timestamp now) {
  if (is_final(v) || is_migrating(v, now) || v.abort_annotation) return Trigger::None;
  if (v.hot_vcpu_change) return Trigger::HotplugCPU;
  if (v.hot_memory_change) return Trigger::HotplugMemory;
  if (v.migration_required) return Trigger::MigrationRequired;
  if (v.volumes_change) return Trigger::VolumesChange;
  return Trigger::None;
}

bool has_valid_volume_migration(const cluster::Vmi& v) {
  return v.has_migrated_volumes && v.storage_live_migratable != "False";
}

bool vmim_is_final(const cluster::Vmim& m) { return m.phase == "Succeeded" || m.phase == "Failed"; }

bool vmim_is_running(const cluster::Vmim& m) {
  return m.phase == "Scheduling" || m.phase == "Scheduled" || m.phase == "PreparingTarget" ||
         m.phase == "TargetReady" || m.phase == "Running";
}

std::string key_of(const std::string& ns, const std::string& name) { return ns + "/" + name; }

ClusterIndex build_index(const cluster::Snapshot& s) {
  ClusterIndex index;
  std::map<std::string, const cluster::Vmi*> vmi_by_key;
  for (const auto& v : s.vmis) vmi_by_key[key_of(v.namespace_, v.name)] = &v;
  for (const auto& m : s.vmims) {
    if (vmim_is_final(m)) continue;
    const std::string key = key_of(m.namespace_, m.vmi_name);
    index.vmis_with_unfinished_vmim.insert(key);
    if (m.workload_update) ++index.unfinished_update_vmims[key];
    if (!vmim_is_running(m)) continue;
    ++index.active_migrations;
    auto it = vmi_by_key.find(key);
    if (it != vmi_by_key.end()) {
      const cluster::Vmi& v = *it->second;
      ++index.active_outbound_by_node[v.migration_source_node.empty() ? v.node : v.migration_source_node];
    }
  }
  index.pods_known = !s.pods.empty();
  for (const auto& p : s.pods)
    if (!p.vmi_name.empty()) index.vmis_with_launcher_pod.insert(key_of(p.namespace_, p.vmi_name));
  return index;
}

}  // namespace wu::decide

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
  return v.has_migrated_volumes && v.storage_live_migratable != "False" && !v.rwo_volume_not_migrated;
}

bool counted_by_kubevirt(const cluster::Vmi& v) { return is_running(v) && !is_final(v) && !v.deleting; }

std::string key_of(const std::string& ns, const std::string& name) { return ns + "/" + name; }

ClusterIndex build_index(const cluster::Snapshot& s) {
  ClusterIndex index;
  for (const auto& m : s.vmims) {
    if (vmim_is_final(m)) continue;
    const std::string key = key_of(m.namespace_, m.vmi_name);
    index.vmis_with_unfinished_vmim.insert(key);
    if (!m.uid.empty()) index.unfinished_vmim_uids.insert(m.uid);
    if (m.workload_update) ++index.unfinished_update_vmims[key];
  }
  index.active = active_migrations(s);
  index.pods_known = !s.pods.empty();
  index.pods = pods_by_owner(s.pods);
  return index;
}

}  // namespace wu::decide

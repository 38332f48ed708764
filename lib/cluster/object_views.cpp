#include "cluster/object_views.hpp"

#include <ctime>

namespace wu::cluster {

namespace {

using nlohmann::json;

const json& field(const json& j, const char* key) {
  static const json null_value;
  if (!j.is_object()) return null_value;
  auto it = j.find(key);
  return it == j.end() ? null_value : *it;
}

std::string str(const json& j, const char* key) {
  const json& v = field(j, key);
  return v.is_string() ? v.get<std::string>() : std::string();
}

bool has(const json& j, const char* key) {
  const json& v = field(j, key);
  return !v.is_null();
}

Labels labels_of(const json& metadata) {
  Labels out;
  const json& l = field(metadata, "labels");
  if (l.is_object())
    for (const auto& [k, v] : l.items()) out.emplace_back(k, v.is_string() ? v.get<std::string>() : v.dump());
  return out;
}

std::string controller_owner(const json& metadata, const char* kind) {
  const json& owners = field(metadata, "ownerReferences");
  if (!owners.is_array()) return {};
  for (const auto& o : owners)
    if (str(o, "kind") == kind && field(o, "controller").is_boolean() && field(o, "controller").get<bool>())
      return str(o, "name");
  return {};
}

}  // namespace

Timestamp parse_timestamp(const std::string& t) {
  if (t.size() < 19) return 0;
  std::tm tm{};
  if (std::sscanf(t.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
                  &tm.tm_sec) != 6)
    return 0;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  Timestamp seconds = static_cast<Timestamp>(timegm(&tm));
  std::size_t pos = 19;
  if (pos < t.size() && t[pos] == '.')
    while (++pos < t.size() && t[pos] >= '0' && t[pos] <= '9') {
    }
  if (pos < t.size() && (t[pos] == '+' || t[pos] == '-') && t.size() >= pos + 6) {
    const int sign = t[pos] == '+' ? 1 : -1;
    const int hours = std::atoi(t.substr(pos + 1, 2).c_str());
    const int minutes = std::atoi(t.substr(pos + 4, 2).c_str());
    seconds -= sign * (hours * 3600 + minutes * 60);
  }
  return seconds;
}

Vmi vmi_from_json(const json& o) {
  Vmi v;
  const json& md = field(o, "metadata");
  const json& spec = field(o, "spec");
  const json& st = field(o, "status");
  v.namespace_ = str(md, "namespace");
  v.name = str(md, "name");
  v.uid = str(md, "uid");
  v.labels = labels_of(md);
  for (const auto& [k, _] : v.labels)
    if (k == "kubevirt.io/outdatedLauncherImage") v.outdated_label = true;
  v.deleting = has(md, "deletionTimestamp");
  const json& annotations = field(md, "annotations");
  v.abort_annotation = has(annotations, "kubevirt.io/testWorkloadUpdateMigrationAbortion");
  v.owner_vm = controller_owner(md, "VirtualMachine");
  v.eviction_strategy = str(spec, "evictionStrategy");
  v.phase = str(st, "phase");
  v.node = str(st, "nodeName");
  v.launcher_image = str(st, "launcherContainerImageVersion");
  v.evacuation_node = str(st, "evacuationNodeName");
  const json& migrated = field(st, "migratedVolumes");
  v.has_migrated_volumes = migrated.is_array() && !migrated.empty();
  const json& conditions = field(st, "conditions");
  if (conditions.is_array())
    for (const auto& c : conditions) {
      const std::string type = str(c, "type"), status = str(c, "status");
      if (type == "LiveMigratable") {
        v.live_migratable = status;
        v.live_migratable_reason = str(c, "reason");
        v.live_migratable_message = str(c, "message");
      } else if (type == "StorageLiveMigratable") {
        v.storage_live_migratable = status;
      } else if (type == "HotVCPUChange") {
        v.hot_vcpu_change = true;
      } else if (type == "HotMemoryChange") {
        v.hot_memory_change = status == "True";
      } else if (type == "MigrationRequired") {
        v.migration_required = status == "True";
      } else if (type == "VolumesChange") {
        v.volumes_change = status == "True";
      }
    }
  const json& ms = field(st, "migrationState");
  if (ms.is_object()) {
    v.migration_start = parse_timestamp(str(ms, "startTimestamp"));
    v.migration_end = parse_timestamp(str(ms, "endTimestamp"));
    v.target_domain_ready = has(ms, "targetNodeDomainReadyTimestamp");
    v.migration_uid = str(ms, "migrationUid");
    v.migration_completed = field(ms, "completed").is_boolean() && field(ms, "completed").get<bool>();
    v.migration_failed = field(ms, "failed").is_boolean() && field(ms, "failed").get<bool>();
    v.migration_source_node = str(ms, "sourceNode");
  }
  return v;
}

Vm vm_from_json(const json& o) {
  Vm vm;
  const json& md = field(o, "metadata");
  const json& spec = field(o, "spec");
  vm.namespace_ = str(md, "namespace");
  vm.name = str(md, "name");
  const json& running = field(spec, "running");
  const std::string strategy = str(spec, "runStrategy");
  vm.run_strategy_conflict = running.is_boolean() && !strategy.empty();
  if (!strategy.empty()) vm.run_strategy = strategy;
  else if (running.is_boolean()) vm.run_strategy = running.get<bool>() ? "Always" : "Halted";
  else vm.run_strategy = "Halted";  // neither set: KubeVirt treats the VM as halted
  return vm;
}

Vmim vmim_from_json(const json& o) {
  Vmim m;
  const json& md = field(o, "metadata");
  const json& st = field(o, "status");
  m.namespace_ = str(md, "namespace");
  m.name = str(md, "name");
  m.uid = str(md, "uid");
  m.labels = labels_of(md);
  m.deleting = has(md, "deletionTimestamp");
  m.created = parse_timestamp(str(md, "creationTimestamp"));
  const json& annotations = field(md, "annotations");
  m.workload_update = has(annotations, "kubevirt.io/workloadUpdateMigration") ||
                      (annotations.is_object() && annotations.contains("kubevirt.io/workloadUpdateMigration"));
  m.evacuation = annotations.is_object() && annotations.contains("kubevirt.io/evacuationMigration");
  m.vmi_name = str(field(o, "spec"), "vmiName");
  m.phase = str(st, "phase");
  const json& transitions = field(st, "phaseTransitionTimestamps");
  if (transitions.is_array())
    for (const auto& t : transitions)
      if (str(t, "phase") == "Failed") m.failed_at = parse_timestamp(str(t, "phaseTransitionTimestamp"));
  const json& ms = field(st, "migrationState");
  m.failure_reason = str(ms, "failureReason");
  m.target_pod = str(ms, "targetPod");
  return m;
}

bool launcher_pod_from_json(const json& o, LauncherPod& p) {
  const json& md = field(o, "metadata");
  const json& labels = field(md, "labels");
  if (str(labels, "kubevirt.io") != "virt-launcher") return false;
  p.namespace_ = str(md, "namespace");
  p.name = str(md, "name");
  p.uid = str(md, "uid");
  p.deleting = has(md, "deletionTimestamp");
  p.created = parse_timestamp(str(md, "creationTimestamp"));
  p.vmi_name = str(field(md, "annotations"), "kubevirt.io/domain");
  p.migration_job_uid = str(labels, "kubevirt.io/migrationJobUID");
  const json& owners = field(md, "ownerReferences");
  if (owners.is_array())
    for (const auto& owner : owners)
      if (str(owner, "kind") == "VirtualMachineInstance") p.owner_vmi_uid = str(owner, "uid");
  p.node = str(field(o, "spec"), "nodeName");
  p.phase = str(field(o, "status"), "phase");
  const json& containers = field(field(o, "spec"), "containers");
  if (containers.is_array())
    for (const auto& c : containers)
      if (str(c, "name") == "compute") p.compute_image = str(c, "image");
  return true;
}

KubeVirtCr kubevirt_from_json(const json& o) {
  KubeVirtCr kv;
  const json& md = field(o, "metadata");
  const json& st = field(o, "status");
  kv.namespace_ = str(md, "namespace");
  kv.name = str(md, "name");
  kv.phase = str(st, "phase");
  kv.observed_deployment_id = str(st, "observedDeploymentID");
  kv.target_deployment_id = str(st, "targetDeploymentID");
  const json& outdated = field(st, "outdatedVirtualMachineInstanceWorkloads");
  if (outdated.is_number_integer()) kv.outdated_count = outdated.get<int>();
  return kv;
}

std::string launcher_image_from_deployment(const json& d) {
  const json& containers = field(field(field(field(d, "spec"), "template"), "spec"), "containers");
  if (!containers.is_array()) return {};
  const std::string flag = "--launcher-image";
  for (const auto& c : containers) {
    for (const char* list : {"command", "args"}) {
      const json& args = field(c, list);
      if (!args.is_array()) continue;
      for (std::size_t i = 0; i < args.size(); ++i) {
        if (!args[i].is_string()) continue;
        const std::string a = args[i].get<std::string>();
        if (a == flag && i + 1 < args.size() && args[i + 1].is_string()) return args[i + 1].get<std::string>();
        if (a.rfind(flag + "=", 0) == 0) return a.substr(flag.size() + 1);
      }
    }
  }
  return {};
}

bool add_object(Snapshot& s, const json& o, const std::string& kind_hint) {
  const std::string kind = kind_hint.empty() ? str(o, "kind") : kind_hint;
  if (kind.size() >= 4 && kind.compare(kind.size() - 4, 4, "List") == 0 && field(o, "items").is_array()) {
    const std::string item_kind = kind == "List" ? std::string() : kind.substr(0, kind.size() - 4);
    bool any = false;
    for (const auto& item : field(o, "items")) any = add_object(s, item, str(item, "kind").empty() ? item_kind : "") || any;
    return any;
  }
  if (kind == "VirtualMachineInstance") s.vmis.push_back(vmi_from_json(o));
  else if (kind == "VirtualMachine") s.vms.push_back(vm_from_json(o));
  else if (kind == "VirtualMachineInstanceMigration") s.vmims.push_back(vmim_from_json(o));
  else if (kind == "Pod") {
    LauncherPod p;
    if (!launcher_pod_from_json(o, p)) return false;
    s.pods.push_back(std::move(p));
  } else if (kind == "KubeVirt") {
    s.kubevirts.push_back(kubevirt_from_json(o));
    s.kubevirt_objects.push_back(o);
  } else if (kind == "HyperConverged") {
    s.hyperconverged_objects.push_back(o);
  } else if (kind == "Deployment") {
    if (str(field(o, "metadata"), "name") != "virt-controller") return false;
    const std::string image = launcher_image_from_deployment(o);
    if (!image.empty()) s.launcher_image = image;
  } else {
    return false;
  }
  return true;
}

}  // namespace wu::cluster

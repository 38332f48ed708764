#include "decide/migration_blockers.hpp"

#include <algorithm>

#include "util/strings.hpp"

namespace wu::decide {

namespace {

using B = std::optional<MigrationBlocker>;
using cluster::MigrationVolume;

bool contains(const std::vector<std::string>& list, const std::string& s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

using util::join;

// checkNetworkInterfacesForMigration (pkg/virt-handler/vm.go) -> VerifyVMIMigratable
// (pkg/network/vmispec/interface.go): the interface on the pod network must use masquerade or passt,
// bridge with the allow-pod-bridge-network-live-migration annotation, or a plugin with a migration method.
B interface_check(const cluster::Vmi& v, const MigrationConfig& c) {
  using cluster::PodBinding;
  std::string why;
  switch (v.pod_binding) {
    case PodBinding::None:
    case PodBinding::Masquerade: return std::nullopt;
    case PodBinding::Missing: why = "no interface for the pod network " + v.pod_binding_name; break;
    case PodBinding::Bridge:
      if (v.bridge_migration_allowed) return std::nullopt;
      why = "the pod network's interface uses bridge, without the annotation "
            "kubevirt.io/allow-pod-bridge-network-live-migration";
      break;
    case PodBinding::Plugin:
      if (contains(c.migratable_bindings, v.pod_binding_name)) return std::nullopt;
      why = "the pod network's interface uses binding plugin " + v.pod_binding_name +
            ", which has no migration method in the KubeVirt configuration";
      break;
    case PodBinding::Other:
      why = "the pod network's interface uses " + v.pod_binding_name + ", not masquerade or a migratable plugin";
      break;
  }
  return MigrationBlocker{"InterfaceNotLiveMigratable", why};
}

// vmiContainsNonMigratablePCIHostDevices (pkg/virt-handler/vm.go): any generic host device; more than
// one GPU; one GPU unless the VGPULiveMigration gate is on and it is a permitted mediated device.
B host_device_check(const cluster::Vmi& v, const MigrationConfig& c) {
  std::vector<std::string> parts, devices, gpus;
  const cluster::HostDevice* gpu = nullptr;
  for (const auto& d : v.host_devices) {
    (d.gpu ? gpus : devices).push_back(d.name);
    if (d.gpu) gpu = &d;
  }
  if (!devices.empty()) parts.push_back("hostDevices " + join(devices));
  if (gpus.size() > 1) parts.push_back("gpus " + join(gpus) + " (more than one GPU)");
  if (gpus.size() == 1) {
    std::vector<std::string> why;
    if (!c.vgpu_live_migration) why.push_back("feature gate VGPULiveMigration is not enabled");
    if (!contains(c.mediated_devices, gpu->device_name))
      why.push_back(gpu->device_name + " is not a permitted mediated device");
    if (!why.empty()) parts.push_back("gpus " + gpus[0] + " (" + join(why, "; ") + ")");
  }
  if (parts.empty()) return std::nullopt;
  return MigrationBlocker{"HostDeviceNotLiveMigratable", join(parts)};
}

// IsSEVVMI and IsTDXVMI (pkg/util/amd64.go), checked as `if SEV ... else if TDX` in vm.go.
B sev_check(const cluster::Vmi& v, const MigrationConfig&) {
  if (!v.sev) return std::nullopt;
  return MigrationBlocker{"SEVNotLiveMigratable", "VMI uses SEV"};
}

B tdx_check(const cluster::Vmi& v, const MigrationConfig&) {
  if (v.sev || !v.tdx) return std::nullopt;
  return MigrationBlocker{"TDXNotLiveMigratable", "VMI uses TDX"};
}

// IsSecureExecutionVMI (pkg/util/s390x.go): launchSecurity on s390x.
B secure_execution_check(const cluster::Vmi& v, const MigrationConfig&) {
  if (!v.launch_security || !v.s390x) return std::nullopt;
  return MigrationBlocker{"SecureExecutionNotLiveMigratable", "VMI uses Secure Execution"};
}

// GetTscFrequencyRequirement and AreTSCFrequencyTopologyHintsDefined
// (pkg/virt-controller/watch/topology/tsc.go): HyperV reenlightenment needs a TSC frequency to migrate,
// unless invtsc already requires one to boot.
B tsc_check(const cluster::Vmi& v, const MigrationConfig&) {
  if (v.invtsc_required || !v.hyperv_reenlightenment || v.tsc_frequency_hint) return std::nullopt;
  return MigrationBlocker{"NoTSCFrequencyNotLiveMigratable",
                          "HyperV Reenlightenment VMIs cannot migrate when TSC Frequency is not exposed on the "
                          "cluster: guest timers might be inconsistent"};
}

// calculateLiveMigrationCondition (pkg/virt-handler/vm.go): features.hypervPassthrough.enabled.
B hyperv_passthrough_check(const cluster::Vmi& v, const MigrationConfig&) {
  if (!v.hyperv_passthrough) return std::nullopt;
  return MigrationBlocker{"HypervPassthroughNotLiveMigratable", "VMI uses hyperv passthrough"};
}

// checkVolumesForMigration (pkg/virt-handler/vm.go): every PVC and DataVolume must be ReadWriteMany
// (HasSharedAccessMode, pkg/storage/types/pvc.go) or being migrated (IsMigratedVolume,
// pkg/storage/types/volume.go); a hostDisk must be shared, or be a translated PVC that passes that test.
B disks_check(const cluster::Vmi& v, const MigrationConfig&) {
  std::vector<std::string> parts;
  for (const auto& vol : v.migration_volumes) {
    const bool claim = vol.kind == MigrationVolume::Kind::Claim;
    if (claim && !vol.claim_info)
      parts.push_back("cannot tell whether PVC " + vol.name + " is shared: volumeStatus has no persistentVolumeClaimInfo for it");
    else if (vol.claim_info && !vol.shared && !vol.migrated)
      parts.push_back("PVC " + vol.name + " is not ReadWriteMany");
    else if (!claim && !vol.claim_info && !vol.host_disk_shared)
      parts.push_back("hostDisk " + vol.name + " is not shared");
  }
  if (parts.empty()) return std::nullopt;
  return MigrationBlocker{"DisksNotLiveMigratable", join(parts)};
}

}  // namespace

MigrationConfig migration_config(const cluster::KubeVirtCr* kv) {
  MigrationConfig c;
  if (!kv) return c;
  c.vgpu_live_migration = contains(kv->feature_gates, "VGPULiveMigration");
  c.mediated_devices = kv->mediated_devices;
  c.migratable_bindings = kv->migratable_bindings;
  return c;
}

const std::vector<BlockerCheck>& blocker_checks() {
  // calculateLiveMigrationCondition's order (pkg/virt-handler/vm.go); its host-model CPU check
  // (isHostModelMigratable) reads the node's CPU model, not the VMI, so only the condition tells it.
  static const std::vector<BlockerCheck> checks{
      {"Interfaces", interface_check},
      {"HostDevices", host_device_check},
      {"SEV", sev_check},
      {"TDX", tdx_check},
      {"SecureExecution", secure_execution_check},
      {"TSCFrequency", tsc_check},
      {"HypervPassthrough", hyperv_passthrough_check},
      {"Disks", disks_check},
  };
  return checks;
}

std::vector<MigrationBlocker> migration_blockers(const cluster::Vmi& vmi, const MigrationConfig& config) {
  // calculateLiveMigrationCondition sets LiveMigratable True only when every check passed.
  if (vmi.live_migratable == "True") return {};
  std::vector<MigrationBlocker> out;
  for (const auto& check : blocker_checks())
    if (auto b = check.apply(vmi, config)) out.push_back(std::move(*b));
  // The condition's reason is the first check that failed on virt-handler: it goes first.
  const std::string& reason = vmi.live_migratable_reason;
  if (vmi.live_migratable == "False" && !reason.empty() &&
      std::none_of(out.begin(), out.end(), [&](const MigrationBlocker& b) { return b.code == reason; }))
    out.insert(out.begin(), {reason, vmi.live_migratable_message.empty() ? "the LiveMigratable condition says so"
                                                                         : vmi.live_migratable_message});
  return out;
}

}  // namespace wu::decide

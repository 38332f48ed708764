// Every migration blocker (lib/decide/migration_blockers): one literal VMI per upstream check, then all
// of them at once, the condition's own reason, and how the plan carries them.
#include <doctest/doctest.h>

#include "decide/migration_blockers.hpp"
#include "decide_fixture.hpp"

using namespace decide_fixture;
using wu::cluster::HostDevice;
using wu::cluster::MigrationVolume;
using wu::cluster::PodBinding;
using wu::decide::migration_blockers;
using wu::decide::MigrationBlocker;
using wu::decide::MigrationConfig;

namespace {

// A migratable VMI: masquerade on the pod network, a ReadWriteMany PVC (the view does not keep it);
// no LiveMigratable condition yet, so only its spec and status decide.
Vmi clean(const std::string& name = "vm") {
  Vmi v = vmi(name);
  v.live_migratable.clear();
  v.pod_binding = PodBinding::Masquerade;
  return v;
}

HostDevice device(const std::string& name, const std::string& device_name, bool gpu) {
  HostDevice d;
  d.name = name;
  d.device_name = device_name;
  d.gpu = gpu;
  return d;
}

using Codes = std::vector<std::string>;

MigrationVolume claim(const std::string& name, bool info, bool shared, bool migrated = false) {
  MigrationVolume m;
  m.name = name;
  m.claim_info = info;
  m.shared = shared;
  m.migrated = migrated;
  return m;
}

MigrationVolume host_disk(const std::string& name, bool shared) {
  MigrationVolume m;
  m.kind = MigrationVolume::Kind::HostDisk;
  m.name = name;
  m.host_disk_shared = shared;
  return m;
}

}  // namespace

TEST_CASE("blockers: a masquerade VMI on ReadWriteMany storage has none") {
  CHECK(migration_blockers(clean(), {}).empty());
  Vmi no_interfaces = clean();
  no_interfaces.pod_binding = PodBinding::None;  // no interfaces, or no pod network: nothing to check
  CHECK(migration_blockers(no_interfaces, {}).empty());
  Vmi shared = clean();
  MigrationVolume rwx = claim("shared-root", true, true);  // the view drops these; a check passes them too
  shared.migration_volumes.push_back(rwx);
  CHECK(migration_blockers(shared, {}).empty());
}

TEST_CASE("blockers: DisksNotLiveMigratable names every unshared PVC and hostDisk") {
  Vmi v = clean("web-00");
  v.migration_volumes.push_back(claim("web-00-data", true, false));            // ReadWriteOnce
  v.migration_volumes.push_back(claim("web-00-logs", false, false));           // no claim info yet
  v.migration_volumes.push_back(claim("web-00-moving", true, false, true));    // being migrated: fine
  v.migration_volumes.push_back(host_disk("scratch", false));
  v.migration_volumes.push_back(host_disk("shared-scratch", true));            // shared: fine
  MigrationVolume translated = host_disk("web-00-pvc-as-disk", false);         // a PVC behind a hostDisk
  translated.claim_info = true;
  translated.shared = true;
  v.migration_volumes.push_back(translated);
  const auto b = migration_blockers(v, {});
  REQUIRE(b.size() == 1);
  CHECK(b[0].code == "DisksNotLiveMigratable");
  CHECK(b[0].message ==
        "PVC web-00-data is not ReadWriteMany, cannot tell whether PVC web-00-logs is shared: volumeStatus has no "
        "persistentVolumeClaimInfo for it, hostDisk scratch is not shared");
  Vmi rwo_translated = clean();
  MigrationVolume t = host_disk("claim-x", false);
  t.claim_info = true;  // translated PVC, ReadWriteOnce
  rwo_translated.migration_volumes.push_back(t);
  CHECK(migration_blockers(rwo_translated, {})[0].message == "PVC claim-x is not ReadWriteMany");
}

TEST_CASE("blockers: HostDeviceNotLiveMigratable for host devices and GPUs") {
  Vmi v = clean();
  v.host_devices = {device("gpu1", "nvidia.com/GA102", false), device("nic1", "intel.com/qat", false)};
  auto b = migration_blockers(v, {});
  REQUIRE(b.size() == 1);
  CHECK(b[0].code == "HostDeviceNotLiveMigratable");
  CHECK(b[0].message == "hostDevices gpu1, nic1");

  Vmi two = clean();
  two.host_devices = {device("g1", "nvidia.com/A10", true), device("g2", "nvidia.com/A10", true)};
  MigrationConfig gate_on{true, {"nvidia.com/A10"}, {}};
  CHECK(migration_blockers(two, gate_on)[0].message == "gpus g1, g2 (more than one GPU)");

  Vmi one = clean();
  one.host_devices = {device("g1", "nvidia.com/GRID_T4-1Q", true)};
  CHECK(migration_blockers(one, {})[0].message ==
        "gpus g1 (feature gate VGPULiveMigration is not enabled; nvidia.com/GRID_T4-1Q is not a permitted mediated "
        "device)");
  CHECK(migration_blockers(one, MigrationConfig{true, {}, {}})[0].message ==
        "gpus g1 (nvidia.com/GRID_T4-1Q is not a permitted mediated device)");
  CHECK(migration_blockers(one, MigrationConfig{false, {"nvidia.com/GRID_T4-1Q"}, {}})[0].message ==
        "gpus g1 (feature gate VGPULiveMigration is not enabled)");
  CHECK(migration_blockers(one, MigrationConfig{true, {"nvidia.com/GRID_T4-1Q"}, {}}).empty());
}

TEST_CASE("blockers: InterfaceNotLiveMigratable for the pod network's binding") {
  Vmi sriov = clean();
  sriov.pod_binding = PodBinding::Other;
  sriov.pod_binding_name = "sriov";
  auto b = migration_blockers(sriov, {});
  REQUIRE(b.size() == 1);
  CHECK(b[0].code == "InterfaceNotLiveMigratable");
  CHECK(b[0].message == "the pod network's interface uses sriov, not masquerade or a migratable plugin");

  Vmi bridge = clean();
  bridge.pod_binding = PodBinding::Bridge;
  CHECK(migration_blockers(bridge, {})[0].message ==
        "the pod network's interface uses bridge, without the annotation "
        "kubevirt.io/allow-pod-bridge-network-live-migration");
  bridge.bridge_migration_allowed = true;
  CHECK(migration_blockers(bridge, {}).empty());

  Vmi plugin = clean();
  plugin.pod_binding = PodBinding::Plugin;
  plugin.pod_binding_name = "l2bridge";
  CHECK(migration_blockers(plugin, {})[0].message ==
        "the pod network's interface uses binding plugin l2bridge, which has no migration method in the KubeVirt "
        "configuration");
  CHECK(migration_blockers(plugin, MigrationConfig{false, {}, {"l2bridge"}}).empty());

  Vmi missing = clean();
  missing.pod_binding = PodBinding::Missing;
  missing.pod_binding_name = "pod";
  CHECK(migration_blockers(missing, {})[0].message == "no interface for the pod network pod");
}

TEST_CASE("blockers: SEV, TDX, Secure Execution, TSC frequency, hyperv passthrough") {
  Vmi sev = clean();
  sev.launch_security = true;
  sev.sev = true;
  CHECK(codes(migration_blockers(sev, {})) == Codes{"SEVNotLiveMigratable"});
  CHECK(migration_blockers(sev, {})[0].message == "VMI uses SEV");
  sev.tdx = true;  // `if SEV ... else if TDX`: SEV wins
  CHECK(codes(migration_blockers(sev, {})) == Codes{"SEVNotLiveMigratable"});

  Vmi tdx = clean();
  tdx.launch_security = true;
  tdx.tdx = true;
  CHECK(codes(migration_blockers(tdx, {})) == Codes{"TDXNotLiveMigratable"});

  Vmi se = clean();
  se.launch_security = true;
  CHECK(migration_blockers(se, {}).empty());  // launchSecurity off s390x is not Secure Execution
  se.s390x = true;
  CHECK(codes(migration_blockers(se, {})) == Codes{"SecureExecutionNotLiveMigratable"});
  CHECK(migration_blockers(se, {})[0].message == "VMI uses Secure Execution");

  Vmi tsc = clean();
  tsc.hyperv_reenlightenment = true;
  CHECK(codes(migration_blockers(tsc, {})) == Codes{"NoTSCFrequencyNotLiveMigratable"});
  tsc.tsc_frequency_hint = true;  // topologyHints.tscFrequency set: it can migrate
  CHECK(migration_blockers(tsc, {}).empty());
  tsc.tsc_frequency_hint = false;
  tsc.invtsc_required = true;  // RequiredForBoot, not RequiredForMigration
  CHECK(migration_blockers(tsc, {}).empty());

  Vmi hp = clean();
  hp.hyperv_passthrough = true;
  CHECK(codes(migration_blockers(hp, {})) == Codes{"HypervPassthroughNotLiveMigratable"});
  CHECK(migration_blockers(hp, {})[0].message == "VMI uses hyperv passthrough");
}

TEST_CASE("blockers: all at once, in calculateLiveMigrationCondition's order") {
  Vmi v = clean();
  v.pod_binding = PodBinding::Other;
  v.pod_binding_name = "sriov";
  v.host_devices = {device("gpu1", "nvidia.com/GA102", false)};
  v.launch_security = true;
  v.sev = true;
  v.s390x = true;
  v.hyperv_reenlightenment = true;
  v.hyperv_passthrough = true;
  v.migration_volumes.push_back(claim("data", true, false));
  CHECK(codes(migration_blockers(v, {})) ==
        Codes{"InterfaceNotLiveMigratable", "HostDeviceNotLiveMigratable", "SEVNotLiveMigratable",
              "SecureExecutionNotLiveMigratable", "NoTSCFrequencyNotLiveMigratable",
              "HypervPassthroughNotLiveMigratable", "DisksNotLiveMigratable"});
}

TEST_CASE("blockers: the condition's own reason when no check derived it, first") {
  Vmi host_model = clean();
  host_model.live_migratable = "False";
  host_model.live_migratable_reason = "CPUModeLiveMigratable";
  host_model.live_migratable_message = "the node \"node-1\" does not allow migration with host-model";
  auto b = migration_blockers(host_model, {});
  REQUIRE(b.size() == 1);
  CHECK(b[0].code == "CPUModeLiveMigratable");
  CHECK(b[0].message == host_model.live_migratable_message);
  host_model.migration_volumes.push_back(claim("data", true, false));
  CHECK(codes(migration_blockers(host_model, {})) == Codes{"CPUModeLiveMigratable", "DisksNotLiveMigratable"});

  Vmi disks = clean();  // the condition names what a check found too: listed once
  disks.live_migratable = "False";
  disks.live_migratable_reason = "DisksNotLiveMigratable";
  disks.migration_volumes.push_back(claim("data", true, false));
  CHECK(codes(migration_blockers(disks, {})) == Codes{"DisksNotLiveMigratable"});
  disks.migration_volumes.pop_back();  // status moved on: the condition still counts
  b = migration_blockers(disks, {});
  REQUIRE(b.size() == 1);
  CHECK(b[0].message == "the LiveMigratable condition says so");
}

TEST_CASE("blockers: none while LiveMigratable is True, whatever the spec says") {
  Vmi v = clean();
  v.host_devices = {device("gpu1", "nvidia.com/GA102", false)};
  v.live_migratable = "True";  // every check passed on virt-handler
  CHECK(migration_blockers(v, {}).empty());
  v.live_migratable = "False";
  v.live_migratable_reason = "HostDeviceNotLiveMigratable";
  CHECK(codes(migration_blockers(v, {})) == Codes{"HostDeviceNotLiveMigratable"});
}

TEST_CASE("blockers: the plan carries them for Running VMIs, with the KubeVirt CR's configuration") {
  Vmi gpu = clean("gpu");
  gpu.host_devices = {device("g1", "nvidia.com/GRID_T4-1Q", true)};
  Vmi pending = clean("pending");
  pending.phase = "Scheduling";
  pending.migration_volumes.push_back(claim("pending-data", false, false));
  Vmi fine = clean("fine");
  Snapshot s = cluster({gpu, pending, fine});
  auto p = wu::decide::make_plan(s, config({"LiveMigrate"}));
  CHECK(codes(of(p, "gpu").blockers) == Codes{"HostDeviceNotLiveMigratable"});
  CHECK(of(p, "pending").blockers.empty());  // not Running: volumeStatus is not filled in yet
  CHECK(of(p, "fine").blockers.empty());

  s.kubevirts[0].feature_gates = {"VGPULiveMigration"};
  s.kubevirts[0].mediated_devices = {"nvidia.com/GRID_T4-1Q"};
  p = wu::decide::make_plan(s, config({"LiveMigrate"}));
  CHECK(of(p, "gpu").blockers.empty());
}

#include "cluster/view_decoder.hpp"

#include <algorithm>
#include <iterator>

#include <simdjson.h>

#include "strategy/quantity.hpp"
#include "cluster/placement_interner.hpp"
#include "util/rfc3339.hpp"
#include "yaml/load_limits.hpp"

namespace wu::cluster {

namespace {

namespace od = simdjson::ondemand;

std::string str(od::value v) {
  std::string_view s;
  if (v.get_string().get(s)) return {};
  return std::string(s);
}

bool boolean(od::value v) {
  bool b = false;
  if (v.get_bool().get(b)) return false;
  return b;
}

bool is_null(od::value v) {
  bool null = false;
  return !v.is_null().get(null) && null;
}

// Calls f(key, value) for each field of an object value; non-objects are skipped.
template <typename F>
void for_fields(od::value v, F&& f) {
  od::object o;
  if (v.get_object().get(o)) return;
  for (auto field : o) {
    std::string_view key;
    if (field.unescaped_key().get(key)) continue;
    f(key, field.value());
  }
}

template <typename F>
void for_items(od::value v, F&& f) {
  od::array a;
  if (v.get_array().get(a)) return;
  for (auto item : a) {
    od::value value;
    if (item.get(value)) continue;
    f(value);
  }
}

struct Metadata {
  std::string namespace_, name, uid;
  Labels labels;
  bool deleting = false;
  Timestamp created = 0;
  std::string controller_kind, controller_name, controller_uid;
};

// Reads metadata, handing annotations to `on_annotation`.
template <typename OnAnnotation>
void decode_metadata(od::value v, Metadata& m, OnAnnotation&& on_annotation) {
  for_fields(v, [&](std::string_view key, od::value value) {
    if (key == "name") m.name = str(value);
    else if (key == "namespace") m.namespace_ = str(value);
    else if (key == "uid") m.uid = str(value);
    else if (key == "creationTimestamp") m.created = parse_timestamp(str(value));
    else if (key == "deletionTimestamp") m.deleting = !is_null(value);
    else if (key == "labels")
      for_fields(value, [&](std::string_view k, od::value lv) { m.labels.emplace_back(std::string(k), str(lv)); });
    else if (key == "annotations")
      for_fields(value, [&](std::string_view k, od::value av) { on_annotation(k, av); });
    else if (key == "ownerReferences")
      for_items(value, [&](od::value owner) {
        std::string kind, name, uid;
        bool controller = false;
        for_fields(owner, [&](std::string_view k, od::value ov) {
          if (k == "kind") kind = str(ov);
          else if (k == "name") name = str(ov);
          else if (k == "uid") uid = str(ov);
          else if (k == "controller") controller = boolean(ov);
        });
        if (controller) m.controller_kind = kind, m.controller_name = name, m.controller_uid = uid;
      });
  });
}

bool present(od::value v) { return !is_null(v); }

// The labels whose keys are in `keys`: what a live snapshot keeps for selectors it must apply itself.
Labels labels_named(Labels labels, const std::vector<std::string>& keys) {
  if (keys.empty()) return {};
  std::erase_if(labels, [&](const auto& kv) { return std::find(keys.begin(), keys.end(), kv.first) == keys.end(); });
  labels.shrink_to_fit();
  return labels;
}

// A spec.volumes[] entry, before it is joined with its status.
struct SpecVolume {
  std::string name, claim;  // claim: persistentVolumeClaim.claimName or dataVolume.name
  bool claim_source = false, host_disk = false, host_disk_shared = false;
};

// A status.volumeStatus[] entry with persistentVolumeClaimInfo.
struct ClaimStatus {
  std::string claim;
  bool read_write_many = false;
};

// A spec.domain.devices.interfaces[] entry's binding, judged in VerifyVMIMigratable's order
// (pkg/network/vmispec/interface.go): masquerade or passtBinding, then bridge, then a plugin.
struct InterfaceSpec {
  std::string name, plugin, other;
  bool masquerade = false, passt = false, bridge = false, binding = false;
  PodBinding kind() const {
    if (masquerade || passt) return PodBinding::Masquerade;
    if (bridge) return PodBinding::Bridge;
    if (binding) return PodBinding::Plugin;
    return PodBinding::Other;
  }
};

void decode_vmi_domain(od::value v, Vmi& vmi, std::vector<InterfaceSpec>& interfaces,
                       std::vector<HostDevice>& host_devices, std::vector<HostDevice>& gpus,
                       std::string& guest_memory, std::string& requested_memory) {
  for_fields(v, [&](std::string_view k, od::value dv) {
    if (k == "launchSecurity" && present(dv)) {
      vmi.launch_security = true;
      for_fields(dv, [&](std::string_view lk, od::value lv) {
        if ((lk == "sev" || lk == "snp") && present(lv)) vmi.sev = true;
        else if (lk == "tdx" && present(lv)) vmi.tdx = true;
      });
    } else if (k == "memory") {
      for_fields(dv, [&](std::string_view mk, od::value mv) {
        if (mk == "guest") guest_memory = str(mv);
      });
    } else if (k == "resources") {
      for_fields(dv, [&](std::string_view rk, od::value rv) {
        if (rk != "requests") return;
        for_fields(rv, [&](std::string_view qk, od::value qv) {
          if (qk == "memory") requested_memory = str(qv);
        });
      });
    } else if (k == "cpu") {
      for_fields(dv, [&](std::string_view ck, od::value cv) {
        if (ck == "model") vmi.host_model_cpu = str(cv) == "host-model";
        if (ck != "features") return;
        for_items(cv, [&](od::value f) {
          std::string name, policy;
          for_fields(f, [&](std::string_view fk, od::value fv) {
            if (fk == "name") name = str(fv);
            else if (fk == "policy") policy = str(fv);
          });
          if (name == "invtsc" && (policy == "require" || policy == "force")) vmi.invtsc_required = true;
        });
      });
    } else if (k == "features") {
      for_fields(dv, [&](std::string_view fk, od::value fv) {
        if (fk == "hypervPassthrough")
          for_fields(fv, [&](std::string_view hk, od::value hv) {
            if (hk == "enabled") vmi.hyperv_passthrough = boolean(hv);
          });
        else if (fk == "hyperv")
          for_fields(fv, [&](std::string_view hk, od::value hv) {
            if (hk == "reenlightenment")
              for_fields(hv, [&](std::string_view rk, od::value rv) {
                if (rk == "enabled") vmi.hyperv_reenlightenment = boolean(rv);
              });
          });
      });
    } else if (k == "devices") {
      for_fields(dv, [&](std::string_view devk, od::value devv) {
        if (devk == "hostDevices")
          for_items(devv, [&](od::value h) {
            HostDevice d;
            for_fields(h, [&](std::string_view hk, od::value hv) {
              if (hk == "name") d.name = str(hv);
              else if (hk == "deviceName") d.device_name = str(hv);
            });
            host_devices.push_back(std::move(d));
          });
        else if (devk == "gpus")
          for_items(devv, [&](od::value g) {
            HostDevice d;
            d.gpu = true;
            for_fields(g, [&](std::string_view gk, od::value gv) {
              if (gk == "name") d.name = str(gv);
              else if (gk == "deviceName") d.device_name = str(gv);
            });
            gpus.push_back(std::move(d));
          });
        else if (devk == "interfaces")
          for_items(devv, [&](od::value i) {
            InterfaceSpec iface;
            for_fields(i, [&](std::string_view ik, od::value iv) {
              if (ik == "name") iface.name = str(iv);
              else if (!present(iv)) return;
              else if (ik == "masquerade") iface.masquerade = true;
              else if (ik == "passtBinding") iface.passt = true;
              else if (ik == "bridge") iface.bridge = true;
              else if (ik == "binding") {
                iface.binding = true;
                for_fields(iv, [&](std::string_view bk, od::value bv) {
                  if (bk == "name") iface.plugin = str(bv);
                });
              } else if (ik == "sriov" || ik == "slirp" || ik == "macvtap" || ik == "passt")
                iface.other = std::string(ik);
            });
            interfaces.push_back(std::move(iface));
          });
      });
    }
  });
}

void decode_vmi(od::value v, Snapshot& s) {
  Vmi vmi;
  Metadata md;
  std::vector<std::string> migrated_volumes, rwo_volumes;
  std::vector<SpecVolume> spec_volumes;
  std::vector<std::pair<std::string, ClaimStatus>> claim_statuses;  // by volume name
  std::vector<InterfaceSpec> interfaces;
  std::vector<HostDevice> host_devices, gpus;
  std::string pod_network;
  bool has_pod_network = false;
  std::string guest_memory, requested_memory;
  for_fields(v, [&](std::string_view key, od::value value) {
    if (key == "metadata") {
      decode_metadata(value, md, [&](std::string_view k, od::value) {
        if (k == "kubevirt.io/testWorkloadUpdateMigrationAbortion") vmi.abort_annotation = true;
        else if (k == "kubevirt.io/allow-pod-bridge-network-live-migration") vmi.bridge_migration_allowed = true;
      });
    } else if (key == "spec") {
      for_fields(value, [&](std::string_view k, od::value sv) {
        if (k == "evictionStrategy") vmi.eviction_strategy = str(sv);
        else if (k == "architecture") vmi.s390x = str(sv) == "s390x";
        else if (k == "domain") decode_vmi_domain(sv, vmi, interfaces, host_devices, gpus, guest_memory, requested_memory);
        else if (k == "utilityVolumes")
          for_items(sv, [&](od::value u) {
            for_fields(u, [&](std::string_view uk, od::value uv) {
              if (uk == "name") vmi.utility_volumes.push_back(str(uv));
            });
          });
        else if (k == "networks")
          for_items(sv, [&](od::value n) {
            std::string name;
            bool pod = false;
            for_fields(n, [&](std::string_view nk, od::value nv) {
              if (nk == "name") name = str(nv);
              else if (nk == "pod") pod = present(nv);
            });
            // LookupPodNetwork (pkg/network/vmispec/network.go): the first one.
            if (pod && !has_pod_network) has_pod_network = true, pod_network = std::move(name);
          });
        else if (k == "volumes")
          for_items(sv, [&](od::value volume) {
            SpecVolume vol;
            for_fields(volume, [&](std::string_view vk, od::value vv) {
              if (vk == "name") vol.name = str(vv);
              else if (!present(vv)) return;
              else if (vk == "persistentVolumeClaim" || vk == "dataVolume") {
                vol.claim_source = true;
                for_fields(vv, [&](std::string_view ck, od::value cv) {
                  if (ck == (vk == "dataVolume" ? "name" : "claimName")) vol.claim = str(cv);
                });
              } else if (vk == "hostDisk") {
                vol.host_disk = true;
                for_fields(vv, [&](std::string_view hk, od::value hv) {
                  if (hk == "shared") vol.host_disk_shared = boolean(hv);
                });
              }
            });
            if (vol.claim_source || vol.host_disk) spec_volumes.push_back(std::move(vol));
          });
      });
    } else if (key == "status") {
      for_fields(value, [&](std::string_view k, od::value sv) {
        if (k == "phase") vmi.phase = str(sv);
        else if (k == "nodeName") vmi.node = str(sv);
        else if (k == "launcherContainerImageVersion") vmi.launcher_image = str(sv);
        else if (k == "evacuationNodeName") vmi.evacuation_node = str(sv);
        else if (k == "migratedVolumes")
          for_items(sv, [&](od::value mv) {
            vmi.has_migrated_volumes = true;
            for_fields(mv, [&](std::string_view mk, od::value x) {
              if (mk == "volumeName") migrated_volumes.push_back(str(x));
            });
          });
        else if (k == "volumeStatus")
          for_items(sv, [&](od::value vs) {
            std::string name;
            bool pvc = false, shared = false;
            ClaimStatus claim;
            for_fields(vs, [&](std::string_view vk, od::value x) {
              if (vk == "name") name = str(x);
              else if (vk == "persistentVolumeClaimInfo" && !is_null(x)) {
                pvc = true;
                for_fields(x, [&](std::string_view pk, od::value px) {
                  if (pk == "claimName") claim.claim = str(px);
                  else if (pk == "accessModes")
                    for_items(px, [&](od::value mode) {
                      const std::string m = str(mode);
                      if (m == "ReadOnlyMany" || m == "ReadWriteMany") shared = true;
                      if (m == "ReadWriteMany") claim.read_write_many = true;
                    });
                });
              }
            });
            // IsReadWriteOnceAccessMode (pkg/storage/types/pvc.go): no shared mode means RWO.
            // IsBackendStorageVolume (backend-storage.go): the persistent VM state is migrated apart.
            if (pvc && !shared && name.rfind("persistent-state-for", 0) != 0) rwo_volumes.push_back(name);
            if (pvc) claim_statuses.emplace_back(name, std::move(claim));
          });
        else if (k == "changedBlockTracking")
          // IsBackupInProgress (pkg/util/migrations/migrations.go): a backup name, not completed.
          for_fields(sv, [&](std::string_view ck, od::value cv) {
            if (ck != "backupStatus") return;
            std::string name;
            bool completed = false;
            for_fields(cv, [&](std::string_view bk, od::value bv) {
              if (bk == "backupName") name = str(bv);
              else if (bk == "completed") completed = boolean(bv);
            });
            if (!completed) vmi.backup_in_progress = std::move(name);
          });
        else if (k == "topologyHints")
          for_fields(sv, [&](std::string_view tk, od::value tv) {
            std::int64_t hz = 0;
            if (tk == "tscFrequency" && !tv.get_int64().get(hz)) vmi.tsc_frequency_hint = hz > 0;
          });
        else if (k == "conditions")
          for_items(sv, [&](od::value c) {
            std::string type, status, reason, message;
            for_fields(c, [&](std::string_view ck, od::value cv) {
              if (ck == "type") type = str(cv);
              else if (ck == "status") status = str(cv);
              else if (ck == "reason") reason = str(cv);
              else if (ck == "message") message = str(cv);
            });
            if (type == "LiveMigratable") {
              vmi.live_migratable = status;
              vmi.live_migratable_reason = reason;
              vmi.live_migratable_message = status == "False" ? std::move(message) : std::string();
            } else if (type == "StorageLiveMigratable") vmi.storage_live_migratable = status;
            else if (type == "HotVCPUChange") vmi.hot_vcpu_change = true;
            else if (type == "HotMemoryChange") vmi.hot_memory_change = status == "True";
            else if (type == "MigrationRequired") vmi.migration_required = status == "True";
            else if (type == "VolumesChange") vmi.volumes_change = status == "True";
          });
        else if (k == "migrationState")
          for_fields(sv, [&](std::string_view mk, od::value mv) {
            if (mk == "startTimestamp") vmi.migration_start = parse_timestamp(str(mv));
            else if (mk == "endTimestamp") vmi.migration_end = parse_timestamp(str(mv));
            else if (mk == "targetNodeDomainReadyTimestamp") vmi.target_domain_ready = !is_null(mv);
            else if (mk == "migrationUid") vmi.migration_uid = str(mv);
            else if (mk == "completed") vmi.migration_completed = boolean(mv);
            else if (mk == "failed") vmi.migration_failed = boolean(mv);
            else if (mk == "sourceNode") vmi.migration_source_node = str(mv);
          });
      });
    }
  });
  vmi.namespace_ = std::move(md.namespace_);
  vmi.name = std::move(md.name);
  vmi.uid = std::move(md.uid);
  vmi.deleting = md.deleting;
  if (md.controller_kind == "VirtualMachine") vmi.owner_vm = md.controller_name;
  for (const auto& [k, _] : md.labels)
    if (k == "kubevirt.io/outdatedLauncherImage") vmi.outdated_label = true;
  vmi.has_labels = !md.labels.empty();
  if (s.keep_vmi_labels) vmi.labels = std::move(md.labels);
  else vmi.labels = labels_named(std::move(md.labels), s.vmi_label_keys);
  // getVMIMigrationDataSize (pkg/virt-launcher/virtwrap/manager.go): the memory request, overridden by
  // an explicit guest memory.
  const std::string& memory = guest_memory.empty() ? requested_memory : guest_memory;
  // Beyond 2^62 bytes (or not finite) it is no memory size: unknown.
  if (auto bytes = strategy::quantity_value(memory); bytes && *bytes > 0 && *bytes < 0x1p62)
    vmi.memory_bytes = static_cast<std::int64_t>(*bytes);
  for (const auto& rwo : rwo_volumes)
    if (std::find(migrated_volumes.begin(), migrated_volumes.end(), rwo) == migrated_volumes.end())
      vmi.rwo_volume_not_migrated = true;
  // checkVolumesForMigration (pkg/virt-handler/vm.go) looks each volume up in volumeStatus by name.
  for (auto& sv : spec_volumes) {
    MigrationVolume mv;
    mv.kind = sv.claim_source ? MigrationVolume::Kind::Claim : MigrationVolume::Kind::HostDisk;
    mv.name = sv.claim_source ? std::move(sv.claim) : sv.name;
    mv.host_disk_shared = sv.host_disk_shared;
    mv.migrated = std::find(migrated_volumes.begin(), migrated_volumes.end(), sv.name) != migrated_volumes.end();
    auto st = std::find_if(claim_statuses.begin(), claim_statuses.end(),
                           [&](const auto& c) { return c.first == sv.name; });
    if (st != claim_statuses.end()) {
      mv.claim_info = true;
      mv.shared = st->second.read_write_many;
      if (mv.kind == MigrationVolume::Kind::HostDisk && !st->second.claim.empty()) mv.name = st->second.claim;
    }
    if (!(mv.claim_info && mv.shared)) vmi.migration_volumes.push_back(std::move(mv));
  }
  vmi.host_devices = std::move(host_devices);
  vmi.host_devices.insert(vmi.host_devices.end(), std::make_move_iterator(gpus.begin()),
                          std::make_move_iterator(gpus.end()));
  // VerifyVMIMigratable (pkg/network/vmispec/interface.go) has nothing to check without interfaces.
  if (!interfaces.empty() && has_pod_network) {
    vmi.pod_binding = PodBinding::Missing;
    vmi.pod_binding_name = pod_network;
    for (const auto& iface : interfaces)
      if (iface.name == pod_network) {
        vmi.pod_binding = iface.kind();
        vmi.pod_binding_name = vmi.pod_binding == PodBinding::Plugin  ? iface.plugin
                               : vmi.pod_binding == PodBinding::Other ? (iface.other.empty() ? "no binding" : iface.other)
                                                                      : std::string();
        break;
      }
  }
  s.vmis.push_back(std::move(vmi));
}

void decode_vm(od::value v, Snapshot& s) {
  Vm vm;
  Metadata md;
  std::string strategy;
  int running = -1;  // -1 unset, 0 false, 1 true
  for_fields(v, [&](std::string_view key, od::value value) {
    if (key == "metadata") decode_metadata(value, md, [](std::string_view, od::value) {});
    else if (key == "spec")
      for_fields(value, [&](std::string_view k, od::value sv) {
        if (k == "runStrategy") strategy = str(sv);
        else if (k == "running" && !is_null(sv)) running = boolean(sv) ? 1 : 0;
      });
  });
  vm.namespace_ = std::move(md.namespace_);
  vm.name = std::move(md.name);
  vm.run_strategy_conflict = running >= 0 && !strategy.empty();
  // spec.running: true means Always, false or neither means Halted (KubeVirt reference §5).
  vm.run_strategy = !strategy.empty() ? strategy : running == 1 ? "Always" : "Halted";
  s.vms.push_back(std::move(vm));
}

void decode_vmim(od::value v, Snapshot& s) {
  Vmim m;
  Metadata md;
  for_fields(v, [&](std::string_view key, od::value value) {
    if (key == "metadata") {
      decode_metadata(value, md, [&](std::string_view k, od::value av) {
        if (k == "kubevirt.io/workloadUpdateMigration") m.workload_update = true;
        else if (k == "kubevirt.io/evacuationMigration") m.evacuation = true;
        else if (k == "workload-update.kubevirt.io/target-launcher-image") m.target_image = str(av);
      });
    } else if (key == "spec") {
      for_fields(value, [&](std::string_view k, od::value sv) {
        if (k == "vmiName") m.vmi_name = str(sv);
      });
    } else if (key == "status") {
      for_fields(value, [&](std::string_view k, od::value sv) {
        if (k == "phase") m.phase = str(sv);
        else if (k == "conditions")
          for_items(sv, [&](od::value c) {
            std::string type, status, reason, message;
            for_fields(c, [&](std::string_view ck, od::value cv) {
              if (ck == "type") type = str(cv);
              else if (ck == "status") status = str(cv);
              else if (ck == "reason") reason = str(cv);
              else if (ck == "message") message = str(cv);
            });
            if (status == "True" && !type.empty())
              m.conditions.push_back(type + (reason.empty() ? "" : " (" + reason + ")") +
                                     (message.empty() ? "" : ": " + message));
          });
        else if (k == "phaseTransitionTimestamps")
          for_items(sv, [&](od::value t) {
            std::string phase;
            Timestamp at = 0;
            for_fields(t, [&](std::string_view tk, od::value tv) {
              if (tk == "phase") phase = str(tv);
              else if (tk == "phaseTransitionTimestamp") at = parse_timestamp(str(tv));
            });
            if (phase == "Failed") m.failed_at = at;
          });
        else if (k == "migrationState")
          for_fields(sv, [&](std::string_view mk, od::value mv) {
            if (mk == "failureReason") m.failure_reason = str(mv);
            else if (mk == "targetPod") m.target_pod = str(mv);
            else if (mk == "sourceNode") m.source_node = str(mv);
          });
      });
    }
  });
  m.namespace_ = std::move(md.namespace_);
  m.name = std::move(md.name);
  m.uid = std::move(md.uid);
  m.labels = std::move(md.labels);
  m.deleting = md.deleting;
  m.created = md.created;
  s.vmims.push_back(std::move(m));
}

std::vector<std::string> strings(od::value v) {
  std::vector<std::string> out;
  for_items(v, [&](od::value item) { out.push_back(str(item)); });
  return out;
}

// A resources.requests (or allocatable, or overhead) map; unparsable quantities are left out (the API
// server never stores one).
ResourceList resource_list(od::value v) {
  ResourceList out;
  for_fields(v, [&](std::string_view name, od::value q) {
    if (auto milli = strategy::quantity_milli(str(q))) out.push_back({std::string(name), *milli});
  });
  return out;
}

std::int64_t& amount_of(ResourceList& list, const std::string& name) {
  for (auto& r : list)
    if (r.name == name) return r.milli;
  list.push_back({name, 0});
  return list.back().milli;
}

std::vector<NodeSelectorRequirement> requirements(od::value v) {
  std::vector<NodeSelectorRequirement> out;
  for_items(v, [&](od::value e) {
    NodeSelectorRequirement r;
    for_fields(e, [&](std::string_view k, od::value ev) {
      if (k == "key") r.key = str(ev);
      else if (k == "operator") r.op = str(ev);
      else if (k == "values") r.values = strings(ev);
    });
    out.push_back(std::move(r));
  });
  return out;
}

void decode_affinity(od::value v, PodPlacement& p) {
  for_fields(v, [&](std::string_view k, od::value av) {
    if (k != "nodeAffinity") return;
    for_fields(av, [&](std::string_view nk, od::value nv) {
      if (nk != "requiredDuringSchedulingIgnoredDuringExecution" || !present(nv)) return;
      p.required_affinity = true;
      for_fields(nv, [&](std::string_view rk, od::value rv) {
        if (rk != "nodeSelectorTerms") return;
        for_items(rv, [&](od::value t) {
          NodeSelectorTerm term;
          for_fields(t, [&](std::string_view tk, od::value tv) {
            if (tk == "matchExpressions") term.match_expressions = requirements(tv);
            else if (tk == "matchFields") term.match_fields = requirements(tv);
          });
          p.required_terms.push_back(std::move(term));
        });
      });
    });
  });
}

// The pod's requests as the scheduler adds them up (computePodResourceRequest in the scheduler's
// noderesources/fit.go, resourcehelper.PodRequests): the containers' sum, at least each regular init
// container's, restartable (sidecar) init containers added to the sum, plus spec.overhead; and 1 pod.
ResourceList effective_requests(std::vector<ResourceList>&& containers, std::vector<ResourceList>&& init,
                                std::vector<bool>&& init_restartable, ResourceList&& overhead) {
  ResourceList sum;
  for (auto& c : containers)
    for (auto& r : c) amount_of(sum, r.name) += r.milli;
  for (std::size_t i = 0; i < init.size(); ++i)
    if (init_restartable[i])
      for (auto& r : init[i]) amount_of(sum, r.name) += r.milli;
  for (std::size_t i = 0; i < init.size(); ++i)
    if (!init_restartable[i])
      for (auto& r : init[i]) {
        auto& have = amount_of(sum, r.name);
        have = std::max(have, r.milli);
      }
  for (auto& r : overhead) amount_of(sum, r.name) += r.milli;
  amount_of(sum, "pods") = 1000;
  std::sort(sum.begin(), sum.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return sum;
}

void decode_pod(od::value v, Snapshot& s) {
  LauncherPod p;
  Metadata md;
  PodPlacement placement;
  std::vector<ResourceList> containers, init;
  std::vector<bool> init_restartable;
  ResourceList overhead;
  auto container_requests = [](od::value c, std::string* name, std::string* image, bool* restartable) {
    ResourceList requests;
    for_fields(c, [&](std::string_view ck, od::value cv) {
      if (ck == "name" && name) *name = str(cv);
      else if (ck == "image" && image) *image = str(cv);
      else if (ck == "restartPolicy" && restartable) *restartable = str(cv) == "Always";
      else if (ck == "resources")
        for_fields(cv, [&](std::string_view rk, od::value rv) {
          if (rk == "requests") requests = resource_list(rv);
        });
    });
    return requests;
  };
  for_fields(v, [&](std::string_view key, od::value value) {
    if (key == "metadata") {
      decode_metadata(value, md, [&](std::string_view k, od::value av) {
        if (k == "kubevirt.io/domain") p.vmi_name = str(av);
      });
    } else if (key == "spec") {
      for_fields(value, [&](std::string_view k, od::value sv) {
        if (k == "nodeName") p.node = str(sv);
        else if (k == "containers")
          for_items(sv, [&](od::value c) {
            std::string name, image;
            containers.push_back(container_requests(c, &name, &image, nullptr));
            if (name == "compute") p.compute_image = image;
          });
        else if (k == "initContainers")
          for_items(sv, [&](od::value c) {
            bool restartable = false;
            init.push_back(container_requests(c, nullptr, nullptr, &restartable));
            init_restartable.push_back(restartable);
          });
        else if (k == "overhead") overhead = resource_list(sv);
        else if (k == "nodeSelector")
          for_fields(sv, [&](std::string_view lk, od::value lv) { placement.node_selector.emplace_back(std::string(lk), str(lv)); });
        else if (k == "affinity") decode_affinity(sv, placement);
        else if (k == "tolerations")
          for_items(sv, [&](od::value t) {
            Toleration tol;
            for_fields(t, [&](std::string_view tk, od::value tv) {
              if (tk == "key") tol.key = str(tv);
              else if (tk == "operator") tol.op = str(tv);
              else if (tk == "value") tol.value = str(tv);
              else if (tk == "effect") tol.effect = str(tv);
            });
            placement.tolerations.push_back(std::move(tol));
          });
      });
    } else if (key == "status") {
      for_fields(value, [&](std::string_view k, od::value sv) {
        if (k == "phase") p.phase = str(sv);
        else if (k == "conditions")
          for_items(sv, [&](od::value c) {
            std::string type, status, reason, message;
            for_fields(c, [&](std::string_view ck, od::value cv) {
              if (ck == "type") type = str(cv);
              else if (ck == "status") status = str(cv);
              else if (ck == "reason") reason = str(cv);
              else if (ck == "message") message = str(cv);
            });
            if (type == "PodScheduled" && status == "False" && reason == "Unschedulable") {
              p.unschedulable = true;
              p.scheduling_message = std::move(message);
            }
          });
      });
    }
  });
  placement.requests = effective_requests(std::move(containers), std::move(init), std::move(init_restartable),
                                          std::move(overhead));
  bool launcher = false;
  for (const auto& [k, val] : md.labels) {
    if (k == "kubevirt.io" && val == "virt-launcher") launcher = true;
    if (k == "kubevirt.io/migrationJobUID") p.migration_job_uid = val;
  }
  if (!launcher) {
    // Any other pod matters only for the capacity it takes: bound and not finished (a terminating pod
    // still holds its requests until it is gone, for the scheduler too).
    if (!p.node.empty() && p.phase != "Succeeded" && p.phase != "Failed") {
      PodPlacement requests_only;
      requests_only.requests = std::move(placement.requests);
      s.node_pods.push_back({md.namespace_ + "/" + md.name, std::move(p.node), intern_placement(std::move(requests_only))});
    }
    return;
  }
  p.placement = intern_placement(std::move(placement));
  p.labels = s.keep_pod_labels ? std::move(md.labels) : labels_named(std::move(md.labels), s.pod_label_keys);
  p.namespace_ = std::move(md.namespace_);
  p.name = std::move(md.name);
  p.uid = std::move(md.uid);
  p.deleting = md.deleting;
  p.created = md.created;
  if (md.controller_kind == "VirtualMachineInstance") p.owner_vmi_uid = md.controller_uid;
  s.pods.push_back(std::move(p));
}

void decode_node(od::value v, Snapshot& s) {
  Node n;
  Metadata md;
  for_fields(v, [&](std::string_view key, od::value value) {
    if (key == "metadata") {
      decode_metadata(value, md, [](std::string_view, od::value) {});
    } else if (key == "spec") {
      for_fields(value, [&](std::string_view k, od::value sv) {
        if (k == "unschedulable") n.unschedulable = boolean(sv);
        else if (k == "taints")
          for_items(sv, [&](od::value t) {
            Taint taint;
            for_fields(t, [&](std::string_view tk, od::value tv) {
              if (tk == "key") taint.key = str(tv);
              else if (tk == "value") taint.value = str(tv);
              else if (tk == "effect") taint.effect = str(tv);
            });
            n.taints.push_back(std::move(taint));
          });
      });
    } else if (key == "status") {
      for_fields(value, [&](std::string_view k, od::value sv) {
        if (k == "allocatable") n.allocatable = resource_list(sv);
        else if (k == "conditions")
          for_items(sv, [&](od::value c) {
            std::string type, status;
            for_fields(c, [&](std::string_view ck, od::value cv) {
              if (ck == "type") type = str(cv);
              else if (ck == "status") status = str(cv);
            });
            if (type == "Ready") n.ready = status == "True";
          });
      });
    }
  });
  n.name = std::move(md.name);
  n.labels = std::move(md.labels);
  s.nodes.push_back(std::move(n));
  s.nodes_known = true;
}

void decode_value(od::value v, ViewKind kind, Snapshot& s) {
  switch (kind) {
    case ViewKind::Vmi: decode_vmi(v, s); break;
    case ViewKind::Vm: decode_vm(v, s); break;
    case ViewKind::Vmim: decode_vmim(v, s); break;
    case ViewKind::Pod: decode_pod(v, s); break;
    case ViewKind::Node: decode_node(v, s); break;
  }
}

// One parser per thread: it keeps its buffers between pages.
// Its depth limit is the one every reader uses (yaml::kMaxDepth), not simdjson's 1024.
od::parser& parser() {
  thread_local od::parser p = [] {
    od::parser q;
    if (q.allocate(1 << 16, yaml::kMaxDepth) != simdjson::SUCCESS) throw std::bad_alloc();
    return q;
  }();
  return p;
}

}  // namespace

Timestamp parse_timestamp(std::string_view t) {
  const auto parsed = util::parse_rfc3339(t);
  return parsed ? util::to_unix_seconds(*parsed) : 0;
}

void decode_list_page(std::string_view page, ViewKind kind, Snapshot& s) {
  try {
    simdjson::padded_string padded(page.data(), page.size());
    od::document doc = parser().iterate(padded);
    od::object root = doc.get_object();
    for (auto field : root) {
      std::string_view key = field.unescaped_key();
      if (key != "items") continue;
      for_items(field.value(), [&](od::value item) { decode_value(item, kind, s); });
    }
  } catch (const simdjson::simdjson_error& e) {
    throw DecodeError(std::string("malformed list response: ") + e.what());
  }
}

std::string checked_object_kind(std::string_view json_text) {
  thread_local simdjson::dom::parser strict;
  thread_local bool sized = strict.allocate(1 << 16, yaml::kMaxDepth) == simdjson::SUCCESS;
  if (!sized) throw std::bad_alloc();
  simdjson::dom::element root;
  if (const auto error = strict.parse(json_text.data(), json_text.size()).get(root); error != simdjson::SUCCESS)
    throw DecodeError(std::string("not valid JSON: ") + simdjson::error_message(error));
  std::string_view kind;
  if (!root.is_object() || root["kind"].get(kind) != simdjson::SUCCESS) return {};
  return std::string(kind);
}

void decode_object(std::string_view object_json, ViewKind kind, Snapshot& s) {
  try {
    simdjson::padded_string padded(object_json.data(), object_json.size());
    od::document doc = parser().iterate(padded);
    od::value v = doc.get_value();
    decode_value(v, kind, s);
  } catch (const simdjson::simdjson_error& e) {
    throw DecodeError(std::string("malformed object: ") + e.what());
  }
}

}  // namespace wu::cluster

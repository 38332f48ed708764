#pragma once
// Literal cluster snapshots for the `run` unit tests: a Deployed KubeVirt CR with a current launcher
// image, and Running VMIs on the old image with their VM and launcher pod.
#include <doctest/doctest.h>

#include <string>

#include "cluster/snapshot.hpp"

namespace run_fixture {

using wu::cluster::LauncherPod;
using wu::cluster::Snapshot;
using wu::cluster::Timestamp;
using wu::cluster::Vm;
using wu::cluster::Vmi;

inline const std::string kNew = "registry/virt-launcher:v1.9.0";
inline const std::string kOld = "registry/virt-launcher:v1.8.2";
constexpr Timestamp kWall = 1'700'000'000;

inline Snapshot cluster() {
  Snapshot s;
  s.launcher_image = kNew;
  s.now = kWall;
  wu::cluster::KubeVirtCr kv;
  kv.namespace_ = "kubevirt";
  kv.name = "kubevirt";
  kv.phase = "Deployed";
  kv.observed_deployment_id = kv.target_deployment_id = "d1";
  s.kubevirts.push_back(kv);
  return s;
}

// A Running VMI on the old launcher image, its VM (unless run_strategy is ""), and its launcher pod.
inline void add_vmi(Snapshot& s, const std::string& name, const std::string& node = "node-1",
             const std::string& run_strategy = "Always", bool migratable = true,
             const std::string& eviction_strategy = "") {
  Vmi v;
  v.namespace_ = "ns";
  v.name = name;
  v.uid = "uid-" + name;
  v.phase = "Running";
  v.node = node;
  v.launcher_image = kOld;
  v.live_migratable = migratable ? "True" : "False";
  v.live_migratable_reason = migratable ? "" : "DisksNotLiveMigratable";
  v.eviction_strategy = eviction_strategy;
  if (!run_strategy.empty()) {
    v.owner_vm = name;
    Vm vm;
    vm.namespace_ = "ns";
    vm.name = name;
    vm.run_strategy = run_strategy;
    s.vms.push_back(vm);
  }
  s.vmis.push_back(v);
  LauncherPod p;
  p.namespace_ = "ns";
  p.name = "virt-launcher-" + name + "-abcde";
  p.uid = "pod-uid-" + name;
  p.node = node;
  p.vmi_name = name;
  p.owner_vmi_uid = v.uid;
  p.phase = "Running";
  p.created = kWall - 3600;
  p.compute_image = kOld;
  s.pods.push_back(p);
}

inline Vmi& vmi_of(Snapshot& s, const std::string& name) {
  for (auto& v : s.vmis)
    if (v.name == name) return v;
  FAIL("no VMI " << name);
  throw 0;
}

}  // namespace run_fixture

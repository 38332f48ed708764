#pragma once
// Literal snapshots for the decision-core tests (decide_plan_test, decide_fidelity_test): VMIs in
// namespace "ns" on an outdated launcher, each with its VM and its launcher pod, a Deployed KubeVirt.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "cluster/snapshot.hpp"
#include "decide/migration_blockers.hpp"
#include "decide/plan.hpp"

namespace decide_fixture {

using wu::cluster::LauncherPod;
using wu::cluster::Snapshot;
using wu::cluster::Vm;
using wu::cluster::Vmi;
using wu::cluster::Vmim;
using wu::decide::Decision;
using wu::decide::Plan;
using wu::decide::PlanConfig;

inline const std::string kNew = "registry/virt-launcher:v1.9.0";
inline const std::string kOld = "registry/virt-launcher:v1.8.2";

// Running on `node`, outdated, owned by a VM of the same name; not migratable: DisksNotLiveMigratable.
inline Vmi vmi(const std::string& name, const std::string& node = "node-1", bool migratable = true) {
  Vmi v;
  v.namespace_ = "ns";
  v.name = name;
  v.uid = "uid-" + name;
  v.phase = "Running";
  v.node = node;
  v.launcher_image = kOld;
  v.live_migratable = migratable ? "True" : "False";
  v.live_migratable_reason = migratable ? "" : "DisksNotLiveMigratable";
  v.owner_vm = name;
  return v;
}

// The VMIs with their VMs (runStrategy `run_strategy`) and launcher pods (CurrentVMIPod finds them).
inline Snapshot cluster(const std::vector<Vmi>& vmis, const std::string& run_strategy = "Always") {
  Snapshot s;
  s.launcher_image = kNew;
  s.now = 1000000;
  wu::cluster::KubeVirtCr kv;
  kv.namespace_ = kv.name = "kubevirt";
  kv.phase = "Deployed";
  kv.observed_deployment_id = kv.target_deployment_id = "abc";
  s.kubevirts.push_back(kv);
  for (const auto& v : vmis) {
    s.vmis.push_back(v);
    Vm vm;
    vm.namespace_ = v.namespace_;
    vm.name = v.name;
    vm.run_strategy = run_strategy;
    s.vms.push_back(vm);
    LauncherPod p;
    p.namespace_ = v.namespace_;
    p.name = "virt-launcher-" + v.name;
    p.vmi_name = v.name;
    p.owner_vmi_uid = v.uid;
    p.node = v.node;
    s.pods.push_back(p);
  }
  return s;
}

inline Vmim vmim(const std::string& name, const std::string& vmi_name, const std::string& phase) {
  Vmim m;
  m.namespace_ = "ns";
  m.name = name;
  m.uid = "vmim-" + name;
  m.vmi_name = vmi_name;
  m.phase = phase;
  return m;
}

inline PlanConfig config(std::vector<std::string> methods, std::uint32_t cluster = 5, std::uint32_t node = 2) {
  PlanConfig c;
  c.methods = std::move(methods);
  c.parallel_migrations_per_cluster = cluster;
  c.parallel_outbound_migrations_per_node = node;
  return c;
}

inline const Decision& of(const Plan& p, const std::string& name) {
  for (const auto& d : p.decisions)
    if (d.vmi->name == name) return d;
  FAIL("no decision for " << name);
  throw 0;
}

// The blockers' codes, in order.
inline std::vector<std::string> codes(const std::vector<wu::decide::MigrationBlocker>& blockers) {
  std::vector<std::string> out;
  for (const auto& b : blockers) out.push_back(b.code);
  return out;
}

}  // namespace decide_fixture

#include "vm_controller.hpp"

#include <algorithm>

#include "cluster_writer.hpp"
#include "durations.hpp"
#include "ids.hpp"
#include "kubevirt_model.hpp"
#include "launcher_template.hpp"
#include "services.hpp"
#include "status_errors.hpp"

namespace sim {

using nlohmann::json;
using kv::str;

namespace {

std::chrono::system_clock::duration secs(double s) {
  return std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::duration<double>(s));
}

std::string ownerVm(const json& vmi) {
  if (vmi["metadata"].contains("ownerReferences"))
    for (const auto& r : vmi["metadata"]["ownerReferences"])
      if (r.value("controller", false) && r.value("kind", "") == "VirtualMachine") return r.value("name", "");
  return "";
}

// VirtualMachine.RunStrategy() (staging/src/kubevirt.io/api/core/v1/types.go): spec.running maps to
// Always/Halted, unset means Halted, and both set is an error ("" here).
std::string runStrategy(const json& vm) {
  const bool hasRunning = vm.contains("/spec/running"_json_pointer) && !vm["spec"]["running"].is_null();
  const bool hasStrategy = vm.contains("/spec/runStrategy"_json_pointer) && !vm["spec"]["runStrategy"].is_null();
  if (hasRunning && hasStrategy) return "";
  if (vm.contains("/spec/running"_json_pointer) && vm["spec"]["running"].is_boolean())
    return vm["spec"]["running"].get<bool>() ? "Always" : "Halted";
  const std::string rs = str(vm, "/spec/runStrategy");
  return rs.empty() ? "Halted" : rs;
}

void setPrintable(ClusterWriter& w, const std::string& ns, const std::string& vm, const std::string& status) {
  try {
    w.modify(kv::vms(), ns, vm, [&](json& o) {
      o["status"]["printableStatus"] = status;
      o["status"]["ready"] = status == "Running";
      o["status"]["created"] = status == "Running" || status == "Starting";
    }, "printableStatus=" + status);
  } catch (const ApiError&) {
  }
}

}  // namespace

void VmController::observe(const StoreEvent& ev) {
  const std::string& plural = ev.resource->plural;
  if (plural == "pods" && ev.type == EventType::Deleted) {
    if (ev.object->labels.count("kubevirt.io") == 0 || ev.object->labels.at("kubevirt.io") != "virt-launcher") return;
    json pod = ev.object->parse();
    PodGone g{ev.object->ns, str(pod, "/metadata/annotations/kubevirt.io~1domain"),
              ev.object->labels.count("kubevirt.io/created-by") ? ev.object->labels.at("kubevirt.io/created-by") : "",
              str(pod, "/spec/nodeName")};
    if (g.vmi.empty() || g.node.empty()) return;
    std::lock_guard lk(mu_);
    podsGone_.push_back(std::move(g));
  } else if (plural == "virtualmachineinstances" && ev.type == EventType::Modified && ev.previous) {
    auto phaseOf = [](const ObjPtr& o) { return str(o->parse(), "/status/phase"); };
    if (kv::isFinal(phaseOf(ev.object)) && !kv::isFinal(phaseOf(ev.previous))) {
      std::lock_guard lk(mu_);
      turnedFinal_.emplace(ev.object->ns, ev.object->name);
    }
  }
}

void VmController::tick(Services& s, time_point now) {
  if (auto k = s.knobs.snapshot(); k.contains("kubevirtControllers") && k["kubevirtControllers"] == false) return;
  std::vector<PodGone> gone;
  std::set<std::pair<std::string, std::string>> final;
  {
    std::lock_guard lk(mu_);
    gone.swap(podsGone_);
  }
  for (const auto& g : gone) {
    try {
      shutDown(s, g);
    } catch (const ApiError&) {
    }
  }
  {
    std::lock_guard lk(mu_);
    final.swap(turnedFinal_);
  }
  for (const auto& [ns, name] : final) {
    try {
      afterFinal(s, ns, name, now);
    } catch (const ApiError&) {
    }
  }
  for (auto it = starting_.begin(); it != starting_.end();) {
    if (now < it->second) {
      ++it;
      continue;
    }
    bool done = true;
    try {
      done = start(s, it->first.first, it->first.second, now);
    } catch (const ApiError&) {
    }
    it = done ? starting_.erase(it) : std::next(it);
  }
}

// The launcher pod of a live VMI is gone: the guest shut down.
void VmController::shutDown(Services& s, const PodGone& g) {
  ObjPtr o = s.store.get(kv::vmis(), g.ns, g.vmi);
  if (!o) return;
  json vmi = o->parse();
  if (str(vmi, "/metadata/uid") != g.vmiUid || kv::isFinal(str(vmi, "/status/phase"))) return;
  if (str(vmi, "/status/nodeName") != g.node) return;  // a migration source or target pod
  for (const auto& p : kv::podsOf(s.store, vmi))
    if (str(p, "/spec/nodeName") == g.node && !kv::podTerminal(p)) return;  // another live launcher there
  std::string phase = kv::annotation(vmi, "sim.kubevirt.io/shutdown-phase");
  if (phase.empty()) {
    auto k = s.knobs.snapshot();
    phase = k.contains("evictionShutdown") && k["evictionShutdown"].is_string() ? k["evictionShutdown"].get<std::string>()
                                                                                : "Succeeded";
  }
  if (phase != "Failed") phase = "Succeeded";
  const std::string ts = nowRfc3339();
  ClusterWriter w(s, "vm");
  w.modify(kv::vmis(), g.ns, g.vmi, [&](json& v) {
    json& st = v["status"];
    st["phase"] = phase;
    if (!st["phaseTransitionTimestamps"].is_array()) st["phaseTransitionTimestamps"] = json::array();
    st["phaseTransitionTimestamps"].push_back({{"phase", phase}, {"phaseTransitionTimestamp", ts}});
    st["launcherContainerImageVersion"] = "";  // final and no pod left
    st["activePods"] = json::object();
    if (st["conditions"].is_array())
      for (auto& c : st["conditions"])
        if (c.value("type", "") == "Ready") {
          c["status"] = "False";
          c["reason"] = "PodTerminating";
          c["lastTransitionTime"] = ts;
        }
    v["metadata"]["labels"].erase("kubevirt.io/outdatedLauncherImage");
  }, phase == "Failed" ? "launcher pod gone: domain destroyed" : "launcher pod gone: clean shutdown");
  // The Modified event queues afterFinal through observe().
}

void VmController::afterFinal(Services& s, const std::string& ns, const std::string& name, time_point now) {
  ObjPtr o = s.store.get(kv::vmis(), ns, name);
  if (!o) return;
  json vmi = o->parse();
  const std::string phase = str(vmi, "/status/phase");
  if (!kv::isFinal(phase)) return;
  const std::string vmName = ownerVm(vmi);
  if (vmName.empty()) return;  // standalone: nobody starts it again
  ObjPtr vmObj = s.store.get(kv::vms(), ns, vmName);
  if (!vmObj) return;
  json vm = vmObj->parse();
  const std::string rs = runStrategy(vm);
  ClusterWriter w(s, "vm");
  if (rs.empty()) {
    // vm.go sync(): RunStrategy() fails, so the VM is not synced (no restart, no delete); the sync error
    // becomes the VM's Failure condition (processFailureCondition, reason failedCreateReason).
    const std::string msg = "Error fetching RunStrategy: running and runstrategy are mutually exclusive";
    try {
      w.modify(kv::vms(), ns, vmName, [&](json& o) {
        json& cs = o["status"]["conditions"];
        if (!cs.is_array()) cs = json::array();
        for (const auto& c : cs)
          if (c.value("type", "") == "Failure" && c.value("message", "") == msg) return;
        cs.erase(std::remove_if(cs.begin(), cs.end(), [](const json& c) { return c.value("type", "") == "Failure"; }),
                 cs.end());
        cs.push_back({{"type", "Failure"}, {"status", "True"}, {"reason", "FailedCreate"}, {"message", msg},
                      {"lastProbeTime", nullptr}, {"lastTransitionTime", nowRfc3339()}});
      }, "not synced: running and runStrategy both set");
    } catch (const ApiError&) {
    }
    return;
  }
  const bool restart = rs == "Always" || (rs == "RerunOnFailure" && phase == "Failed");
  const bool remove = restart || rs == "RerunOnFailure" || rs == "Halted";
  if (!remove) {  // Manual, Once: the final VMI stays
    setPrintable(w, ns, vmName, "Stopped");
    return;
  }
  // KubeVirt's controllers release their finalizers on a final VMI (the VMI controller once its pods are
  // gone, the VM controller when it deletes it); without that the delete would only mark it Terminating
  // and the restart below would find the old VMI still there.
  const json finalizers = vmi.value("/metadata/finalizers"_json_pointer, json::array());
  bool ours = false;
  for (const auto& f : finalizers)
    if (f == "kubevirt.io/virtualMachineControllerFinalize" || f == "foregroundDeleteVirtualMachine") ours = true;
  if (ours)
    w.modify(kv::vmis(), ns, name, [](json& v) {
      json kept = json::array();
      for (const auto& f : v["metadata"].value("finalizers", json::array()))
        if (f != "kubevirt.io/virtualMachineControllerFinalize" && f != "foregroundDeleteVirtualMachine") kept.push_back(f);
      v["metadata"]["finalizers"] = kept;
    }, "finalizers released: the VMI is final");
  w.remove(kv::vmis(), ns, name, "runStrategy " + rs + " after " + phase);
  if (!restart) {
    setPrintable(w, ns, vmName, "Stopped");
    return;
  }
  // A new VMI from the template, same name, new UID.
  json tmpl = vm.value("/spec/template"_json_pointer, json::object());
  json md = {{"name", name},
             {"namespace", ns},
             {"labels", tmpl.value("/metadata/labels"_json_pointer, json::object())},
             {"annotations", tmpl.value("/metadata/annotations"_json_pointer, json::object())},
             {"ownerReferences",
              {{{"apiVersion", "kubevirt.io/v1"}, {"kind", "VirtualMachine"}, {"name", vmName},
                {"uid", str(vm, "/metadata/uid")}, {"controller", true}, {"blockOwnerDeletion", true}}}}};
  // Simulator annotations describe the VM's behaviour, so they survive the restart.
  if (vmi["metadata"].contains("annotations"))
    for (auto& [k, v] : vmi["metadata"]["annotations"].items())
      if (k.rfind("sim.kubevirt.io/", 0) == 0) md["annotations"][k] = v;
  json spec = tmpl.contains("spec") ? tmpl["spec"] : vmi.value("spec", json::object());
  if (!spec.contains("evictionStrategy") && vmi.contains("/spec/evictionStrategy"_json_pointer))
    spec["evictionStrategy"] = vmi["spec"]["evictionStrategy"];
  json conditions = json::array();
  if (vmi.contains("/status/conditions"_json_pointer))
    for (const auto& c : vmi["status"]["conditions"])
      if (c.value("type", "") == "LiveMigratable") conditions.push_back(c);
  const std::string ts = nowRfc3339();
  json fresh = {{"apiVersion", "kubevirt.io/v1"},
                {"kind", "VirtualMachineInstance"},
                {"metadata", md},
                {"spec", spec},
                {"status",
                 {{"phase", "Scheduling"},
                  {"conditions", conditions},
                  {"phaseTransitionTimestamps",
                   {{{"phase", "Pending"}, {"phaseTransitionTimestamp", ts}},
                    {{"phase", "Scheduling"}, {"phaseTransitionTimestamp", ts}}}}}}};
  ObjPtr created = w.create(kv::vmis(), fresh, "restart by runStrategy " + rs);
  json pod = kv::launcherPod(created->parse(), kv::currentLauncherImage(s.store), "");
  w.create(kv::pods(), pod, "launcher pod of restarted " + ns + "/" + name);
  setPrintable(w, ns, vmName, "Starting");
  const double delay = drawDuration(s.knobs, s.seed, "restartDelay", {5, 15}, created->parse(),
                                    "sim.kubevirt.io/restart-delay", created->uid);
  starting_[{ns, name}] = now + secs(delay);
}

// Once the scheduler has bound the restarted VMI's pod, the guest runs there. false: not bound yet (the
// VMI stays Scheduling, as an unschedulable one does, and is looked at again next tick).
bool VmController::start(Services& s, const std::string& ns, const std::string& name, time_point) {
  ObjPtr o = s.store.get(kv::vmis(), ns, name);
  if (!o) return true;
  json vmi = o->parse();
  if (str(vmi, "/status/phase") != "Scheduling") return true;
  auto pods = kv::podsOf(s.store, vmi);
  if (pods.empty()) return true;
  const json& pod = pods.front();
  const std::string node = str(pod, "/spec/nodeName");
  if (node.empty()) return false;
  const std::string image = str(pod, "/spec/containers/0/image");
  const std::string current = kv::currentLauncherImage(s.store);
  const std::string ts = nowRfc3339();
  ClusterWriter w(s, "vm");
  const std::string podName = str(pod, "/metadata/name");
  w.modify(kv::pods(), ns, podName, [&](json& p) {
    p["metadata"]["labels"]["kubevirt.io/nodeName"] = node;
    p["status"]["phase"] = "Running";
    p["status"]["startTime"] = ts;
    json conds = json::array();
    for (const auto& c : p["status"].value("conditions", json::array()))
      if (c.value("type", "") == "PodScheduled") conds.push_back(c);
    conds.push_back({{"type", "Ready"}, {"status", "True"}, {"lastTransitionTime", ts}});
    p["status"]["conditions"] = conds;
    p["status"]["containerStatuses"] = {{{"name", "compute"}, {"image", image}, {"ready", true}, {"restartCount", 0},
                                         {"started", true}, {"state", {{"running", {{"startedAt", ts}}}}}}};
  }, "launcher pod running on " + node);
  w.modify(kv::vmis(), ns, name, [&](json& v) {
    json& st = v["status"];
    st["phase"] = "Running";
    st["phaseTransitionTimestamps"].push_back({{"phase", "Scheduled"}, {"phaseTransitionTimestamp", ts}});
    st["phaseTransitionTimestamps"].push_back({{"phase", "Running"}, {"phaseTransitionTimestamp", ts}});
    st["nodeName"] = node;
    st["launcherContainerImageVersion"] = image;
    st["activePods"] = {{str(pod, "/metadata/uid"), node}};
    st["conditions"].push_back({{"type", "Ready"}, {"status", "True"}, {"lastTransitionTime", ts}});
    v["metadata"]["labels"]["kubevirt.io/nodeName"] = node;
    if (!current.empty() && image != current) v["metadata"]["labels"]["kubevirt.io/outdatedLauncherImage"] = "";
  }, "started on " + node);
  if (std::string vm = ownerVm(vmi); !vm.empty()) setPrintable(w, ns, vm, "Running");
  return true;
}

}  // namespace sim

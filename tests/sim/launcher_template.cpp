#include "launcher_template.hpp"

#include <algorithm>
#include <cctype>

#include "quantity.hpp"

namespace sim::kv {

using nlohmann::json;

namespace {

constexpr const char* kHostModelCPULabel = "host-model-cpu.node.kubevirt.io/";
constexpr const char* kHostModelRequiredFeaturesLabel = "host-model-required-features.node.kubevirt.io/";
constexpr const char* kCPUFeatureLabel = "cpu-feature.node.kubevirt.io/";
constexpr const char* kCPUModelLabel = "cpu-model.node.kubevirt.io/";
constexpr const char* kSupportedHostModelMigrationCPU = "cpu-model-migration.node.kubevirt.io/";
constexpr const char* kCPUModelVendorLabel = "cpu-vendor.node.kubevirt.io/";
constexpr const char* kObsoleteHostModelLabel = "node-labeller.kubevirt.io/obsolete-host-model";
constexpr int64_t kMi = 1024LL * 1024 * 1000;  // one MiB in milli-units

bool startsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

int64_t quantity(const json& j, const char* pointer) {
  const json::json_pointer p(pointer);
  if (!j.contains(p) || !j.at(p).is_string()) return 0;
  return parseQuantityMilli(j.at(p).get<std::string>()).value_or(0);
}

// hardware.GetNumberOfVCPUs: sockets × cores × threads, each defaulting to 1.
int64_t vcpus(const json& spec) {
  const json cpu = spec.value("/domain/cpu"_json_pointer, json::object());
  auto dim = [&](const char* k) { return cpu.contains(k) && cpu[k].is_number_integer() ? std::max<int64_t>(1, cpu[k].get<int64_t>()) : 1; };
  return dim("sockets") * dim("cores") * dim("threads");
}

// modifyNodeAffintyToRejectLabel (template.go): a DoesNotExist requirement on every required term.
void rejectLabel(json& affinity, const std::string& label) {
  const json req = {{"key", label}, {"operator", "DoesNotExist"}};
  if (!affinity.is_object()) affinity = json::object();
  json& na = affinity["nodeAffinity"];
  if (!na.is_object()) na = json::object();
  json& required = na["requiredDuringSchedulingIgnoredDuringExecution"];
  if (!required.is_object() || !required.contains("nodeSelectorTerms") || required["nodeSelectorTerms"].empty()) {
    required = {{"nodeSelectorTerms", json::array({{{"matchExpressions", json::array({req})}}})}};
    return;
  }
  for (auto& term : required["nodeSelectorTerms"]) term["matchExpressions"].push_back(req);
}

}  // namespace

LauncherScheduling renderScheduling(const json& spec) {
  LauncherScheduling out;
  const json cpu = spec.value("/domain/cpu"_json_pointer, json::object());
  const std::string model = cpu.value("model", "");
  const bool dedicated = cpu.value("dedicatedCpuPlacement", false);

  // nodeselectorrenderer.go NewNodeSelectorRenderer/Render: schedulable, the architecture, the VMI's own
  // selectors, cpumanager for dedicated CPUs, the named CPU model and the required CPU features.
  json& sel = out.nodeSelector;
  sel["kubevirt.io/schedulable"] = "true";
  if (spec.contains("architecture") && spec["architecture"].is_string() && !spec["architecture"].get<std::string>().empty()) {
    std::string arch = spec["architecture"].get<std::string>();
    std::transform(arch.begin(), arch.end(), arch.begin(), [](unsigned char c) { return std::tolower(c); });
    sel["kubernetes.io/arch"] = arch;
  }
  if (spec.contains("nodeSelector") && spec["nodeSelector"].is_object())
    for (const auto& [k, v] : spec["nodeSelector"].items()) sel[k] = v;
  if (dedicated) sel["kubevirt.io/cpumanager"] = "true";
  if (!model.empty() && model != "host-model" && model != "host-passthrough") sel[std::string(kCPUModelLabel) + model] = "true";
  for (const auto& f : cpu.value("features", json::array())) {
    const std::string policy = f.value("policy", "require");
    if (policy == "require") sel[std::string(kCPUFeatureLabel) + f.value("name", "")] = "true";
  }

  // template.go: the VMI's affinity copied, then setNodeAffinityForPod (obsolete host-model, forbidden features).
  if (spec.contains("affinity") && spec["affinity"].is_object()) out.affinity = spec["affinity"];
  if (model.empty() || model == "host-model") rejectLabel(out.affinity, kObsoleteHostModelLabel);
  for (const auto& f : cpu.value("features", json::array()))
    if (f.value("policy", "") == "forbid") rejectLabel(out.affinity, std::string(kCPUFeatureLabel) + f.value("name", ""));

  // The VMI's tolerations, plus what the DefaultTolerationSeconds admission plugin adds to every pod
  // (plugin/pkg/admission/defaulttolerationseconds: not-ready and unreachable NoExecute for 300 s).
  if (spec.contains("tolerations") && spec["tolerations"].is_array()) out.tolerations = spec["tolerations"];
  for (const char* key : {"node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"}) {
    bool has = false;
    for (const auto& t : out.tolerations)
      if (t.value("key", "") == key && (t.value("effect", "") == "NoExecute" || t.value("effect", "").empty())) has = true;
    if (!has) out.tolerations.push_back({{"key", key}, {"operator", "Exists"}, {"effect", "NoExecute"}, {"tolerationSeconds", 300}});
  }

  // renderresources.go. Memory: the VMI's memory request, else its guest memory (WithMemoryRequests, overcommit
  // 100%), plus KubeVirt's overhead. The overhead is an approximation of GetMemoryOverhead
  // (pkg/hypervisor/kvm/hypervisorbackend.go): page tables (request/512), the fixed 240Mi of virt-launcher-monitor,
  // virt-launcher, virtlogd, virtqemud and qemu, 8Mi per vCPU, 8Mi for the IO thread and 32Mi of video RAM; the
  // smaller terms (probes, SEV, vhost-user, CPU-model specific) are left out.
  const int64_t n = vcpus(spec);
  int64_t memReq = quantity(spec, "/domain/resources/requests/memory");
  const int64_t guest = quantity(spec, "/domain/memory/guest");
  if (memReq == 0) memReq = guest;
  const int64_t overhead = (memReq / 512) + 240 * kMi + 8 * kMi * n + 8 * kMi + 32 * kMi;
  json requests = json::object(), limits = json::object();
  const std::string hugepageSize = spec.value("/domain/memory/hugepages/pageSize"_json_pointer, "");
  if (!hugepageSize.empty()) {
    // WithHugePages: hugepages-<size> = the memory request (at most the guest memory); memory = the overhead.
    const int64_t huge = guest > 0 && memReq > guest ? guest : memReq;
    requests["hugepages-" + hugepageSize] = formatBytesMilli(huge);
    limits["hugepages-" + hugepageSize] = formatBytesMilli(huge);
    requests["memory"] = formatBytesMilli(overhead + (guest > 0 && memReq > guest ? memReq - guest : 0));
  } else {
    requests["memory"] = formatBytesMilli(memReq + overhead);
  }
  // CPU: the VMI's request, else vCPUs / cpuAllocationRatio (10) (WithoutDedicatedCPU); dedicated CPUs request
  // and limit whole cores and the memory limit equals the request (WithCPUPinning, Guaranteed QoS).
  const int64_t cpuReq = quantity(spec, "/domain/resources/requests/cpu");
  if (dedicated) {
    requests["cpu"] = formatCpuMilli(n * 1000);
    limits["cpu"] = formatCpuMilli(n * 1000);
    limits["memory"] = requests["memory"];
  } else {
    requests["cpu"] = formatCpuMilli(cpuReq > 0 ? cpuReq : n * 1000 / 10);
  }
  for (const char* dev : {"devices.kubevirt.io/kvm", "devices.kubevirt.io/tun", "devices.kubevirt.io/vhost-net"}) {
    requests[dev] = "1";
    limits[dev] = "1";
  }
  out.resources = {{"requests", requests}, {"limits", limits}};
  return out;
}

json launcherPod(const json& vmi, const std::string& image, const std::string& migrationUid) {
  const std::string name = vmi.value("/metadata/name"_json_pointer, "");
  const std::string uid = vmi.value("/metadata/uid"_json_pointer, "");
  json labels = vmi["metadata"].value("labels", json::object());
  labels.erase("kubevirt.io/migrationTargetNodeName");
  labels["kubevirt.io"] = "virt-launcher";
  labels["kubevirt.io/created-by"] = uid;
  labels["vm.kubevirt.io/name"] = name;
  labels["vmi.kubevirt.io/id"] = name;
  if (!migrationUid.empty()) labels["kubevirt.io/migrationJobUID"] = migrationUid;
  const LauncherScheduling sched = renderScheduling(vmi.value("spec", json::object()));
  json compute = {{"name", "compute"}, {"image", image}, {"resources", sched.resources}};
  json spec = {{"containers", json::array({compute})},
               {"restartPolicy", "Never"},
               {"schedulerName", vmi.value("/spec/schedulerName"_json_pointer, "default-scheduler")},
               {"nodeSelector", sched.nodeSelector},
               {"tolerations", sched.tolerations},
               {"terminationGracePeriodSeconds", 210}};
  if (!sched.affinity.is_null()) spec["affinity"] = sched.affinity;
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata",
           {{"generateName", "virt-launcher-" + name + "-"},
            {"namespace", vmi.value("/metadata/namespace"_json_pointer, "")},
            {"labels", labels},
            {"annotations", {{"kubevirt.io/domain", name}, {"kubectl.kubernetes.io/default-container", "compute"}}},
            {"ownerReferences",
             {{{"apiVersion", "kubevirt.io/v1"}, {"kind", "VirtualMachineInstance"}, {"name", name}, {"uid", uid},
               {"controller", true}, {"blockOwnerDeletion", true}}}}}},
          {"spec", spec},
          {"status", {{"phase", "Pending"}, {"qosClass", "Burstable"}}}};
}

json migrationTargetPod(const json& vmi, const json& vmim, const json& sourcePod, const json& sourceNode,
                        const std::string& image, std::string* error) {
  json pod = launcherPod(vmi, image, vmim.value("/metadata/uid"_json_pointer, ""));
  pod["metadata"]["annotations"]["kubevirt.io/migrationJobName"] = vmim.value("/metadata/name"_json_pointer, "");
  // createMigrationPodAntiAffinityRule: never next to the VMI's own pods on one host.
  const json term = {{"labelSelector", {{"matchLabels", {{"kubevirt.io/created-by", vmi.value("/metadata/uid"_json_pointer, "")}}}}},
                     {"topologyKey", "kubernetes.io/hostname"}};
  json& affinity = pod["spec"]["affinity"];
  if (!affinity.is_object()) affinity = json::object();
  affinity["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"].push_back(term);
  // spec.addedNodeSelector first, the rendered selectors over it.
  json selector = vmim.value("/spec/addedNodeSelector"_json_pointer, json::object());
  if (!selector.is_object()) selector = json::object();
  for (const auto& [k, v] : pod["spec"]["nodeSelector"].items()) selector[k] = v;
  const json nodeLabels = sourceNode.value("/metadata/labels"_json_pointer, json::object());
  if (vmi.value("/spec/domain/cpu/model"_json_pointer, "") == "host-model") {
    // prepareNodeSelectorForHostCpuModel: a VMI that migrated before keeps its source pod's CPU selectors.
    json hostModel = json::object();
    const json sourceSelector = sourcePod.value("/spec/nodeSelector"_json_pointer, json::object());
    for (const auto& [k, v] : sourceSelector.items())
      if (k.find(kCPUFeatureLabel) != std::string::npos || k.find(kSupportedHostModelMigrationCPU) != std::string::npos)
        hostModel[k] = v;
    if (hostModel.empty()) {
      // getHostCpuModelFromMap over the source node's labels.
      std::string model, modelValue;
      for (const auto& [k, v] : nodeLabels.items()) {
        if (startsWith(k, kHostModelCPULabel)) {
          model = k.substr(std::string(kHostModelCPULabel).size());
          modelValue = v.is_string() ? v.get<std::string>() : "";
        }
        if (startsWith(k, kHostModelRequiredFeaturesLabel))
          hostModel[std::string(kCPUFeatureLabel) + k.substr(std::string(kHostModelRequiredFeaturesLabel).size())] = v;
      }
      if (model.empty()) {
        if (error)
          *error = std::string("unable to locate host cpu model, does not contain label \"") + kHostModelCPULabel + "\" with information";
        return json();
      }
      hostModel[std::string(kSupportedHostModelMigrationCPU) + model] = modelValue;
    }
    for (const auto& [k, v] : hostModel.items()) selector[k] = v;
  }
  // getCPUVendorLabelKey: migrate only between nodes of the source's CPU vendor.
  bool hasVendor = false;
  for (const auto& [k, _] : selector.items()) hasVendor = hasVendor || startsWith(k, kCPUModelVendorLabel);
  if (!hasVendor)
    for (const auto& [k, _] : nodeLabels.items())
      if (startsWith(k, kCPUModelVendorLabel)) {
        selector[k] = "true";
        break;
      }
  pod["spec"]["nodeSelector"] = selector;
  return pod;
}

}  // namespace sim::kv

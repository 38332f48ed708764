#include "generator.hpp"

#include <chrono>
#include <cstdio>
#include <functional>
#include <random>

#include "ids.hpp"
#include "launcher_template.hpp"
#include "resources.hpp"
#include "scheduler.hpp"

namespace sim {

using nlohmann::json;

namespace {

// Fixed epoch so output does not depend on the wall clock.
const std::chrono::system_clock::time_point kEpoch = std::chrono::system_clock::from_time_t(1782864000);  // 2026-07-01

class Gen {
 public:
  Gen(size_t n, uint64_t seed, const FleetSink& sink, const FleetOptions& opts) : n_(n), seed_(seed), rng_(seed), sink_(sink), opts_(opts) {}
  void run(FleetSummary& sum);

 private:
  double unit() { return std::uniform_real_distribution<double>(0, 1)(rng_); }
  size_t pick(size_t n) { return static_cast<size_t>(rng_() % n); }
  std::string ts(long secondsAfterEpoch) { return rfc3339(kEpoch + std::chrono::seconds(secondsAfterEpoch)); }
  std::string uid() { return makeUid(rng_); }
  void add(const char* group, const char* version, const char* plural, json obj) {
    sink_(*findResource(group, version, plural), std::move(obj));
  }

  void infrastructure();
  void nodes();
  void workloads(FleetSummary& sum);
  void placementCases(FleetSummary& sum);
  // What the scheduler answers for a pod too big for every node (the generated Scheduling VMIs).
  std::string tooBigMessage() const;

  size_t n_;
  uint64_t seed_;
  std::mt19937_64 rng_;
  const FleetSink& sink_;
  FleetOptions opts_;
  json kubevirt_;  // emitted last, with the outdated count
  std::vector<std::string> workers_;
  std::vector<std::string> namespaces_;
};

json condition(const std::string& type, const std::string& status, const std::string& reason = "",
               const std::string& message = "", const std::string& when = "") {
  json c = {{"type", type}, {"status", status}, {"lastProbeTime", nullptr}, {"lastTransitionTime", when.empty() ? json(nullptr) : json(when)}};
  if (!reason.empty()) c["reason"] = reason;
  if (!message.empty()) c["message"] = message;
  return c;
}

json nsObject(const std::string& name, const std::string& uid, const std::string& created) {
  return {{"apiVersion", "v1"},
          {"kind", "Namespace"},
          {"metadata",
           {{"name", name}, {"uid", uid}, {"creationTimestamp", created},
            {"labels", {{"kubernetes.io/metadata.name", name}}}}},
          {"spec", {{"finalizers", {"kubernetes"}}}},
          {"status", {{"phase", "Active"}}}};
}

void Gen::infrastructure() {
  add("", "v1", "namespaces", nsObject("kubevirt", uid(), ts(0)));
  add("", "v1", "namespaces", nsObject("openshift-cnv", uid(), ts(0)));

  const std::string deployID = "9c1b5f3a7e2d4c68b0a1f2e3d4c5b6a79e8d7c6b";
  json kvConfig = {{"id", deployID}, {"namespace", "kubevirt"}, {"registry", "quay.io/kubevirt"},
                   {"kubeVirtVersion", "v1.9.0"}, {"virtOperatorImage", "quay.io/kubevirt/virt-operator:v1.9.0"}};
  kubevirt_ =
      {{"apiVersion", "kubevirt.io/v1"},
       {"kind", "KubeVirt"},
       {"metadata",
        {{"name", "kubevirt"}, {"namespace", "kubevirt"}, {"uid", uid()}, {"creationTimestamp", ts(60)},
         {"generation", 4}, {"finalizers", {"foregroundDeleteKubeVirt"}},
         {"annotations", {{"kubevirt.io/latest-observed-api-version", "v1"}, {"kubevirt.io/storage-observed-api-version", "v1"}}}}},
       {"spec",
        {{"certificateRotateStrategy", json::object()},
         {"configuration",
          {{"developerConfiguration", {{"featureGates", {"HotplugVolumes", "VMLiveUpdateFeatures"}}}},
           {"evictionStrategy", "LiveMigrate"},
           // As the HCO reconciles it from the HyperConverged CR below (hco_controller.cpp), so the pair starts
           // consistent.
           {"migrations",
            {{"parallelMigrationsPerCluster", 5}, {"parallelOutboundMigrationsPerNode", 2},
             {"completionTimeoutPerGiB", 20}, {"progressTimeout", 150},
             {"allowAutoConverge", false}, {"allowPostCopy", false}, {"allowWorkloadDisruption", false}}},
           {"vmRolloutStrategy", "LiveUpdate"}}},
         {"customizeComponents", json::object()},
         {"imagePullPolicy", "IfNotPresent"},
         {"workloadUpdateStrategy",
          {{"workloadUpdateMethods", {"LiveMigrate"}}, {"batchEvictionSize", 10}, {"batchEvictionInterval", "1m0s"}}}}},
       {"status",
        {{"phase", "Deployed"},
         {"conditions",
          {condition("Available", "True", "AllComponentsReady", "All components are ready.", ts(3600)),
           condition("Progressing", "False", "AllComponentsReady", "All components are ready.", ts(3600)),
           condition("Degraded", "False", "AllComponentsReady", "All components are ready.", ts(3600)),
           condition("Created", "True", "AllResourcesCreated", "All resources were created.", ts(3600))}},
         {"defaultArchitecture", "amd64"},
         {"operatorVersion", "v1.9.0"},
         {"observedGeneration", 4},
         {"observedKubeVirtRegistry", "quay.io/kubevirt"},
         {"observedKubeVirtVersion", "v1.9.0"},
         {"targetKubeVirtRegistry", "quay.io/kubevirt"},
         {"targetKubeVirtVersion", "v1.9.0"},
         {"observedDeploymentID", deployID},
         {"targetDeploymentID", deployID},
         {"observedDeploymentConfig", kvConfig.dump()},
         {"targetDeploymentConfig", kvConfig.dump()}}}};

  json container = {{"name", "virt-controller"},
                    {"image", "quay.io/kubevirt/virt-controller:v1.9.0"},
                    {"imagePullPolicy", "IfNotPresent"},
                    {"command", {"virt-controller"}},
                    {"args", {"--launcher-image", kCurrentLauncherImage, "--exporter-image",
                              "quay.io/kubevirt/virt-exportserver:v1.9.0", "--image-pull-policy", "IfNotPresent",
                              "--port", "8443", "-v", "2"}},
                    {"resources", {{"requests", {{"cpu", "10m"}, {"memory", "275Mi"}}}}}};
  container["ports"] = json::array({{{"containerPort", 8443}, {"name", "metrics"}, {"protocol", "TCP"}}});
  json podTemplate = {{"metadata", {{"labels", {{"kubevirt.io", "virt-controller"}, {"prometheus.kubevirt.io", "true"}}}}},
                      {"spec", {{"serviceAccountName", "kubevirt-controller"},
                                {"priorityClassName", "kubevirt-cluster-critical"}}}};
  podTemplate["spec"]["containers"] = json::array({container});
  json deployStatus = {{"observedGeneration", 2}, {"replicas", 2}, {"readyReplicas", 2}, {"availableReplicas", 2},
                       {"updatedReplicas", 2}};
  deployStatus["conditions"] = json::array(
      {{{"type", "Available"}, {"status", "True"}, {"reason", "MinimumReplicasAvailable"},
        {"message", "Deployment has minimum availability."}, {"lastTransitionTime", ts(3600)}, {"lastUpdateTime", ts(3600)}},
       {{"type", "Progressing"}, {"status", "True"}, {"reason", "NewReplicaSetAvailable"},
        {"message", "ReplicaSet \"virt-controller-6b9f7c8d5\" has successfully progressed."},
        {"lastTransitionTime", ts(120)}, {"lastUpdateTime", ts(3600)}}});
  json deployMeta = {{"name", "virt-controller"}, {"namespace", "kubevirt"}, {"uid", uid()}, {"creationTimestamp", ts(120)},
                     {"generation", 2},
                     {"labels", {{"app.kubernetes.io/component", "kubevirt"}, {"app.kubernetes.io/managed-by", "virt-operator"},
                                 {"app.kubernetes.io/version", "v1.9.0"}, {"kubevirt.io", "virt-controller"}}},
                     {"annotations", {{"deployment.kubernetes.io/revision", "2"}, {"kubevirt.io/install-strategy-version", "v1.9.0"}}}};
  json deploySpec = {{"replicas", 2},
                     {"selector", {{"matchLabels", {{"kubevirt.io", "virt-controller"}}}}},
                     {"strategy", {{"type", "RollingUpdate"}, {"rollingUpdate", {{"maxSurge", "25%"}, {"maxUnavailable", "25%"}}}}},
                     {"template", podTemplate}};
  add("apps", "v1", "deployments",
      {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"metadata", deployMeta}, {"spec", deploySpec},
       {"status", deployStatus}});

  add("hco.kubevirt.io", "v1beta1", "hyperconvergeds",
      {{"apiVersion", "hco.kubevirt.io/v1beta1"},
       {"kind", "HyperConverged"},
       {"metadata",
        {{"name", "kubevirt-hyperconverged"}, {"namespace", "openshift-cnv"}, {"uid", uid()},
         {"creationTimestamp", ts(30)}, {"generation", 3},
         {"finalizers", {"kubevirt.io/hyperconverged"}},
         {"labels", {{"app", "kubevirt-hyperconverged"}}}}},
       {"spec",
        {{"certConfig", {{"ca", {{"duration", "48h0m0s"}, {"renewBefore", "24h0m0s"}}},
                         {"server", {{"duration", "24h0m0s"}, {"renewBefore", "12h0m0s"}}}}},
         {"deployVmConsoleProxy", false},
         {"enableApplicationAwareQuota", false},
         {"enableCommonBootImageImport", true},
         {"evictionStrategy", "LiveMigrate"},
         {"featureGates", {{"decentralizedLiveMigration", true}, {"declarativeHotplugVolumes", true},
                           {"deployKubeSecondaryDNS", false}, {"downwardMetrics", false}}},
         {"higherWorkloadDensity", {{"memoryOvercommitPercentage", 100}}},
         {"liveMigrationConfig",
          {{"allowAutoConverge", false}, {"allowPostCopy", false}, {"completionTimeoutPerGiB", 20},
           {"parallelMigrationsPerCluster", 5}, {"parallelOutboundMigrationsPerNode", 2}, {"progressTimeout", 150}}},
         {"resourceRequirements", {{"vmiCPUAllocationRatio", 10}}},
         {"uninstallStrategy", "BlockUninstallIfWorkloadsExist"},
         {"virtualMachineOptions", {{"disableFreePageReporting", false}, {"disableSerialConsoleLog", false}}},
         {"workloadUpdateStrategy",
          {{"batchEvictionInterval", "1m0s"}, {"batchEvictionSize", 10}, {"workloadUpdateMethods", {"LiveMigrate"}}}}}},
       {"status",
        {{"conditions",
          {condition("ReconcileComplete", "True", "ReconcileCompleted", "Reconcile completed successfully", ts(3600)),
           condition("Available", "True", "ReconcileCompleted", "Reconcile completed successfully", ts(3600)),
           condition("Progressing", "False", "ReconcileCompleted", "Reconcile completed successfully", ts(3600)),
           condition("Degraded", "False", "ReconcileCompleted", "Reconcile completed successfully", ts(3600)),
           condition("Upgradeable", "True", "ReconcileCompleted", "Reconcile completed successfully", ts(3600))}},
         {"observedGeneration", 3},
         {"infrastructureHighlyAvailable", true},
         {"versions", {{{"name", "operator"}, {"version", "1.16.0"}}}}}}});
}

// A worker's labels as kubelet and KubeVirt's node labeller set them: the host-model CPU (and the models it
// accepts as a host-model migration target), the CPU vendor, kubevirt.io/schedulable from virt-handler, and
// the CPU manager labels on nodes with a static CPU manager policy.
json workerLabels(const std::string& name, const std::string& hostModel, bool cpuManager) {
  json l = {{"kubernetes.io/hostname", name}, {"kubernetes.io/os", "linux"}, {"kubernetes.io/arch", "amd64"},
            {"node-role.kubernetes.io/worker", ""}, {"kubevirt.io/schedulable", "true"},
            {"cpu-vendor.node.kubevirt.io/Intel", "true"},
            {"cpu-model.node.kubevirt.io/Cascadelake-Server", "true"}, {"cpu-model.node.kubevirt.io/Skylake-Server", "true"},
            {"cpu-model-migration.node.kubevirt.io/Cascadelake-Server", "true"},
            {"cpu-model-migration.node.kubevirt.io/Skylake-Server", "true"},
            {"host-model-cpu.node.kubevirt.io/" + hostModel, "true"}};
  if (hostModel != "Cascadelake-Server") {
    l["cpu-model.node.kubevirt.io/" + hostModel] = "true";
    l["cpu-model-migration.node.kubevirt.io/" + hostModel] = "true";
  }
  if (cpuManager) {
    l["cpumanager"] = "true";
    l["kubevirt.io/cpumanager"] = "true";
  }
  return l;
}

json workerResources(const char* cpu, const char* memory, const char* hugepages1Gi) {
  return {{"cpu", cpu}, {"memory", memory}, {"pods", "250"}, {"hugepages-1Gi", hugepages1Gi}, {"hugepages-2Mi", "0"},
          {"ephemeral-storage", "1073216412Ki"},
          {"devices.kubevirt.io/kvm", "1k"}, {"devices.kubevirt.io/tun", "1k"}, {"devices.kubevirt.io/vhost-net", "1k"}};
}

// The extra nodes of the placement cases (FleetOptions::placementCases).
constexpr const char* kSapNode = "worker-sap-0";      // tainted dedicated=sap, newer CPU, 1Gi hugepages
constexpr const char* kDbNodes[] = {"worker-db-0", "worker-db-1"};  // tainted pool=db, nearly full

void Gen::nodes() {
  for (int i = 0; i < 3; ++i) {
    const std::string name = "master-" + std::to_string(i);
    add("", "v1", "nodes",
        {{"apiVersion", "v1"},
         {"kind", "Node"},
         {"metadata",
          {{"name", name}, {"uid", uid()}, {"creationTimestamp", ts(0)},
           {"labels", {{"kubernetes.io/hostname", name}, {"kubernetes.io/os", "linux"}, {"kubernetes.io/arch", "amd64"},
                       {"node-role.kubernetes.io/control-plane", ""}, {"node-role.kubernetes.io/master", ""}}}}},
         {"spec", {{"taints", {{{"key", "node-role.kubernetes.io/control-plane"}, {"effect", "NoSchedule"}}}}}},
         {"status",
          {{"capacity", {{"cpu", "8"}, {"memory", "32859416Ki"}, {"pods", "250"}, {"hugepages-1Gi", "0"}, {"hugepages-2Mi", "0"}}},
           {"allocatable", {{"cpu", "7500m"}, {"memory", "31708440Ki"}, {"pods", "250"}, {"hugepages-1Gi", "0"}, {"hugepages-2Mi", "0"}}},
           {"conditions", {condition("Ready", "True", "KubeletReady", "kubelet is posting ready status", ts(60))}},
           {"addresses", {{{"type", "InternalIP"}, {"address", "192.168.100." + std::to_string(10 + i)}},
                          {{"type", "Hostname"}, {"address", name}}}},
           {"nodeInfo", {{"kubeletVersion", "v1.32.4"}, {"architecture", "amd64"}, {"operatingSystem", "linux"},
                         {"containerRuntimeVersion", "cri-o://1.32.3"}}}}}});
  }
  size_t workers = std::clamp<size_t>((n_ + 99) / 100, 3, 500);
  for (size_t i = 0; i < workers; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "worker-%03zu", i);
    workers_.push_back(name);
    add("", "v1", "nodes",
        {{"apiVersion", "v1"},
         {"kind", "Node"},
         {"metadata",
          {{"name", name}, {"uid", uid()}, {"creationTimestamp", ts(300)},
           {"labels", workerLabels(name, "Cascadelake-Server", i % 4 == 0)},
           {"annotations", {{"kubevirt.io/heartbeat", ts(86400)}}}}},
         {"spec", json::object()},
         {"status",
          {{"capacity", workerResources("96", "791634420Ki", "0")},
           {"allocatable", workerResources("95500m", "790483444Ki", "0")},
           {"conditions", {condition("Ready", "True", "KubeletReady", "kubelet is posting ready status", ts(600))}},
           {"addresses", {{{"type", "InternalIP"}, {"address", "192.168." + std::to_string(101 + i / 250) + "." + std::to_string(i % 250 + 2)}},
                          {{"type", "Hostname"}, {"address", name}}}},
           {"nodeInfo", {{"kubeletVersion", "v1.32.4"}, {"architecture", "amd64"}, {"operatingSystem", "linux"},
                         {"containerRuntimeVersion", "cri-o://1.32.3"}, {"osImage", "Red Hat Enterprise Linux CoreOS 9.6"}}}}}});
  }
}

struct NotMigratable {
  const char* reason;
  const char* message;
};
const NotMigratable kNotMigratable[] = {
    {"DisksNotLiveMigratable", "cannot migrate VMI: PVC rootdisk is not shared, live migration requires that all PVCs must be shared (using ReadWriteMany access mode)"},
    {"DisksNotLiveMigratable", "cannot migrate VMI: PVC rootdisk is not shared, live migration requires that all PVCs must be shared (using ReadWriteMany access mode)"},
    {"InterfaceNotLiveMigratable", "cannot migrate VMI which does not use masquerade, bridge with kubevirt.io/allow-pod-bridge-network-live-migration VM annotation or a migratable plugin to connect to the pod network"},
    {"HostDeviceNotLiveMigratable", "VMI uses a PCI host devices"},
    {"HotplugNotLiveMigratable", "VMI has hotplugged disks that are not shared"},
    {"SEVNotLiveMigratable", "VMI uses SEV"},
    {"VirtIOFSNotLiveMigratable", "VMI uses virtiofs"},
};

void Gen::workloads(FleetSummary& sum) {
  const size_t nsCount = std::max<size_t>(1, n_ / 250);
  static const char* teams[] = {"payments", "search", "analytics", "web", "batch", "ml", "erp", "ci"};
  for (size_t i = 0; i < nsCount; ++i) {
    char name[48];
    std::snprintf(name, sizeof name, "%s-%03zu", teams[i % 8], i);
    namespaces_.push_back(name);
    add("", "v1", "namespaces", nsObject(name, uid(), ts(600 + static_cast<long>(i))));
  }
  sum.namespaces = nsCount + 2;

  static const char* os[] = {"rhel9", "fedora", "win2k22", "centos-stream9", "ubuntu"};
  static const char* sizes[] = {"small", "medium", "large"};
  static const int cores[] = {1, 2, 4};
  static const char* memory[] = {"2Gi", "4Gi", "8Gi"};
  const size_t halted = n_ / 25;

  for (size_t i = 0; i < n_ + halted; ++i) {
    const bool isHalted = i >= n_;
    const std::string ns = namespaces_[i % nsCount];
    char nameBuf[64];
    const size_t osIdx = pick(5);
    std::snprintf(nameBuf, sizeof nameBuf, "%s-%s-%05zu", os[osIdx], isHalted ? "stopped" : "vm", i);
    const std::string name = nameBuf;
    const size_t sz = pick(3);
    const long created = 7200 + static_cast<long>(i) * 7 % 2000000;
    const std::string createdTs = ts(created);

    // Shapes.
    const bool standalone = !isHalted && unit() < 0.06;
    double r = unit();
    std::string phase = "Running";
    if (r < 0.01) phase = "Pending";
    else if (r < 0.02) phase = "Scheduling";
    else if (r < 0.035) phase = "Succeeded";
    else if (r < 0.05) phase = "Failed";
    const bool outdated = unit() < 0.70;
    const bool migratable = unit() < 0.75;
    const NotMigratable& nm = kNotMigratable[pick(std::size(kNotMigratable))];
    r = unit();
    std::string eviction;
    if (r < 0.40) eviction = "LiveMigrate";
    else if (r < 0.55) eviction = "LiveMigrateIfPossible";
    else if (r < 0.65) eviction = "None";
    else if (r < 0.75) eviction = "External";
    r = unit();
    std::string runStrategy;
    bool runningTrue = false;
    if (isHalted) {
      if (unit() < 0.5) runStrategy = "Halted";
    } else if (r < 0.45) runStrategy = "Always";
    else if (r < 0.65) runStrategy = "RerunOnFailure";
    else if (r < 0.75) runStrategy = "Manual";
    else if (r < 0.80) runStrategy = "Once";
    else runningTrue = true;
    const std::string node = workers_[pick(workers_.size())];
    const bool scheduled = phase != "Pending" && phase != "Scheduling";
    const std::string image = outdated ? kOutdatedLauncherImage : kCurrentLauncherImage;
    const std::string vmUid = uid(), vmiUid = uid(), podUid = uid(), firmwareUid = uid();
    const std::string podName = "virt-launcher-" + name + "-" + nameSuffix(rng_);
    const int ipA = static_cast<int>(i / 250 % 250), ipB = static_cast<int>(i % 250 + 2);
    const std::string ip = "10.128." + std::to_string(ipA) + "." + std::to_string(ipB);
    char mac[24];
    std::snprintf(mac, sizeof mac, "02:%02x:%02x:%02x:%02x:%02x", static_cast<unsigned>(rng_() & 0xff),
                  static_cast<unsigned>(rng_() & 0xff), static_cast<unsigned>(rng_() & 0xff),
                  static_cast<unsigned>(rng_() & 0xff), static_cast<unsigned>(rng_() & 0xff));

    // Spec shared by the VM template and the VMI.
    json interfaces = json::array();
    const bool bridge = !migratable && std::string(nm.reason) == "InterfaceNotLiveMigratable";
    json iface = {{"name", "default"}, {"macAddress", mac}};
    if (bridge) iface["bridge"] = json::object();
    else iface["masquerade"] = json::object();
    interfaces.push_back(iface);
    json devices = {{"disks", {{{"name", "rootdisk"}, {"disk", {{"bus", "virtio"}}}},
                               {{"name", "cloudinitdisk"}, {"disk", {{"bus", "virtio"}}}}}},
                    {"interfaces", interfaces},
                    {"rng", json::object()}};
    if (!migratable && std::string(nm.reason) == "HostDeviceNotLiveMigratable")
      devices["hostDevices"] = {{{"name", "gpu1"}, {"deviceName", "nvidia.com/GA102GL_A10"}}};
    json domain = {{"cpu", {{"cores", 1}, {"sockets", cores[sz]}, {"threads", 1}, {"model", "host-model"}, {"maxSockets", cores[sz] * 4}}},
                   {"memory", {{"guest", memory[sz]}}},
                   {"devices", devices},
                   {"features", {{"acpi", {{"enabled", true}}}, {"smm", {{"enabled", true}}}}},
                   {"firmware", {{"uuid", firmwareUid}, {"bootloader", {{"efi", {{"secureBoot", false}}}}}}},
                   {"machine", {{"type", "pc-q35-rhel9.6.0"}}},
                   {"resources", {{"requests", {{"memory", memory[sz]}}}}}};
    if (phase == "Scheduling") {
      // Too big for every node: the scheduler keeps its launcher pod Pending with "Insufficient memory".
      domain["memory"]["guest"] = "1Ti";
      domain["resources"]["requests"]["memory"] = "1Ti";
    }
    json volumes = {{{"name", "rootdisk"}, {"dataVolume", {{"name", name + "-rootdisk"}}}},
                    {{"name", "cloudinitdisk"},
                     {"cloudInitNoCloud", {{"userData", "#cloud-config\nuser: cloud-user\nchpasswd: {expire: false}\n"}}}}};
    json labels = {{"kubevirt.io/domain", name}, {"kubevirt.io/size", sizes[sz]}, {"app", name},
                   {"vm.kubevirt.io/os", os[osIdx]}, {"workload.example.com/tier", i % 3 == 0 ? "frontend" : "backend"}};

    if (!standalone) {
      json templateSpec = {{"domain", domain}, {"terminationGracePeriodSeconds", 180}, {"volumes", volumes}};
      templateSpec["networks"] = json::array({{{"name", "default"}, {"pod", json::object()}}});
      json dvt = {{"metadata", {{"name", name + "-rootdisk"}}},
                  {"spec", {{"sourceRef", {{"kind", "DataSource"}, {"name", os[osIdx]},
                                           {"namespace", "openshift-virtualization-os-images"}}},
                            {"storage", {{"resources", {{"requests", {{"storage", "30Gi"}}}}}}}}}};
      json vmSpec = {{"template", {{"metadata", {{"labels", labels}, {"annotations", {{"vm.kubevirt.io/flavor", sizes[sz]}}}}},
                                   {"spec", templateSpec}}}};
      vmSpec["dataVolumeTemplates"] = json::array({dvt});
      json vmMeta = {{"name", name}, {"namespace", ns}, {"uid", vmUid}, {"creationTimestamp", createdTs}, {"generation", 1},
                     {"labels", {{"app", name}, {"vm.kubevirt.io/template", std::string(os[osIdx]) + "-server-" + sizes[sz]}}},
                     {"annotations", {{"kubevirt.io/latest-observed-api-version", "v1"},
                                      {"kubevirt.io/storage-observed-api-version", "v1"}}}};
      vmMeta["finalizers"] = json::array({"kubevirt.io/virtualMachineControllerFinalize"});
      json vm = {{"apiVersion", "kubevirt.io/v1"}, {"kind", "VirtualMachine"}, {"metadata", vmMeta}, {"spec", vmSpec}};
      if (!eviction.empty()) vm["spec"]["template"]["spec"]["evictionStrategy"] = eviction;
      if (runningTrue) vm["spec"]["running"] = true;
      else if (!runStrategy.empty()) vm["spec"]["runStrategy"] = runStrategy;
      else vm["spec"]["running"] = false;
      const bool vmRunning = !isHalted;
      json vmStatus = {{"created", vmRunning}, {"ready", vmRunning && phase == "Running"},
                       {"desiredGeneration", 1}, {"observedGeneration", 1},
                       {"printableStatus", !vmRunning ? "Stopped" : phase == "Running" ? "Running"
                                                   : phase == "Succeeded" || phase == "Failed" ? "Stopped" : "Starting"},
                       {"runStrategy", runningTrue ? "Always" : runStrategy.empty() ? "Halted" : runStrategy},
                       {"volumeSnapshotStatuses", {{{"name", "rootdisk"}, {"enabled", false}, {"reason", "No VolumeSnapshotClass"}},
                                                   {{"name", "cloudinitdisk"}, {"enabled", false}, {"reason", "Snapshot is not supported for this volumeSource type [cloudinitdisk]"}}}}};
      json vmConds = json::array();
      vmConds.push_back(condition("Ready", vmRunning && phase == "Running" ? "True" : "False", vmRunning ? "" : "VMINotExists",
                                  vmRunning ? "" : "VMI does not exist", createdTs));
      if (vmRunning && phase == "Running") {
        vmConds.push_back(condition("LiveMigratable", migratable ? "True" : "False", migratable ? "" : nm.reason,
                                    migratable ? "" : nm.message));
        vmConds.push_back(condition("AgentConnected", "True", "", "", createdTs));
      }
      vmStatus["conditions"] = vmConds;
      vm["status"] = vmStatus;
      add("kubevirt.io", "v1", "virtualmachines", std::move(vm));
      ++sum.vms;
    }
    if (isHalted) continue;

    // The VMI.
    json vmiLabels = labels;
    if (scheduled) vmiLabels["kubevirt.io/nodeName"] = node;
    const bool showsImage = phase != "Pending";  // set once a launcher pod exists
    if (outdated && showsImage && phase != "Succeeded" && phase != "Failed") vmiLabels["kubevirt.io/outdatedLauncherImage"] = "";
    json vmiMeta = {{"name", name}, {"namespace", ns}, {"uid", vmiUid}, {"creationTimestamp", ts(created + 5)},
                    {"generation", 10}, {"labels", vmiLabels},
                    {"annotations", {{"kubevirt.io/latest-observed-api-version", "v1"},
                                     {"kubevirt.io/storage-observed-api-version", "v1"},
                                     {"kubevirt.io/vm-generation", "1"}}},
                    {"finalizers", {"kubevirt.io/virtualMachineControllerFinalize", "foregroundDeleteVirtualMachine"}}};
    if (!standalone)
      vmiMeta["ownerReferences"] = {{{"apiVersion", "kubevirt.io/v1"}, {"kind", "VirtualMachine"}, {"name", name},
                                     {"uid", vmUid}, {"controller", true}, {"blockOwnerDeletion", true}}};
    json vmiSpec = {{"architecture", "amd64"}, {"domain", std::move(domain)},
                    {"networks", {{{"name", "default"}, {"pod", json::object()}}}},
                    {"terminationGracePeriodSeconds", 180}, {"volumes", std::move(volumes)}};
    if (!eviction.empty()) vmiSpec["evictionStrategy"] = eviction;

    json conds = json::array();
    if (phase == "Running") {
      conds.push_back(condition("Ready", "True", "", "", ts(created + 40)));
      conds.push_back(condition("LiveMigratable", migratable ? "True" : "False", migratable ? "" : nm.reason,
                                migratable ? "" : nm.message));
      conds.push_back(condition("StorageLiveMigratable", "True"));
      conds.push_back(condition("AgentConnected", "True", "", "", ts(created + 90)));
    } else if (phase == "Pending" || phase == "Scheduling") {
      conds.push_back(condition("Ready", "False", "PodNotExists", "virt-launcher pod has not yet been scheduled"));
      if (phase == "Scheduling")
        conds.push_back(condition("PodScheduled", "False", "Unschedulable",
                                  tooBigMessage()));
    } else {
      conds.push_back(condition("Ready", "False", "PodTerminating", "virt-launcher pod is terminating", ts(created + 4000)));
    }
    json vmiStatus = {{"phase", phase}, {"conditions", conds}, {"qosClass", "Burstable"},
                      {"phaseTransitionTimestamps",
                       {{{"phase", "Pending"}, {"phaseTransitionTimestamp", ts(created + 5)}},
                        {{"phase", "Scheduling"}, {"phaseTransitionTimestamp", ts(created + 6)}}}},
                      {"guestOSInfo", json::object()}, {"machine", {{"type", "pc-q35-rhel9.6.0"}}},
                      {"memory", {{"guestAtBoot", memory[sz]}, {"guestCurrent", memory[sz]}, {"guestRequested", memory[sz]}}},
                      {"currentCPUTopology", {{"cores", 1}, {"sockets", cores[sz]}, {"threads", 1}}},
                      {"migrationTransport", "Unix"},
                      {"selinuxContext", "system_u:object_r:container_file_t:s0:c" + std::to_string(i % 1000) + ",c" + std::to_string(i % 997 + 1)}};
    if (showsImage) vmiStatus["launcherContainerImageVersion"] = image;
    if (scheduled) {
      vmiStatus["nodeName"] = node;
      vmiStatus["activePods"] = {{podUid, node}};
      vmiStatus["phaseTransitionTimestamps"].push_back({{"phase", "Scheduled"}, {"phaseTransitionTimestamp", ts(created + 20)}});
      vmiStatus["phaseTransitionTimestamps"].push_back({{"phase", "Running"}, {"phaseTransitionTimestamp", ts(created + 40)}});
      vmiStatus["migrationMethod"] = migratable ? "LiveMigration" : "BlockMigration";
      vmiStatus["virtualMachineRevisionName"] = "revision-start-vm-" + vmUid + "-1";
    }
    if (phase == "Running") {
      vmiStatus["interfaces"] = {{{"name", "default"}, {"interfaceName", "eth0"}, {"ipAddress", ip},
                                  {"ipAddresses", {ip}}, {"mac", mac}, {"infoSource", "domain, guest-agent"},
                                  {"queueCount", 1}, {"linkState", "up"}}};
      vmiStatus["guestOSInfo"] = {{"id", osIdx == 2 ? "mswindows" : os[osIdx]}, {"name", os[osIdx]},
                                  {"kernelRelease", osIdx == 2 ? "20348" : "5.14.0-570.el9.x86_64"}};
      // virt-handler's volume status (pkg/virt-handler/vm.go): a PVC-backed volume reports its claim's access
      // modes; shared (ReadWriteMany) storage is what makes the disks live-migratable.
      vmiStatus["volumeStatus"] = {{{"name", "rootdisk"}, {"target", "vda"}, {"persistentVolumeClaimInfo",
                                     {{"claimName", name + "-rootdisk"},
                                      {"accessModes", {migratable || std::string(nm.reason) != "DisksNotLiveMigratable" ? "ReadWriteMany" : "ReadWriteOnce"}},
                                      {"capacity", {{"storage", "30Gi"}}}, {"volumeMode", "Block"}}}},
                                   {{"name", "cloudinitdisk"}, {"target", "vdb"}, {"size", 1048576}}};
    }
    sum.vmis++;
    if (phase == "Running") sum.running++;
    if (phase == "Running" && outdated) sum.outdated++;
    if (phase == "Running" && migratable) sum.migratable++;
    if (standalone) sum.standalone++;

    // An unfinished migration for ~1% of running migratable VMIs.
    json migration;
    std::string targetNode, targetPod, migUid;
    if (phase == "Running" && migratable && unit() < 0.012) {
      static const char* migPhases[] = {"Pending", "Scheduling", "Scheduled", "PreparingTarget", "Running"};
      const std::string mphase = migPhases[pick(5)];
      migUid = uid();
      do targetNode = workers_[pick(workers_.size())];
      while (targetNode == node && workers_.size() > 1);
      const bool wu = unit() < 0.7;
      const std::string migName = std::string(wu ? "kubevirt-workload-update-" : "kubevirt-evacuation-") + nameSuffix(rng_);
      json ann = json::object();
      if (wu) ann["kubevirt.io/workloadUpdateMigration"] = "";
      else ann["kubevirt.io/evacuationMigration"] = node;
      migration = {{"apiVersion", "kubevirt.io/v1"},
                   {"kind", "VirtualMachineInstanceMigration"},
                   {"metadata",
                    {{"name", migName}, {"namespace", ns}, {"uid", migUid}, {"creationTimestamp", ts(created + 86400)},
                     {"generation", 1}, {"generateName", wu ? "kubevirt-workload-update-" : "kubevirt-evacuation-"},
                     {"labels", {{"kubevirt.io/vmi-name", name}}}, {"annotations", ann},
                     {"finalizers", {"kubevirt.io/migrationJobFinalize"}}}},
                   {"spec", {{"vmiName", name}, {"priority", wu ? "system-critical" : "system-critical"}}},
                   {"status", {{"phase", mphase},
                               {"phaseTransitionTimestamps", {{{"phase", "Pending"}, {"phaseTransitionTimestamp", ts(created + 86400)}}}}}}};
      if (mphase != "Pending") {
        targetPod = "virt-launcher-" + name + "-" + nameSuffix(rng_);
        migration["status"]["migrationState"] = {{"sourceNode", node}, {"targetNode", targetNode}, {"targetPod", targetPod},
                                                 {"sourcePod", podName}, {"migrationUid", migUid}, {"mode", "PreCopy"}};
        vmiStatus["migrationState"] = {{"sourceNode", node}, {"targetNode", targetNode}, {"targetPod", targetPod},
                                       {"sourcePod", podName}, {"migrationUid", migUid}, {"mode", "PreCopy"}};
        if (mphase == "Running") {
          vmiStatus["migrationState"]["startTimestamp"] = ts(created + 86410);
          vmiStatus["migrationState"]["targetNodeDomainReadyTimestamp"] = ts(created + 86409);
          vmiStatus["migrationState"]["targetNodeAddress"] = "10.129.0.1";
          vmiLabels["kubevirt.io/migrationTargetNodeName"] = targetNode;
          vmiMeta["labels"] = vmiLabels;
        }
      }
      if (!wu) vmiStatus["evacuationNodeName"] = node;
      sum.migrations++;
    }
    const kv::LauncherScheduling podScheduling = kv::renderScheduling(vmiSpec);
    add("kubevirt.io", "v1", "virtualmachineinstances",
        {{"apiVersion", "kubevirt.io/v1"}, {"kind", "VirtualMachineInstance"}, {"metadata", vmiMeta},
         {"spec", vmiSpec}, {"status", vmiStatus}});

    // The virt-launcher pod (and a migration target pod).
    auto launcher = [&](const std::string& pname, const std::string& puid, const std::string& pnode,
                        const std::string& pimage, const std::string& pphase, bool target) {
      json podLabels = vmiLabels;
      podLabels["kubevirt.io"] = "virt-launcher";
      podLabels["kubevirt.io/created-by"] = vmiUid;
      podLabels["vm.kubevirt.io/name"] = name;
      podLabels["vmi.kubevirt.io/id"] = name;
      if (target) podLabels["kubevirt.io/migrationJobUID"] = migUid;
      json podStatus = {{"phase", pphase}, {"qosClass", "Burstable"}};
      json compute = {{"name", "compute"}, {"image", pimage}, {"imagePullPolicy", "IfNotPresent"},
                      {"command", {"/usr/bin/virt-launcher-monitor", "--qemu-timeout", "300s", "--name", name,
                                   "--uid", vmiUid, "--namespace", ns, "--kubevirt-share-dir", "/var/run/kubevirt",
                                   "--ephemeral-disk-dir", "/var/run/kubevirt-ephemeral-disks",
                                   "--container-disk-dir", "/var/run/kubevirt/container-disks",
                                   "--grace-period-seconds", "195", "--hook-sidecars", "0"}},
                      {"resources", podScheduling.resources}};
      compute["securityContext"] = {{"runAsNonRoot", true}, {"runAsUser", 107}};
      compute["securityContext"]["capabilities"] = {{"add", json::array({"NET_BIND_SERVICE"})}, {"drop", json::array({"ALL"})}};
      json containers = json::array({compute});
      json podSpec = {{"containers", containers}, {"restartPolicy", "Never"}, {"schedulerName", "default-scheduler"},
                      {"serviceAccountName", "default"}, {"terminationGracePeriodSeconds", 210},
                      {"nodeSelector", podScheduling.nodeSelector}, {"tolerations", podScheduling.tolerations},
                      {"readinessGates", {{{"conditionType", "kubevirt.io/virtual-machine-unpaused"}}}}};
      if (!podScheduling.affinity.is_null()) podSpec["affinity"] = podScheduling.affinity;
      if (target) {
        // createTargetPod: anti-affinity against the VMI's pods, the source node's host-model CPU and vendor.
        podSpec["affinity"]["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"] =
            json::array({{{"labelSelector", {{"matchLabels", {{"kubevirt.io/created-by", vmiUid}}}}},
                          {"topologyKey", "kubernetes.io/hostname"}}});
        podSpec["nodeSelector"]["cpu-model-migration.node.kubevirt.io/Cascadelake-Server"] = "true";
        podSpec["nodeSelector"]["cpu-vendor.node.kubevirt.io/Intel"] = "true";
      }
      if (pphase != "Pending") {
        podSpec["nodeName"] = pnode;
        podStatus["podIP"] = ip;
        podStatus["podIPs"] = {{{"ip", ip}}};
        podStatus["hostIP"] = "192.168.101.2";
        podStatus["startTime"] = ts(created + 10);
        const bool ready = pphase == "Running";
        podStatus["conditions"] = {{{"type", "Ready"}, {"status", ready ? "True" : "False"}, {"lastTransitionTime", ts(created + 40)}},
                                   {{"type", "PodScheduled"}, {"status", "True"}, {"lastTransitionTime", ts(created + 8)}}};
        json state = json::object();
        if (ready) {
          state["running"] = {{"startedAt", ts(created + 30)}};
        } else {
          state["terminated"] = {{"exitCode", pphase == "Succeeded" ? 0 : 1},
                                 {"reason", pphase == "Succeeded" ? "Completed" : "Error"},
                                 {"finishedAt", ts(created + 4000)}};
        }
        podStatus["containerStatuses"] = {{{"name", "compute"}, {"image", pimage}, {"imageID", pimage + "@sha256:" + std::string(64, outdated ? 'a' : 'b')},
                                           {"ready", ready}, {"restartCount", 0}, {"started", ready}, {"state", state}}};
      } else {
        podStatus["conditions"] = {{{"type", "PodScheduled"}, {"status", "False"}, {"reason", "Unschedulable"},
                                    {"lastProbeTime", nullptr}, {"message", tooBigMessage()}}};
      }
      add("", "v1", "pods",
          {{"apiVersion", "v1"},
           {"kind", "Pod"},
           {"metadata",
            {{"name", pname}, {"namespace", ns}, {"uid", puid}, {"generateName", "virt-launcher-" + name + "-"},
             {"creationTimestamp", ts(created + (target ? 86405 : 6))},
             {"labels", podLabels},
             {"annotations", {{"kubevirt.io/domain", name}, {"kubevirt.io/migrationTransportUnix", "true"},
                              {"kubectl.kubernetes.io/default-container", "compute"},
                              {"post.hook.backup.velero.io/command", "[\"/usr/bin/virt-freezer\", \"--unfreeze\", \"--name\", \"" + name + "\", \"--namespace\", \"" + ns + "\"]"},
                              {"pre.hook.backup.velero.io/command", "[\"/usr/bin/virt-freezer\", \"--freeze\", \"--name\", \"" + name + "\", \"--namespace\", \"" + ns + "\"]"}}},
             {"ownerReferences", {{{"apiVersion", "kubevirt.io/v1"}, {"kind", "VirtualMachineInstance"}, {"name", name},
                                   {"uid", vmiUid}, {"controller", true}, {"blockOwnerDeletion", true}}}}}},
           {"spec", podSpec},
           {"status", podStatus}});
      sum.pods++;
    };
    const std::string podPhase = phase == "Scheduling" || phase == "Pending" ? "Pending" : phase;
    if (phase != "Pending") launcher(podName, podUid, node, image, podPhase, false);
    if (!targetPod.empty()) launcher(targetPod, uid(), targetNode, kCurrentLauncherImage, "Running", true);
    if (!migration.is_null()) add("kubevirt.io", "v1", "virtualmachineinstancemigrations", std::move(migration));
  }
}

std::string Gen::tooBigMessage() const {
  std::vector<sched::Verdict> v;
  for (int i = 0; i < 3; ++i) v.push_back({{"node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }"}, false});
  for (size_t i = 0; i < workers_.size(); ++i) v.push_back({{"Insufficient memory"}, true});
  if (opts_.placementCases) {
    v.push_back({{"node(s) had untolerated taint {dedicated: sap}"}, false});
    for (size_t i = 0; i < std::size(kDbNodes); ++i) v.push_back({{"node(s) had untolerated taint {workload.example.com/pool: db}"}, false});
  }
  return sched::fitErrorMessage(v);
}

// VMIs whose target pod the scheduler cannot place, each for one reason its spec explains (namespace
// "placement"): pinned by nodeSelector to its node, required node affinity only its node matches, a dedicated
// node's taint and label, a host-model CPU only its node has, 1Gi hugepages only its node offers, and two
// large databases whose only other matching node is full. Their uids come from their own generator, so the
// rest of the fleet is the same with or without them.
void Gen::placementCases(FleetSummary& sum) {
  std::mt19937_64 caseRng(seed_ ^ 0x5eedcafeULL);
  auto cuid = [&] { return makeUid(caseRng); };
  const std::string ns = "placement";
  add("", "v1", "namespaces", nsObject(ns, cuid(), ts(600)));
  ++sum.namespaces;

  auto specialNode = [&](const std::string& name, json labels, json taint, const char* memory, const char* hugepages,
                         const char* cpu) {
    add("", "v1", "nodes",
        {{"apiVersion", "v1"}, {"kind", "Node"},
         {"metadata", {{"name", name}, {"uid", cuid()}, {"creationTimestamp", ts(300)}, {"labels", labels},
                       {"annotations", {{"kubevirt.io/heartbeat", ts(86400)}}}}},
         {"spec", {{"taints", json::array({taint})}}},
         {"status",
          {{"capacity", workerResources(cpu, memory, hugepages)}, {"allocatable", workerResources(cpu, memory, hugepages)},
           {"conditions", {condition("Ready", "True", "KubeletReady", "kubelet is posting ready status", ts(600))}},
           {"addresses", {{{"type", "Hostname"}, {"address", name}}}},
           {"nodeInfo", {{"kubeletVersion", "v1.32.4"}, {"architecture", "amd64"}, {"operatingSystem", "linux"},
                         {"containerRuntimeVersion", "cri-o://1.32.3"}}}}}});
    ++sum.nodes;
  };
  json sapLabels = workerLabels(kSapNode, "Sapphirerapids-Server", false);
  sapLabels["dedicated"] = "sap";
  specialNode(kSapNode, sapLabels, {{"key", "dedicated"}, {"value", "sap"}, {"effect", "NoSchedule"}}, "790483444Ki", "16Gi",
              "95500m");
  for (const char* db : kDbNodes) {
    json l = workerLabels(db, "Cascadelake-Server", true);
    l["workload.example.com/pool"] = "db";
    specialNode(db, l, {{"key", "workload.example.com/pool"}, {"value", "db"}, {"effect", "NoSchedule"}}, "256Gi", "0", "47500m");
  }

  const json sapToleration = {{"key", "dedicated"}, {"operator", "Equal"}, {"value", "sap"}, {"effect", "NoSchedule"}};
  const json dbToleration = {{"key", "workload.example.com/pool"}, {"operator", "Equal"}, {"value", "db"}, {"effect", "NoSchedule"}};
  auto vm = [&](const std::string& name, const std::string& node, int sockets, const std::string& memory,
                const std::function<void(json&)>& tweak) {
    const std::string vmUid = cuid(), vmiUid = cuid(), podUid = cuid();
    json spec = {{"architecture", "amd64"},
                 {"domain", {{"cpu", {{"cores", 1}, {"sockets", sockets}, {"threads", 1}, {"model", "host-model"}}},
                             {"memory", {{"guest", memory}}},
                             {"resources", {{"requests", {{"memory", memory}}}}},
                             {"devices", {{"disks", {{{"name", "rootdisk"}, {"disk", {{"bus", "virtio"}}}}}},
                                          {"interfaces", {{{"name", "default"}, {"masquerade", json::object()}}}}}},
                             {"machine", {{"type", "pc-q35-rhel9.6.0"}}}}},
                 {"networks", {{{"name", "default"}, {"pod", json::object()}}}},
                 {"evictionStrategy", "LiveMigrate"},
                 {"terminationGracePeriodSeconds", 180},
                 {"volumes", {{{"name", "rootdisk"}, {"persistentVolumeClaim", {{"claimName", name + "-rootdisk"}}}}}}};
    tweak(spec);
    const json labels = {{"app", name}, {"kubevirt.io/domain", name}};
    add("kubevirt.io", "v1", "virtualmachines",
        {{"apiVersion", "kubevirt.io/v1"}, {"kind", "VirtualMachine"},
         {"metadata", {{"name", name}, {"namespace", ns}, {"uid", vmUid}, {"creationTimestamp", ts(7000)}, {"generation", 1}}},
         {"spec", {{"runStrategy", "Always"}, {"template", {{"metadata", {{"labels", labels}}}, {"spec", spec}}}}},
         {"status", {{"created", true}, {"ready", true}, {"printableStatus", "Running"}, {"runStrategy", "Always"}}}});
    json vmiLabels = labels;
    vmiLabels["kubevirt.io/nodeName"] = node;
    vmiLabels["kubevirt.io/outdatedLauncherImage"] = "";
    json vmi = {{"apiVersion", "kubevirt.io/v1"}, {"kind", "VirtualMachineInstance"},
                {"metadata", {{"name", name}, {"namespace", ns}, {"uid", vmiUid}, {"creationTimestamp", ts(7005)},
                              {"generation", 4}, {"labels", vmiLabels},
                              {"ownerReferences", {{{"apiVersion", "kubevirt.io/v1"}, {"kind", "VirtualMachine"}, {"name", name},
                                                    {"uid", vmUid}, {"controller", true}, {"blockOwnerDeletion", true}}}}}},
                {"spec", spec},
                {"status",
                 {{"phase", "Running"}, {"nodeName", node}, {"qosClass", "Burstable"},
                  {"launcherContainerImageVersion", kOutdatedLauncherImage},
                  {"activePods", {{podUid, node}}}, {"migrationMethod", "LiveMigration"},
                  {"conditions", {condition("Ready", "True", "", "", ts(7045)), condition("LiveMigratable", "True"),
                                  condition("StorageLiveMigratable", "True")}},
                  {"phaseTransitionTimestamps", {{{"phase", "Running"}, {"phaseTransitionTimestamp", ts(7045)}}}},
                  {"volumeStatus", {{{"name", "rootdisk"}, {"target", "vda"},
                                     {"persistentVolumeClaimInfo", {{"claimName", name + "-rootdisk"}, {"accessModes", {"ReadWriteMany"}},
                                                                    {"capacity", {{"storage", "30Gi"}}}, {"volumeMode", "Block"}}}}}}}}};
    json pod = kv::launcherPod(vmi, kOutdatedLauncherImage, "");
    pod["metadata"]["name"] = "virt-launcher-" + name + "-" + nameSuffix(caseRng);
    pod["metadata"]["uid"] = podUid;
    pod["metadata"]["creationTimestamp"] = ts(7010);
    pod["metadata"]["labels"]["kubevirt.io/nodeName"] = node;
    pod["spec"]["nodeName"] = node;
    pod["status"] = {{"phase", "Running"}, {"qosClass", "Burstable"}, {"startTime", ts(7020)},
                     {"conditions", {{{"type", "PodScheduled"}, {"status", "True"}, {"lastTransitionTime", ts(7012)}},
                                     {{"type", "Ready"}, {"status", "True"}, {"lastTransitionTime", ts(7045)}}}},
                     {"containerStatuses", {{{"name", "compute"}, {"image", kOutdatedLauncherImage}, {"ready", true},
                                             {"restartCount", 0}, {"started", true},
                                             {"state", {{"running", {{"startedAt", ts(7030)}}}}}}}}};
    add("kubevirt.io", "v1", "virtualmachineinstances", std::move(vmi));
    add("", "v1", "pods", std::move(pod));
    ++sum.vms;
    ++sum.vmis;
    ++sum.pods;
    ++sum.running;
    ++sum.outdated;
    ++sum.migratable;
  };
  const std::string pinnedNode = workers_[0], affinityNode = workers_[1 % workers_.size()];
  vm("pinned-vm", pinnedNode, 2, "8Gi", [&](json& s) { s["nodeSelector"] = {{"kubernetes.io/hostname", pinnedNode}}; });
  vm("affinity-vm", affinityNode, 2, "8Gi", [&](json& s) {
    const json expression = {{"key", "kubernetes.io/hostname"}, {"operator", "In"}, {"values", json::array({affinityNode})}};
    const json term = {{"matchExpressions", json::array({expression})}};
    json required = json::object();
    required["nodeSelectorTerms"] = json::array({term});
    s["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"] = required;
  });
  vm("sap-vm", kSapNode, 8, "64Gi", [&](json& s) {
    s["tolerations"] = json::array({sapToleration});
    s["nodeSelector"] = {{"dedicated", "sap"}};
  });
  vm("hostmodel-vm", kSapNode, 2, "8Gi", [&](json& s) { s["tolerations"] = json::array({sapToleration}); });
  vm("hugepages-vm", kSapNode, 4, "16Gi", [&](json& s) {
    s["tolerations"] = json::array({sapToleration});
    s["domain"]["cpu"]["model"] = "Cascadelake-Server";
    s["domain"]["memory"]["hugepages"] = {{"pageSize", "1Gi"}};
  });
  for (size_t i = 0; i < std::size(kDbNodes); ++i)
    vm(i == 0 ? "db-primary" : "db-replica", kDbNodes[i], 16, "240Gi", [&](json& s) {
      s["tolerations"] = json::array({dbToleration});
      s["nodeSelector"] = {{"workload.example.com/pool", "db"}};
      s["domain"]["cpu"]["dedicatedCpuPlacement"] = true;
    });
}

void Gen::run(FleetSummary& sum) {
  infrastructure();
  nodes();
  sum.nodes = workers_.size() + 3;
  workloads(sum);
  if (opts_.placementCases) placementCases(sum);
  kubevirt_["status"]["outdatedVirtualMachineInstanceWorkloads"] = sum.outdated;
  add("kubevirt.io", "v1", "kubevirts", std::move(kubevirt_));
  // virt-handler on every worker (drawn last, so the objects above do not depend on it).
  const int desired = static_cast<int>(workers_.size() + (opts_.placementCases ? 1 + std::size(kDbNodes) : 0));
  json hc = {{"name", "virt-handler"}, {"image", "quay.io/kubevirt/virt-handler:v1.9.0"},
             {"command", {"virt-handler"}}, {"args", {"--port", "8443", "--hostname-override", "$(NODE_NAME)"}}};
  add("apps", "v1", "daemonsets",
      {{"apiVersion", "apps/v1"},
       {"kind", "DaemonSet"},
       {"metadata",
        {{"name", "virt-handler"}, {"namespace", "kubevirt"}, {"uid", uid()}, {"creationTimestamp", ts(120)},
         {"generation", 2},
         {"labels", {{"app.kubernetes.io/component", "kubevirt"}, {"app.kubernetes.io/managed-by", "virt-operator"},
                     {"app.kubernetes.io/version", "v1.9.0"}, {"kubevirt.io", "virt-handler"}}},
         {"annotations", {{"deprecated.daemonset.template.generation", "2"}, {"kubevirt.io/install-strategy-version", "v1.9.0"}}}}},
       {"spec",
        {{"selector", {{"matchLabels", {{"kubevirt.io", "virt-handler"}}}}},
         {"updateStrategy", {{"type", "RollingUpdate"}, {"rollingUpdate", {{"maxUnavailable", 1}, {"maxSurge", 0}}}}},
         {"template", {{"metadata", {{"labels", {{"kubevirt.io", "virt-handler"}}}}},
                       {"spec", {{"serviceAccountName", "kubevirt-handler"}, {"containers", json::array({hc})},
                                 {"nodeSelector", {{"kubernetes.io/os", "linux"}}}}}}}}},
       {"status",
        {{"currentNumberScheduled", desired}, {"desiredNumberScheduled", desired}, {"numberAvailable", desired},
         {"numberMisscheduled", 0}, {"numberReady", desired}, {"observedGeneration", 2},
         {"updatedNumberScheduled", desired}}}});
}

}  // namespace

void generateFleet(size_t vmis, uint64_t seed, const FleetSink& sink, FleetSummary* summary, const FleetOptions& options) {
  FleetSummary local;
  Gen g(vmis, seed, sink, options);
  g.run(summary ? *summary : local);
}

std::vector<GeneratedObject> generateFleet(size_t vmis, uint64_t seed, FleetSummary* summary, const FleetOptions& options) {
  std::vector<GeneratedObject> out;
  generateFleet(vmis, seed, [&](const ResourceInfo& r, json&& o) { out.push_back({&r, std::move(o)}); }, summary, options);
  return out;
}

}  // namespace sim

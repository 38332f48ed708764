#!/usr/bin/env python3
"""Writes demo-fleet.yaml: a kubevirt-sim scenario of about 40 VMs on 3 worker nodes, after an
upgrade from virt-launcher v1.8.2 to v1.9.0, built so that `plan` shows every action and reason
(some only under the what-if flags: --methods, --parallel-migrations 0, --batch-size 0).

Usage: examples/make-demo-fleet.py > examples/demo-fleet.yaml
       examples/make-demo-fleet.py placement > examples/demo-placement.yaml

The second is an overlay (load it after demo-fleet.yaml): worker-2 becomes a dedicated SAP node
(taint dedicated=sap:NoSchedule) and three more VMIs cannot get a migration target pod anywhere, each
for a reason its spec shows. It is separate so that the demo and the tests built on demo-fleet.yaml keep
their story.
"""
import json
import sys

PLACEMENT = sys.argv[1:] == ["placement"]

OLD = "quay.io/kubevirt/virt-launcher:v1.8.2"
NEW = "quay.io/kubevirt/virt-launcher:v1.9.0"
NODES = ["worker-0", "worker-1", "worker-2"]
T0 = "2026-11-27T08:00:00Z"
objects = []


MI = 1024 * 1024


def node(name):
    """A worker as kubelet and KubeVirt's node labeller report it. worker-2 is newer (host-model Icelake-Server,
    which the others cannot take as a migration target) and dedicated to SAP (taint dedicated=sap:NoSchedule)."""
    newer = name == "worker-2"
    model = "Icelake-Server" if newer else "Cascadelake-Server"
    labels = {"kubernetes.io/hostname": name, "kubernetes.io/arch": "amd64", "kubernetes.io/os": "linux",
              "node-role.kubernetes.io/worker": "", "kubevirt.io/schedulable": "true",
              "cpu-vendor.node.kubevirt.io/Intel": "true",
              "cpu-model.node.kubevirt.io/Cascadelake-Server": "true",
              "cpu-model-migration.node.kubevirt.io/Cascadelake-Server": "true",
              "host-model-cpu.node.kubevirt.io/" + model: "true"}
    if newer:
        labels.update({"cpu-model.node.kubevirt.io/Icelake-Server": "true",
                       "cpu-model-migration.node.kubevirt.io/Icelake-Server": "true", "dedicated": "sap"})
    if name == "worker-0":
        labels.update({"cpumanager": "true", "kubevirt.io/cpumanager": "true"})
    resources = {"cpu": "64", "memory": "256Gi", "pods": "250", "hugepages-1Gi": "0", "hugepages-2Mi": "0",
                 "devices.kubevirt.io/kvm": "1k", "devices.kubevirt.io/tun": "1k", "devices.kubevirt.io/vhost-net": "1k"}
    allocatable = dict(resources, cpu="63500m", memory="255Gi")
    spec = {"taints": [{"key": "dedicated", "value": "sap", "effect": "NoSchedule"}]} if newer and PLACEMENT else {}
    return {"apiVersion": "v1", "kind": "Node", "metadata": {"name": name, "labels": labels}, "spec": spec,
            "status": {"capacity": resources, "allocatable": allocatable,
                       "conditions": [{"type": "Ready", "status": "True"}]}}


def quantity_mi(q):
    return int(q[:-2]) * (1024 if q.endswith("Gi") else 1)


def launcher_spec(spec, node_name, image):
    """The scheduling parts of a launcher pod, as virt-controller renders them (tests/sim/launcher_template.cpp)."""
    cpu = spec["domain"].get("cpu", {})
    vcpus = cpu.get("sockets", 1) * cpu.get("cores", 1) * cpu.get("threads", 1)
    guest = quantity_mi(spec["domain"]["memory"]["guest"])
    overhead = guest // 512 + 240 + 8 * vcpus + 8 + 32  # GetMemoryOverhead, approximated
    selector = {"kubevirt.io/schedulable": "true"}
    selector.update(spec.get("nodeSelector", {}))
    model = cpu.get("model", "")
    if model not in ("", "host-model", "host-passthrough"):
        selector["cpu-model.node.kubevirt.io/" + model] = "true"
    tolerations = list(spec.get("tolerations", [])) + [
        {"key": k, "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}
        for k in ("node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable")]
    out = {"nodeName": node_name, "nodeSelector": selector, "tolerations": tolerations,
           "containers": [{"name": "compute", "image": image,
                           "resources": {"requests": {"cpu": "%dm" % (vcpus * 100), "memory": "%dMi" % (guest + overhead),
                                                      "devices.kubevirt.io/kvm": "1", "devices.kubevirt.io/tun": "1",
                                                      "devices.kubevirt.io/vhost-net": "1"},
                                         "limits": {"devices.kubevirt.io/kvm": "1", "devices.kubevirt.io/tun": "1",
                                                    "devices.kubevirt.io/vhost-net": "1"}}}]}
    affinity = dict(spec.get("affinity", {}))
    if model in ("", "host-model"):
        affinity["nodeAffinity"] = {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
            {"matchExpressions": [{"key": "node-labeller.kubevirt.io/obsolete-host-model", "operator": "DoesNotExist"}]}]}}
    if affinity:
        out["affinity"] = affinity
    return out


def uid(n):
    return "00000000-0000-4000-8000-%012d" % n


counter = [0]


def vm_and_vmi(ns, name, node_name, image=OLD, migratable=True, not_migratable_reason="DisksNotLiveMigratable",
               strategy=None, run_strategy="Always", phase="Running", standalone=False, deleting=False,
               migrating=False, pod=True, extra_conditions=(), placement=None):
    counter[0] += 1
    n = counter[0]
    labels = {"kubevirt.io/nodeName": node_name} if node_name else {}
    if image != NEW and phase == "Running":
        labels["kubevirt.io/outdatedLauncherImage"] = ""
    labels["app"] = name.rsplit("-", 1)[0]
    conditions = [{"type": "Ready", "status": "True" if phase == "Running" else "False"},
                  {"type": "LiveMigratable", "status": "True"} if migratable else
                  {"type": "LiveMigratable", "status": "False", "reason": not_migratable_reason,
                   "message": "cannot migrate: " + not_migratable_reason}]
    conditions += list(extra_conditions)
    md = {"name": name, "namespace": ns, "uid": uid(n), "labels": labels, "creationTimestamp": T0}
    if not standalone:
        md["ownerReferences"] = [{"apiVersion": "kubevirt.io/v1", "kind": "VirtualMachine", "name": name,
                                  "uid": uid(1000 + n), "controller": True, "blockOwnerDeletion": True}]
    if deleting:
        md["deletionTimestamp"] = "2026-11-28T09:00:00Z"
        md["finalizers"] = ["foregroundDeleteVirtualMachine"]
    spec = {"domain": {"cpu": {"cores": 2}, "memory": {"guest": "4Gi"}, "devices": {"disks": [{"name": "rootdisk", "disk": {"bus": "virtio"}}]}},
            "volumes": [{"name": "rootdisk", "persistentVolumeClaim": {"claimName": name + "-root"}}]}
    if strategy:
        spec["evictionStrategy"] = strategy
    for k, v in (placement or {}).items():
        if k == "cpuModel":
            spec["domain"]["cpu"]["model"] = v
        else:
            spec[k] = v
    status = {"phase": phase, "conditions": conditions}
    if phase == "Running":
        status.update({"nodeName": node_name, "launcherContainerImageVersion": image,
                       "activePods": {uid(5000 + n): node_name}, "qosClass": "Burstable"})
        # virt-handler's volume status: the claim's access modes (RWO disks are what DisksNotLiveMigratable means).
        rwo = not migratable and not_migratable_reason == "DisksNotLiveMigratable"
        status["volumeStatus"] = [{"name": "rootdisk", "target": "vda",
                                   "persistentVolumeClaimInfo": {"claimName": name + "-root",
                                                                 "accessModes": ["ReadWriteOnce" if rwo else "ReadWriteMany"],
                                                                 "volumeMode": "Block", "capacity": {"storage": "30Gi"}}}]
    if migrating:
        status["migrationState"] = {"startTimestamp": "2026-11-28T09:58:00Z", "sourceNode": node_name,
                                    "targetNode": NODES[(NODES.index(node_name) + 1) % 3], "migrationUid": uid(9000 + n)}
    vmi = {"apiVersion": "kubevirt.io/v1", "kind": "VirtualMachineInstance", "metadata": md, "spec": spec, "status": status}
    objects.append(vmi)
    if not standalone:
        vm_spec = {"template": {"spec": spec}}
        vm_spec["runStrategy"] = run_strategy
        objects.append({"apiVersion": "kubevirt.io/v1", "kind": "VirtualMachine",
                        "metadata": {"name": name, "namespace": ns, "uid": uid(1000 + n), "creationTimestamp": T0},
                        "spec": vm_spec, "status": {"printableStatus": "Running" if phase == "Running" else "Stopped"}})
    if pod and phase == "Running":
        objects.append({"apiVersion": "v1", "kind": "Pod",
                        "metadata": {"name": "virt-launcher-%s-%05d" % (name, n), "namespace": ns, "uid": uid(5000 + n),
                                     "creationTimestamp": T0,
                                     "labels": dict(labels, **{"kubevirt.io": "virt-launcher", "kubevirt.io/created-by": uid(n),
                                                               "vmi.kubevirt.io/id": name}),
                                     "annotations": {"kubevirt.io/domain": name},
                                     "ownerReferences": [{"apiVersion": "kubevirt.io/v1", "kind": "VirtualMachineInstance",
                                                          "name": name, "uid": uid(n), "controller": True,
                                                          "blockOwnerDeletion": True}]},
                        "spec": launcher_spec(spec, node_name, image),
                        "status": {"phase": "Running",
                                   "conditions": [{"type": "PodScheduled", "status": "True"}, {"type": "Ready", "status": "True"}]}})
    return vmi


for n in NODES:
    objects.append(node(n))
for ns in ["kubevirt", "openshift-cnv", "web", "databases", "legacy"]:
    objects.append({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})

objects.append({"apiVersion": "hco.kubevirt.io/v1beta1", "kind": "HyperConverged",
                "metadata": {"name": "kubevirt-hyperconverged", "namespace": "openshift-cnv"},
                "spec": {"workloadUpdateStrategy": {"workloadUpdateMethods": ["LiveMigrate", "Evict"],
                                                    "batchEvictionSize": 2, "batchEvictionInterval": "1m0s"},
                         "liveMigrationConfig": {"parallelMigrationsPerCluster": 5, "parallelOutboundMigrationsPerNode": 2,
                                                 "completionTimeoutPerGiB": 20, "progressTimeout": 150,
                                                 "allowAutoConverge": False, "allowPostCopy": False,
                                                 "allowWorkloadDisruption": False},
                         "evictionStrategy": "LiveMigrate"},
                "status": {"infrastructureHighlyAvailable": True}})
objects.append({"apiVersion": "kubevirt.io/v1", "kind": "KubeVirt",
                "metadata": {"name": "kubevirt-kubevirt-hyperconverged", "namespace": "kubevirt"},
                "spec": {"workloadUpdateStrategy": {"workloadUpdateMethods": ["LiveMigrate", "Evict"],
                                                    "batchEvictionSize": 2, "batchEvictionInterval": "1m0s"},
                         "configuration": {"evictionStrategy": "LiveMigrate",
                                           "migrations": {"parallelMigrationsPerCluster": 5,
                                                          "parallelOutboundMigrationsPerNode": 2,
                                                          "completionTimeoutPerGiB": 20, "progressTimeout": 150,
                                                          "allowAutoConverge": False, "allowPostCopy": False,
                                                          "allowWorkloadDisruption": False}}},
                "status": {"phase": "Deployed", "observedDeploymentID": "d9f1c0", "targetDeploymentID": "d9f1c0",
                           "observedKubeVirtVersion": "v1.9.0", "targetKubeVirtVersion": "v1.9.0"}})
objects.append({"apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": {"name": "virt-controller", "namespace": "kubevirt", "labels": {"kubevirt.io": "virt-controller"}},
                "spec": {"replicas": 2, "selector": {"matchLabels": {"kubevirt.io": "virt-controller"}},
                         "template": {"metadata": {"labels": {"kubevirt.io": "virt-controller"}},
                                      "spec": {"containers": [{"name": "virt-controller",
                                                               "image": "quay.io/kubevirt/virt-controller:v1.9.0",
                                                               "args": ["--launcher-image", NEW, "--port", "8443"]}]}}}})

# web: migratable web servers, most outdated -> LiveMigrate/LiveMigratable (waves under the limits).
for i in range(14):
    vm_and_vmi("web", "web-%02d" % i, NODES[i % 3], image=NEW if i >= 11 else OLD)
# A VMI migrating right now, and one with a pending migration object: MigrationInProgress.
vm_and_vmi("web", "web-migrating", "worker-0", migrating=True)
vm_and_vmi("web", "web-queued", "worker-1")
objects.append({"apiVersion": "kubevirt.io/v1", "kind": "VirtualMachineInstanceMigration",
                "metadata": {"name": "web-queued-migration", "namespace": "web", "creationTimestamp": "2026-11-28T09:59:00Z",
                             "labels": {"kubevirt.io/vmi-name": "web-queued"}},
                "spec": {"vmiName": "web-queued"}, "status": {"phase": "Pending"}})
# A CPU hotplug in progress on an up-to-date VMI: migrated for the hotplug.
vm_and_vmi("web", "web-cpu-hotplug", "worker-2", image=NEW,
           extra_conditions=[{"type": "HotVCPUChange", "status": "True"}])

# databases: migratable or not, with evictionStrategy LiveMigrate from the cluster default.
for i in range(4):
    vm_and_vmi("databases", "pg-%02d" % i, NODES[i % 3])                       # LiveMigrate
vm_and_vmi("databases", "oracle-sriov", "worker-0", migratable=False, not_migratable_reason="HostDeviceNotLiveMigratable")  # EvictionBlocked
vm_and_vmi("databases", "mssql-local-disk", "worker-1", migratable=False)      # EvictionBlocked
vm_and_vmi("databases", "etcd-pinned", "worker-2", migratable=False, not_migratable_reason="HypervPassthroughNotLiveMigratable")  # EvictionBlocked
vm_and_vmi("databases", "redis-external", "worker-0", migratable=False, strategy="External")  # ExternalEviction
vm_and_vmi("databases", "mongo-ifpossible", "worker-1", strategy="LiveMigrateIfPossible")     # LiveMigrate
for i in range(3):
    vm_and_vmi("databases", "replica-%02d" % i, NODES[(i + 1) % 3], image=NEW)                 # UpToDate

# legacy: not migratable, evictionStrategy None or LiveMigrateIfPossible -> Evict, with runStrategies.
vm_and_vmi("legacy", "erp-always", "worker-0", migratable=False, strategy="None", run_strategy="Always")
vm_and_vmi("legacy", "batch-rerun", "worker-1", migratable=False, strategy="None", run_strategy="RerunOnFailure")
vm_and_vmi("legacy", "kiosk-manual", "worker-2", migratable=False, strategy="None", run_strategy="Manual")
vm_and_vmi("legacy", "report-ifpossible", "worker-0", migratable=False, strategy="LiveMigrateIfPossible", run_strategy="Always")
vm_and_vmi("legacy", "scratch-standalone", "worker-1", migratable=False, strategy="None", standalone=True)
vm_and_vmi("legacy", "app-migratable-none", "worker-2", strategy="None")                       # LiveMigrate (Evict-only: Evict)
vm_and_vmi("legacy", "starting", None, phase="Scheduling")                                     # NotRunning
vm_and_vmi("legacy", "finished-job", None, phase="Succeeded", run_strategy="Once")             # NotRunning
vm_and_vmi("legacy", "being-deleted", "worker-2", deleting=True)                               # Terminating
for i in range(3):
    vm_and_vmi("legacy", "tools-%02d" % i, NODES[i % 3], image=NEW, strategy="None")            # UpToDate

if PLACEMENT:
    counter[0] = 100  # uids apart from the fleet's
    objects = [node("worker-2")]
    # placement: migratable and outdated, but no other node can take the migration target pod, each for a reason its
    # spec shows (the scheduler's message names it): pinned to its node, a dedicated node's taint, a host-model CPU
    # only its (newer) node has.
    vm_and_vmi("web", "web-pinned", "worker-0", placement={"nodeSelector": {"kubernetes.io/hostname": "worker-0"}})
    vm_and_vmi("databases", "sap-hana", "worker-2", placement={
        "nodeSelector": {"dedicated": "sap"},
        "tolerations": [{"key": "dedicated", "operator": "Equal", "value": "sap", "effect": "NoSchedule"}]})
    vm_and_vmi("databases", "analytics-hostmodel", "worker-2", placement={
        "cpuModel": "host-model",
        "tolerations": [{"key": "dedicated", "operator": "Equal", "value": "sap", "effect": "NoSchedule"}]})
    print("# Generated by examples/make-demo-fleet.py placement; do not edit by hand.")
    print("# A kubevirt-sim scenario overlay for demo-fleet.yaml: %d objects, three VMIs no other node can take." % len(objects))
    print("objects:")
    for o in objects:
        print("- " + json.dumps(o, sort_keys=True))
    sys.exit(0)

print("# Generated by examples/make-demo-fleet.py; do not edit by hand.")
print("# A kubevirt-sim scenario: %d objects, an OpenShift Virtualization cluster just upgraded to v1.9.0." % len(objects))
print("objects:")
for o in objects:
    print("- " + json.dumps(o, sort_keys=True))

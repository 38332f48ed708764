#!/usr/bin/env bash
# 100 MB inputs: wall time and peak RSS (/usr/bin/time) of
#   plan --from-file on a valid JSON dump (VMIs with their launcher pods and VMs, `oc get -o json` style),
#   plan --from-file on the same size of random bytes,
#   validate -f on random bytes (refused by the 64 MiB default), and with --max-input-size 200Mi,
#   validate -f on a YAML document with a 100 MB block of list items.
# Usage: tests/bench/big_input_bench.sh [BUILD_DIR] [MB]   (defaults: build 100)
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${1:-build}
MB=${2:-100}
B=$BUILD/cmd/kubectl-workload_update
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

python3 - "$T" "$MB" <<'PY'
import json, os, sys
d, mb = sys.argv[1], int(sys.argv[2])
target = mb * 1000 * 1000
old = "quay.io/kubevirt/virt-launcher:v1.8.2"
items, size, i = [], 0, 0
while size < target:
    ns, name = "ns-%03d" % (i % 200), "vm-%06d" % i
    uid = "00000000-0000-4000-8000-%012d" % i
    vmi = {"apiVersion": "kubevirt.io/v1", "kind": "VirtualMachineInstance",
           "metadata": {"name": name, "namespace": ns, "uid": uid, "creationTimestamp": "2026-11-27T08:00:00Z",
                        "labels": {"app": "web", "kubevirt.io/nodeName": "worker-%d" % (i % 50),
                                   "kubevirt.io/outdatedLauncherImage": ""},
                        "ownerReferences": [{"apiVersion": "kubevirt.io/v1", "kind": "VirtualMachine", "name": name,
                                             "uid": uid + "v", "controller": True}]},
           "spec": {"domain": {"cpu": {"cores": 2}, "memory": {"guest": "4Gi"},
                               "devices": {"disks": [{"name": "root", "disk": {"bus": "virtio"}}]}},
                    "evictionStrategy": "LiveMigrate",
                    "volumes": [{"name": "root", "persistentVolumeClaim": {"claimName": name + "-root"}}]},
           "status": {"phase": "Running", "nodeName": "worker-%d" % (i % 50), "launcherContainerImageVersion": old,
                      "activePods": {uid + "p": "worker-%d" % (i % 50)},
                      "conditions": [{"type": "Ready", "status": "True"},
                                     {"type": "LiveMigratable", "status": "True" if i % 4 else "False",
                                      "reason": "" if i % 4 else "DisksNotLiveMigratable"}]}}
    pod = {"apiVersion": "v1", "kind": "Pod",
           "metadata": {"name": "virt-launcher-%s-abcde" % name, "namespace": ns, "uid": uid + "p",
                        "labels": {"kubevirt.io": "virt-launcher", "kubevirt.io/created-by": uid},
                        "annotations": {"kubevirt.io/domain": name},
                        "ownerReferences": [{"apiVersion": "kubevirt.io/v1", "kind": "VirtualMachineInstance",
                                             "name": name, "uid": uid, "controller": True}]},
           "spec": {"nodeName": "worker-%d" % (i % 50), "containers": [{"name": "compute", "image": old}]},
           "status": {"phase": "Running"}}
    vm = {"apiVersion": "kubevirt.io/v1", "kind": "VirtualMachine",
          "metadata": {"name": name, "namespace": ns, "uid": uid + "v"}, "spec": {"runStrategy": "Always"}}
    for o in (vmi, pod, vm):
        s = json.dumps(o)
        items.append(s)
        size += len(s) + 1
    i += 1
with open(os.path.join(d, "dump.json"), "w") as f:
    f.write('{"apiVersion": "v1", "kind": "List", "items": [\n' + ",\n".join(items) + "\n]}\n")
with open(os.path.join(d, "garbage.bin"), "wb") as f:
    f.write(os.urandom(target))
with open(os.path.join(d, "big.yaml"), "w") as f:
    f.write("apiVersion: hco.kubevirt.io/v1beta1\nkind: HyperConverged\nmetadata:\n  name: kubevirt-hyperconverged\n"
            "  namespace: openshift-cnv\nspec:\n  workloadUpdateStrategy:\n    workloadUpdateMethods:\n")
    line = "    - LiveMigrate\n"
    f.write(line * (target // len(line)))
print("%d VMIs (with pods and VMs) in %.1f MB" % (i, os.path.getsize(os.path.join(d, "dump.json")) / 1e6))
PY

measure() {  # measure LABEL command...
  local label=$1
  shift
  set +e
  /usr/bin/time -f '%e %M' -o "$T/time" "$@" > "$T/out" 2> "$T/err"
  local rc=$?
  set -e
  read -r secs kb < <(tail -1 "$T/time")
  printf '%-58s exit %d  %6.2f s  %5d MiB peak RSS  %s\n' "$label" "$rc" "$secs" $((kb / 1024)) \
    "$(grep -v '^Command exited' "$T/err" | head -1 | cut -c1-110)"
}
measure "plan --from-file dump.json (${MB} MB, valid)" "$B" plan --from-file "$T/dump.json" -o json
measure "plan --from-file garbage.bin (${MB} MB, random bytes)" "$B" plan --from-file "$T/garbage.bin"
measure "validate -f garbage.bin (${MB} MB)" "$B" validate -f "$T/garbage.bin"
measure "validate -f garbage.bin --max-input-size 200Mi" "$B" validate -f "$T/garbage.bin" --max-input-size 200Mi
measure "validate -f big.yaml (${MB} MB) --max-input-size 200Mi" "$B" validate -f "$T/big.yaml" --max-input-size 200Mi

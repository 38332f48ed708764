#!/usr/bin/env bash
# `run --target-node-selector` against kubevirt-sim (whose migration controller merges a VMIM's
# spec.addedNodeSelector into the target pod's node selection, as createTargetPod in migration.go):
# every VMIM the run creates carries the selector, every migration lands on a labelled node, a bad
# selector is a usage error, and a KubeVirt older than v1.6.0 is refused before anything changes.
# Usage: target_nodes_test.sh BINARY SIM_BINARY
B=$1 SIM=$2
. "$(dirname "$0")/lib.sh"
command -v kubectl > /dev/null || { echo "kubectl not found: skipped"; exit 77; }
printf 'knobs:\n  timeScale: 100\n  migrationDuration: {min: 20s, max: 40s}\n  schedulingDelay: 1s\n  preparationDelay: 1s\n' > "$TMP/knobs.yaml"
start_sim "$SIM" --generate 300 --seed 4 --scenario "$TMP/knobs.yaml" --tick-ms 20
export KUBECONFIG="$KCFG"
updater_off
kubectl label node worker-001 worker-002 rack=new > /dev/null || fail "label the new rack"

expect_status 2 "a selector that is not KEY=VALUE" -- "$B" run -A --methods LiveMigrate --yes --target-node-selector 'rack!=old'
expect_in "$TMP/err" "--target-node-selector" "the flag named"
expect_in "$TMP/err" "KEY=VALUE" "what to give"

# The run: VMIs on worker-001/002 can move to the other one; the rest only there.
timeout 180 "$B" run -A --methods LiveMigrate --yes --max-attempts 1 --target-node-selector rack=new -o json \
  > "$TMP/run.out" 2> "$TMP/run.err" < /dev/null
rc=$?
{ [ "$rc" -eq 0 ] || [ "$rc" -eq 1 ]; } && pass || { fail "run: exit $rc"; tail -3 "$TMP/run.err" >&2; }
kubectl get vmim -A -l app.kubernetes.io/managed-by=kubectl-workload_update -o json > "$TMP/vmims.json"
python3 - "$TMP/vmims.json" <<'PY' && pass || fail "every VMIM of the run carries spec.addedNodeSelector rack=new"
import json, sys
items = json.load(open(sys.argv[1]))["items"]
assert items, "no VMIM"
assert all(m["spec"].get("addedNodeSelector") == {"rack": "new"} for m in items), [m["spec"] for m in items][:3]
PY
sim_api GET /_sim/migrations | python3 -c '
import json, sys
items = json.load(sys.stdin)["items"]
done = [m for m in items if m["name"].startswith("workload-update-") and any(p["phase"] == "Succeeded" for p in m["phases"])]
assert done, "no migration of the run succeeded"
bad = [(m["vmiName"], m.get("targetNode")) for m in done if m.get("targetNode") not in ("worker-001", "worker-002")]
assert not bad, bad' && pass || fail "every migration of the run landed on a rack=new node"
# A KubeVirt without addedNodeSelector: refused before anything is changed.
kubectl patch kubevirt -n kubevirt kubevirt --subresource=status --type merge \
  -p '{"status":{"observedKubeVirtVersion":"v1.5.2"}}' > /dev/null || fail "patch the KubeVirt version"
n=$(kubectl get vmim -A --no-headers | wc -l)
expect_status 2 "KubeVirt v1.5.2" -- "$B" run -A --methods LiveMigrate --yes --target-node-selector rack=new
expect_in "$TMP/err" "KubeVirt has since v1.6.0; this cluster runs v1.5.2" "the version named"
expect_in "$TMP/err" "Nothing was changed." "nothing changed"
[ "$(kubectl get vmim -A --no-headers | wc -l)" = "$n" ] && pass || fail "a VMIM was created on an old KubeVirt"
finish

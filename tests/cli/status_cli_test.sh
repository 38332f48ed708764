#!/usr/bin/env bash
# `status` against kubevirt-sim running the demo fleet with KubeVirt's own workload updater switched on
# (one simulated minute per second): migrations by KubeVirt are counted and listed, and a VMI whose
# migrations always fail is reported stuck with the failure reasons.
# Usage: status_cli_test.sh BINARY SIM_BINARY FLEET_SCENARIO
B=$1 SIM=$2 FLEET=$3
. "$(dirname "$0")/lib.sh"
printf 'knobs:\n  timeScale: 60\n  inClusterUpdater: true\n' > "$TMP/knobs.yaml"
start_sim "$SIM" --scenario "$FLEET" --scenario "$TMP/knobs.yaml"
export KUBECONFIG="$KCFG"
if command -v kubectl >/dev/null; then
  kubectl annotate vmi -n web web-00 sim.kubevirt.io/fail-migrations=always > /dev/null && pass || fail "annotate"
fi

expect_status 0 "status" -- "$B" status -A
expect_in "$TMP/out" "Run lease: not held." "lease shown"
expect_in "$TMP/out" "KubeVirt's workload updater: active." "updater state shown"

# Wait (bounded) until KubeVirt has worked through the fleet and web-00 has failed three times.
for _ in $(seq 1 60); do
  "$B" status -n web > "$TMP/out" 2>&1
  grep -q "^stuck: web/web-00" "$TMP/out" && break
  sleep 1
done
expect_in "$TMP/out" "stuck: web/web-00: the last 3 migrations failed" "stuck VMI reported with reasons"
expect_in "$TMP/out" "(kubevirt)" "KubeVirt's migrations attributed to it"

expect_status 0 "json" -- "$B" status -A -o json
python3 - "$TMP/out" <<'PY' && pass || fail "status JSON contract"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["kind"] == "WorkloadUpdateStatus"
for k in ["vmis", "outdated", "inFlight", "stuck", "leaseHolder", "updater", "migrations"]:
    assert k in d, k
assert set(d["inFlight"]) == {"workloadUpdate", "kubevirt", "other"}
web00 = [m for m in d["migrations"] if m["namespace"] == "web" and m["name"] == "web-00"][0]
assert web00["stuck"] and len(web00["attempts"]) <= 5
assert all(a["creator"] == "kubevirt" for a in web00["attempts"])
assert d["stuck"] >= 1
PY
expect_status 2 "bad -o" -- "$B" status -A -o wide
expect_status 2 "bad --stuck-after" -- "$B" status -A --stuck-after 0
finish

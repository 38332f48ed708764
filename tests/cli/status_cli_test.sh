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
expect_status 2 "--wait with -o yaml" -- "$B" status -A --wait -o yaml
expect_status 2 "bad --timeout" -- "$B" status -A --wait --timeout 5x

# --wait: web-00 never migrates (its migrations always fail): not done at the timeout, exit 1; the
# last JSON line says TimedOut, every line is a whole status.
expect_status 1 "status --wait times out" -- timeout 60 "$B" status -n web --wait --timeout 3s --interval 1s -o json
python3 - "$TMP/out" <<'PY' && pass || fail "status --wait JSON Lines"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
assert len(lines) >= 2, len(lines)
assert all(l["kind"] == "WorkloadUpdateStatus" and "wait" in l for l in lines)
assert all(l["wait"]["outcome"] is None for l in lines[:-1])
assert lines[-1]["wait"]["outcome"] == "TimedOut", lines[-1]["wait"]
assert "not done within --timeout" in lines[-1]["wait"]["reason"]
PY
# Done: three migratable VMIs labelled; KubeVirt's updater moves them; exit 0 once none is outdated.
if command -v kubectl >/dev/null; then
  kubectl label vmi -n databases pg-00 pg-01 pg-02 wait-test=yes --overwrite > /dev/null || fail "label pg-00..02"
fi
"$B" status -n databases -l wait-test=yes -o json > "$TMP/labelled" 2>&1
python3 -c 'import json,sys; sys.exit(0 if json.load(open(sys.argv[1]))["vmis"] >= 1 else 1)' "$TMP/labelled" && pass ||
  fail "labelled VMIs in scope"
expect_status 0 "status --wait: done" -- timeout 90 "$B" status -n databases -l wait-test=yes --wait --timeout 80s --interval 1s
expect_in "$TMP/out" "Done, no VMI in scope is outdated" "the last line says done"
finish

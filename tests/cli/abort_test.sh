#!/usr/bin/env bash
# `abort` from a second process against kubevirt-sim: it stops a running `run` (which reports
# Aborted and exits 130), deletes that run's unfinished VMIMs with --cancel-migrations, cleans up
# after a run killed with kill -9, and answers "no run" when there is none. Judged from the cluster
# (VMIMs, the Lease), the tool's own output only for its exit status and events.
# Usage: abort_test.sh BINARY SIM_BINARY
B=$1 SIM=$2
. "$(dirname "$0")/lib.sh"
printf 'knobs:\n  timeScale: 10\n  migrationDuration: {min: 20s, max: 40s}\n  schedulingDelay: 2s\n  preparationDelay: 1s\n' > "$TMP/knobs.yaml"
start_sim "$SIM" --generate 150 --seed 5 --scenario "$TMP/knobs.yaml" --tick-ms 20
export KUBECONFIG="$KCFG"
RUN_LABEL=workload-update.kubevirt.io/run
command -v kubectl > /dev/null || { echo "kubectl not found: skipped"; exit 77; }
updater_off

expect_status 0 "abort with no run" -- "$B" abort
expect_in "$TMP/out" "no run Lease" "says there is no run"

holder() { kubectl get lease -n kubevirt kubectl-workload-update -o jsonpath='{.spec.holderIdentity}' 2>/dev/null; }
run_id() { kubectl get lease -n kubevirt kubectl-workload-update -o jsonpath='{.metadata.annotations.workload-update\.kubevirt\.io/run-id}' 2>/dev/null; }
# unfinished RUN_ID: the run's VMIMs not Succeeded/Failed and not being deleted
unfinished() {
  kubectl get vmim -A -l "$RUN_LABEL=$1" -o json | python3 -c '
import json, sys
items = json.load(sys.stdin)["items"]
print(sum(1 for m in items if (m.get("status") or {}).get("phase") not in ("Succeeded", "Failed")
          and not m["metadata"].get("deletionTimestamp")))'
}
# wait_vmims N: until the tool has created N VMIMs (any run), at most 60 s
wait_vmims() {
  for _ in $(seq 1 600); do
    [ "$(kubectl get vmim -A -l app.kubernetes.io/managed-by=kubectl-workload_update --no-headers 2>/dev/null | wc -l)" -ge "$1" ] && return 0
    sleep 0.1
  done
  return 1
}

# ---- 1. a live run, stopped from a second process, its migrations cancelled
"$B" run -A --methods LiveMigrate --yes -o json > "$TMP/run1.out" 2> "$TMP/run1.err" < /dev/null &
RUN_PID=$!
wait_vmims 3 && pass || fail "the run started no migrations"
id=$(run_id)
[ -n "$id" ] && pass || fail "no run id on the Lease"
# Ask right after a renewal: a run that read the request only when it renews (every 10 s) would take
# about 10 s to stop; one watching its Lease stops within a second or two.
renewed() { kubectl get lease -n kubevirt kubectl-workload-update -o jsonpath='{.spec.renewTime}' 2>/dev/null; }
r0=$(renewed)
for _ in $(seq 1 150); do [ "$(renewed)" != "$r0" ] && break; sleep 0.1; done
start=$(date +%s%N)
expect_status 0 "abort --cancel-migrations" -- "$B" abort --cancel-migrations -o json
took_ms=$(( ($(date +%s%N) - start) / 1000000 ))
python3 - "$TMP/out" <<'PY' && pass || { fail "abort JSON"; cat "$TMP/out" >&2; }
import json, sys
r = json.load(open(sys.argv[1]))
assert r["kind"] == "WorkloadUpdateAbort" and r["result"] == "Stopped", r
assert r["runId"] and r["holder"].startswith("kubectl-workload_update@"), r
assert r["cancelledMigrations"], r
PY
wait "$RUN_PID"
rc=$?
[ "$rc" -eq 130 ] && pass || { fail "the aborted run exits 130 (got $rc)"; tail -5 "$TMP/run1.err" >&2; }
[ "$took_ms" -lt 5000 ] && pass || fail "the run took ${took_ms} ms to stop after abort asked (it watches its Lease: about 1 s)"
grep -q '"event":"Aborted"' "$TMP/run1.out" && pass || fail "the run reported no Aborted event"
tail -1 "$TMP/run1.out" | grep -q '"result":"Aborted"' && pass || fail "the report's result is not Aborted"
[ "$(unfinished "$id")" = 0 ] && pass || fail "run $id still has $(unfinished "$id") unfinished VMIMs"
[ -z "$(holder)" ] && pass || fail "the Lease is still held by $(holder)"

# ---- 2. a run killed with kill -9: abort cleans up after it
"$B" run -A --methods LiveMigrate --yes -o json > "$TMP/run2.out" 2> "$TMP/run2.err" < /dev/null &
RUN_PID=$!
n=$(kubectl get vmim -A -l app.kubernetes.io/managed-by=kubectl-workload_update --no-headers | wc -l)
wait_vmims $((n + 2)) && pass || fail "the second run started no migrations"
kill -9 "$RUN_PID"
wait "$RUN_PID" 2> /dev/null
id=$(run_id)
[ -n "$(holder)" ] && pass || fail "a killed run leaves its Lease held"
expect_status 0 "abort after kill -9" -- "$B" abort --cancel-migrations
expect_in "$TMP/out" "stopped renewing the Lease" "says the holder is gone"
expect_in "$TMP/out" "cancelled migration" "lists what it cancelled"
[ "$(unfinished "$id")" = 0 ] && pass || fail "the killed run $id still has $(unfinished "$id") unfinished VMIMs"
[ -z "$(holder)" ] && pass || fail "the Lease is still held after abort"
state=$(kubectl get lease -n kubevirt kubectl-workload-update -o jsonpath='{.metadata.annotations.workload-update\.kubevirt\.io/run-state}')
[ "$state" = Aborted ] && pass || fail "run state $state, want Aborted"
# A new run is not refused, and does not abort itself on the old request.
timeout 20 "$B" run -n payments-000 -l nothing=here --methods LiveMigrate --yes -o json > "$TMP/run3.out" 2> "$TMP/run3.err" < /dev/null
rc=$?
{ [ "$rc" -eq 0 ] || [ "$rc" -eq 1 ]; } && pass || { fail "a run after abort: exit $rc"; tail -3 "$TMP/run3.err" >&2; }
grep -q '"event":"Aborted"' "$TMP/run3.out" && fail "the next run aborted itself on the old request" || pass
finish

#!/usr/bin/env bash
# `run --pause-cluster-updater` against kubevirt-sim (whose simulated HCO copies the HyperConverged
# CR's methods into the KubeVirt CR): the methods are set to [] for the run and restored after it;
# a change made during the run is not overwritten; after kill -9, `abort` (or the next run)
# restores them; --dry-run shows the pause and changes nothing. Judged from the cluster's objects.
# Usage: pause_updater_test.sh BINARY SIM_BINARY
B=$1 SIM=$2
. "$(dirname "$0")/lib.sh"
command -v kubectl > /dev/null || { echo "kubectl not found: skipped"; exit 77; }
printf 'knobs:\n  timeScale: 100\n  migrationDuration: {min: 20s, max: 40s}\n  schedulingDelay: 1s\n  preparationDelay: 1s\n' > "$TMP/knobs.yaml"
start_sim "$SIM" --generate 60 --seed 8 --scenario "$TMP/knobs.yaml" --tick-ms 20
export KUBECONFIG="$KCFG"
HCO=(-n openshift-cnv hyperconverged kubevirt-hyperconverged)
hco_methods() { kubectl get "${HCO[@]}" -o jsonpath='{.spec.workloadUpdateStrategy.workloadUpdateMethods}'; }
record() { kubectl get lease -n kubevirt kubectl-workload-update -o jsonpath='{.metadata.annotations.workload-update\.kubevirt\.io/paused-updater}' 2>/dev/null; }
knob() { sim_api POST /_sim/knobs "$1" > /dev/null || fail "knob $1"; }
# completed LABEL -- command...: the run ends Completed (exit 0, or 1 for the VMIs [LiveMigrate] skips)
completed() {
  local what=$1; shift 2
  "$@" > "$TMP/out" 2> "$TMP/err" < /dev/null
  local rc=$?
  { [ "$rc" -eq 0 ] || [ "$rc" -eq 1 ]; } && tail -1 "$TMP/out" | grep -q '"result":"Completed"' && pass ||
    { fail "$what: exit $rc, not Completed"; tail -3 "$TMP/err" >&2; }
}
wait_hco_empty() { for _ in $(seq 1 300); do [ "$(hco_methods)" = "[]" ] && return 0; sleep 0.1; done; return 1; }
[ "$(hco_methods)" = '["LiveMigrate"]' ] && pass || fail "the fleet starts with [LiveMigrate] (got $(hco_methods))"

# ---- dry run: shows the pause, changes nothing
expect_status 0 "dry run" -- "$B" run -A --pause-cluster-updater --dry-run=client -o json
tail -1 "$TMP/out" | python3 -c '
import json, sys
r = json.load(sys.stdin)
a = [x for x in r.get("actions") or [] if x["state"] == "WouldPauseUpdater"]
assert a and "restored when it ends" in a[0]["message"] and "[LiveMigrate]" in a[0]["message"], r.get("actions")' && pass ||
  fail "the dry run does not show the pause"
[ "$(hco_methods)" = '["LiveMigrate"]' ] && pass || fail "the dry run changed the methods"

# ---- a whole run: paused while it runs, restored after
completed "run --pause-cluster-updater" -- timeout 120 "$B" run -A --pause-cluster-updater --yes -o json
expect_in "$TMP/out" '"event":"UpdaterPaused"' "UpdaterPaused reported"
expect_in "$TMP/out" '"reason":"UpdaterRestored"' "UpdaterRestored reported"
[ "$(hco_methods)" = '["LiveMigrate"]' ] && pass || fail "methods not restored (got $(hco_methods))"
for _ in $(seq 1 50); do [ "$(kubevirt_methods)" = '["LiveMigrate"]' ] && break; sleep 0.1; done
[ "$(kubevirt_methods)" = '["LiveMigrate"]' ] && pass || fail "HCO did not carry the restore to the KubeVirt CR (got $(kubevirt_methods))"
[ -z "$(record)" ] && pass || fail "the pause record stays on the Lease after the restore"
sim_api GET /_sim/audit > "$TMP/audit.json" || fail "read the audit log"
python3 - "$TMP/audit.json" <<'PY' && pass || fail "audit: the pause came before the first VMIM, the restore after the last"
import json, sys
a = json.load(open(sys.argv[1]))
tool = [r for r in a if (r.get("userAgent") or "").startswith("kubectl-workload_update/") and 200 <= (r.get("code") or 0) < 300]
hco = [r["seq"] for r in tool if r.get("resource") == "hyperconvergeds" and r.get("verb") == "patch"]
vmims = [r["seq"] for r in tool if r.get("resource") == "virtualmachineinstancemigrations" and r.get("verb") == "create"]
assert len(hco) == 2 and vmims, (hco, len(vmims))
assert hco[0] < min(vmims) and hco[1] > max(vmims), (hco, min(vmims), max(vmims))
PY

# ---- a change during the run is not overwritten
# The run must still be running when the admin's change lands: a new launcher image (a one-second
# rollout) makes the fleet outdated again, and at timeScale 2 a migration lasts 10 to 20 s, longer
# than the run's --timeout. (With only the unmigratable VMIs left, the run ended a second after its
# pause, and a loaded machine's kubectl patched too late.)
knob '{"timeScale":2}'
sim_api POST /_sim/rollout '{"launcherImage":"quay.io/kubevirt/virt-launcher:v9.9.9","durationSeconds":1}' > /dev/null ||
  fail "start a rollout"
for _ in $(seq 1 100); do sim_api GET /_sim/rollout | grep -q '"active":false' && break; sleep 0.1; done
sim_api GET /_sim/rollout | grep -q '"stage":"done"' && pass || fail "the rollout did not finish"
"$B" run -A --pause-cluster-updater --yes --timeout 8s -o json > "$TMP/run2.out" 2> "$TMP/run2.err" < /dev/null &
PID=$!
wait_hco_empty && pass || fail "the second run did not pause the updater"
kubectl patch "${HCO[@]}" --type merge -p '{"spec":{"workloadUpdateStrategy":{"workloadUpdateMethods":["LiveMigrate","Evict"]}}}' > /dev/null
wait "$PID"
grep -q '"reason":"UpdaterChangedMeanwhile"' "$TMP/run2.out" && pass || { fail "UpdaterChangedMeanwhile not reported"; tail -3 "$TMP/run2.out" >&2; }
[ "$(hco_methods)" = '["LiveMigrate","Evict"]' ] && pass || fail "the admin's change was overwritten (got $(hco_methods))"
kubectl patch "${HCO[@]}" --type merge -p '{"spec":{"workloadUpdateStrategy":{"workloadUpdateMethods":["LiveMigrate"]}}}' > /dev/null

# ---- kill -9 while paused: abort restores
"$B" run -A --pause-cluster-updater --yes -o json > "$TMP/run3.out" 2> "$TMP/run3.err" < /dev/null &
PID=$!
wait_hco_empty && pass || fail "the third run did not pause the updater"
kill -9 "$PID"
wait "$PID" 2> /dev/null
[ -n "$(record)" ] && pass || fail "no pause record on the Lease after kill -9"
expect_status 0 "abort after kill -9" -- "$B" abort
expect_in "$TMP/out" "restored to [LiveMigrate]" "abort says it restored the updater"
[ "$(hco_methods)" = '["LiveMigrate"]' ] && pass || fail "abort did not restore (got $(hco_methods))"
[ -z "$(record)" ] && pass || fail "the pause record stays after abort's restore"

# ---- kill -9 while paused: the next run restores first
"$B" run -A --pause-cluster-updater --yes -o json > "$TMP/run4.out" 2> "$TMP/run4.err" < /dev/null &
PID=$!
wait_hco_empty && pass || fail "the fourth run did not pause the updater"
kill -9 "$PID"
wait "$PID" 2> /dev/null
knob '{"timeScale":100}'
completed "the next run after kill -9" -- timeout 120 "$B" run -A --methods LiveMigrate --coexist --yes -o json
expect_in "$TMP/out" '"reason":"UpdaterRestored"' "the next run restored the updater first"
[ "$(hco_methods)" = '["LiveMigrate"]' ] && pass || fail "the next run did not restore (got $(hco_methods))"
finish

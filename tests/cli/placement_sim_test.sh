#!/usr/bin/env bash
# Target placement judged by the simulator's scheduler (issue 11): on a generated fleet with the placement
# cases (pinned, node affinity, a taint, host-model, hugepages, full nodes), every migration `plan` calls
# Migrates gets a scheduled target pod when `run` migrates it, and every one it calls NoTargetNode gets an
# Unschedulable one when `run --try-unschedulable` tries. Without that flag `run` spends no attempt on a
# NoTargetNode VMI, and migrates it once a node is labelled to fit during the run.
# Usage: placement_sim_test.sh BINARY SIM_BINARY
B=$1 SIM=$2
. "$(dirname "$0")/lib.sh"
command -v kubectl > /dev/null || { echo "kubectl not found: skipped"; exit 77; }
printf 'knobs:\n  timeScale: 50\n  migrationDuration: {min: 60s, max: 120s}\n  schedulingDelay: 1s\n  preparationDelay: 1s\n' > "$TMP/knobs.yaml"
start_sim "$SIM" --generate 200 --seed 5 --placement-cases true --scenario "$TMP/knobs.yaml" --tick-ms 20
export KUBECONFIG="$KCFG"
updater_off

expect_status 0 "plan -A -o json" -- "$B" plan -A --methods LiveMigrate -o json --qps -1
cp "$TMP/out" "$TMP/plan.json"
python3 - "$TMP/plan.json" > "$TMP/no-target" <<'PY' && pass || fail "plan: the placement cases, and only they, have no target node"
import json, sys
p = json.load(open(sys.argv[1]))
mig = [v for v in p["vmis"] if v["execution"] == "CreateMigration"]
none = sorted(v["namespace"] + "/" + v["name"] for v in mig if v["outcome"] == "NoTargetNode")
assert none == ["placement/" + n for n in sorted(["pinned-vm", "affinity-vm", "sap-vm", "hostmodel-vm", "hugepages-vm",
                                                   "db-primary", "db-replica"])], none
assert all(v["outcome"] == "Migrates" and v["targets"] > 0 for v in mig if v["namespace"] != "placement"), "others migrate"
assert not [w for w in p["warnings"] if w["code"] in ("PlacementNotJudged", "CapacityNotJudged")], p["warnings"]
print("\n".join(none))
PY

# ---- run: no attempt for a NoTargetNode VMI; sap-vm (host-model on worker-sap-0, selecting dedicated=sap)
# migrates once worker-000 is labelled with that CPU model and dedicated=sap during the run.
"$B" run -A --methods LiveMigrate --yes --max-attempts 1 --qps -1 -o json > "$TMP/run.out" 2> "$TMP/run.err" < /dev/null &
RUN=$!
for _ in $(seq 1 300); do grep -q '"MigrationCreated"' "$TMP/run.out" 2>/dev/null && break; sleep 0.1; done
grep -q '"VmiSkipped".*"sap-vm"\|"sap-vm".*"VmiSkipped"' "$TMP/run.out" && pass || fail "sap-vm was skipped before the label"
kubectl label node worker-000 dedicated=sap cpu-model-migration.node.kubevirt.io/Sapphirerapids-Server=true > /dev/null &&
  pass || fail "label worker-000"
LABELLED=$(sim_api GET /_sim/clock | python3 -c 'import json,sys; print(json.load(sys.stdin)["now"])')
# What now fits, as plan sees it (read-only, while the run goes on).
"$B" plan -n placement --methods LiveMigrate -o json --qps -1 | python3 -c '
import json, sys
print("\n".join(v["namespace"] + "/" + v["name"] for v in json.load(sys.stdin)["vmis"] if v["outcome"] == "Migrates"))' > "$TMP/fits-now"
grep -qx placement/sap-vm "$TMP/fits-now" && pass || { fail "plan: sap-vm fits after the label"; cat "$TMP/fits-now" >&2; }
timeout 240 tail --pid=$RUN -f /dev/null
wait $RUN
rc=$?
[ "$rc" -eq 1 ] && pass || { fail "run: exit $rc, want 1 (VMIs skipped)"; tail -5 "$TMP/run.err" >&2; }
sim_api GET /_sim/migrations > "$TMP/migrations.json"
python3 - "$TMP/run.out" "$TMP/migrations.json" "$TMP/no-target" "$LABELLED" "$TMP/fits-now" <<'PY' && pass || fail "run: attempts and outcomes"
import json, sys
events = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
report = events[-1]
migrations = json.load(open(sys.argv[2]))["items"]
no_target = set(open(sys.argv[3]).read().split())
ours = [m for m in migrations if m["name"].startswith("workload-update-")]
tried = {m["namespace"] + "/" + m["vmiName"] for m in ours}
fits_now = set(open(sys.argv[5]).read().split())
# Nothing was tried for a VMI no node could take, but for those the label made fit (sap-vm among them),
# once each, after the label, onto worker-000.
assert tried & no_target == fits_now, (sorted(tried & no_target), sorted(fits_now))
for m in ours:
    if m["namespace"] + "/" + m["vmiName"] not in fits_now: continue
    assert any(p["phase"] == "Succeeded" for p in m["phases"]), m
    assert m["created"] >= sys.argv[4][:19], (m["created"], sys.argv[4])
    assert m.get("targetNode") == "worker-000", m
assert len([m for m in ours if m["namespace"] + "/" + m["vmiName"] in fits_now]) == len(fits_now)
skipped = {e["namespace"] + "/" + e["name"]: e["reason"] for e in report["skipped"]}
for v in no_target - fits_now:
    assert skipped.get(v) == "NoTargetNode", (v, skipped.get(v))
# Every migration plan called Migrates got its target pod scheduled (it ran on a target node).
for m in ours:
    key = m["namespace"] + "/" + m["vmiName"]
    if key in no_target: continue
    assert m.get("targetNode"), m
    assert any(p["phase"] == "Succeeded" for p in m["phases"]), m
PY
kubectl label node worker-000 dedicated- cpu-model-migration.node.kubevirt.io/Sapphirerapids-Server- > /dev/null ||
  fail "unlabel worker-000"

# ---- --try-unschedulable: each remaining NoTargetNode VMI gets a target pod the scheduler cannot place.
timeout 240 "$B" run -n placement --methods LiveMigrate --yes --try-unschedulable --max-attempts 1 --qps -1 -o json \
  > "$TMP/try.out" 2> "$TMP/try.err" < /dev/null
rc=$?
[ "$rc" -eq 1 ] && pass || { fail "run --try-unschedulable: exit $rc, want 1 (stuck)"; tail -5 "$TMP/try.err" >&2; }
python3 - "$TMP/try.out" "$TMP/no-target" "$TMP/fits-now" <<'PY' && pass || fail "run --try-unschedulable: every NoTargetNode VMI's target pod was Unschedulable"
import json, sys
events = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
no_target = set(open(sys.argv[2]).read().split()) - set(open(sys.argv[3]).read().split())
unsched = {e["namespace"] + "/" + e["vmi"] for e in events if e.get("event") == "TargetPodUnschedulable"}
assert unsched == no_target, (sorted(unsched), sorted(no_target))
stuck = {e["namespace"] + "/" + e["name"] for e in events[-1]["stuck"]}
assert stuck == no_target, sorted(stuck)
PY
finish

#!/usr/bin/env bash
# `run` end to end against kubevirt-sim (20 ms ticks, one simulated minute per second):
#  - on the demo fleet: flag errors, preflight refusals that change nothing (proved with the simulator's audit
#    log), dry runs, the confirmation without a terminal and on one (script(1)), the text output and colour
#    rules, a full run's JSON Lines and report, the Lease afterwards, the plugin form through kubectl;
#  - on a second simulator with slow migrations: SIGINT, SIGTERM, a second run while the Lease is held,
#    resume, --cancel-on-interrupt, --timeout, and a resumed run that completes.
# Every wait is bounded. Usage: run_cli_test.sh BINARY SIM_BINARY FLEET_SCENARIO
B=$1 SIM=$2 FLEET=$3
. "$(dirname "$0")/lib.sh"
for tool in kubectl python3 curl timeout setsid; do
  command -v "$tool" >/dev/null 2>&1 || { echo "$tool not found: skipping"; exit 77; }
done
HAVE_SCRIPT=0
script --version 2>/dev/null | grep -q util-linux && HAVE_SCRIPT=1
STARTED=$SECONDS
METHODS="--methods LiveMigrate,Evict"
LEASE="kubectl-workload-update"

# wu ARGS...: the tool without a terminal (own session: /dev/tty cannot be opened), bounded.
wu() { timeout 60 setsid -w "$B" "$@"; }

# on_tty FILE COMMAND...: runs the command on a pseudo-terminal (script(1)); stdin is typed into it; the
# terminal's output goes to FILE; returns the command's exit status (124 after 20 s). The address space is
# capped so that a runaway allocation fails fast instead of eating the machine.
on_tty() {
  local file=$1; shift
  local cmd
  cmd=$(printf '%q ' "$@")
  (ulimit -v 2097152; SHELL=/bin/bash timeout 20 script -qec "$cmd" /dev/null) > "$file" 2>&1
}

# bg NAME ARGS...: starts the tool in the background (JSON output to $TMP/NAME.out, stderr to $TMP/NAME.err)
# with SIGINT/SIGTERM at their defaults, as from an interactive shell; BG is its pid.
bg() {
  local name=$1; shift
  local reset=()
  env --default-signal=INT true 2>/dev/null && reset=(env --default-signal=INT,TERM)
  "${reset[@]}" "$B" "$@" > "$TMP/$name.out" 2> "$TMP/$name.err" < /dev/null &
  BG=$!
}
# wait_line FILE TEXT SECONDS: waits until TEXT appears in FILE.
wait_line() {
  local n=$(($3 * 10))
  while [ "$n" -gt 0 ]; do
    grep -qF -- "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
    n=$((n - 1))
  done
  return 1
}
# wait_exit PID SECONDS: waits for the process to end and sets RC (137 when it had to be killed).
wait_exit() {
  local n=$(($2 * 10))
  while kill -0 "$1" 2>/dev/null && [ "$n" -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
  kill -0 "$1" 2>/dev/null && { echo "pid $1 still running after $2 s: killed" >&2; kill -9 "$1"; }
  wait "$1"
  RC=$?
}
expect_rc() {  # expect_rc WANT DESCRIPTION (after wait_exit)
  if [ "$RC" -eq "$1" ]; then pass; else fail "$2: exit $RC, want $1"; fi
}

# The simulator's control API (admin token) and audit log.
sim() { local path=$1; shift; curl -sS --max-time 10 --cacert "$SIMDIR/ca.crt" -H "Authorization: Bearer sim-admin-token" "$@" "$SIM_URL$path"; }
knobs() { sim /_sim/knobs -X POST -H 'Content-Type: application/json' -d "$1" > /dev/null; }
load_objects() { sim /_sim/objects -X POST -H 'Content-Type: application/json' --data-binary "@$1" > /dev/null; }
audit_mark() {
  sim "/_sim/audit" | python3 -c 'import json, sys; print(max([r["seq"] for r in json.load(sys.stdin)], default=0))'
}
# tool_writes SINCE [real]: the tool's writes recorded after SINCE, access reviews aside, one per line;
# with "real", writes sent with dryRun are left out.
tool_writes() {
  sim "/_sim/audit?since=$1" | python3 -c '
import json, sys
real = len(sys.argv) > 1
for r in json.load(sys.stdin):
    if not r.get("userAgent", "").startswith("kubectl-workload_update/"): continue
    if r["verb"] not in ("create", "update", "patch", "delete", "deletecollection", "evict"): continue
    if r.get("resource") in ("selfsubjectaccessreviews", "selfsubjectreviews"): continue
    if real and r.get("dryRun"): continue
    print(r["verb"], r.get("resource") or "-", r.get("subresource") or "-", r.get("namespace") or "-",
          r.get("name") or "-", "dryRun" if r.get("dryRun") else "", r.get("code"))
' ${2:+"$2"}
}
expect_no_writes() {  # expect_no_writes SINCE DESCRIPTION
  tool_writes "$1" > "$TMP/writes"
  if [ -s "$TMP/writes" ]; then
    fail "$2: the tool wrote to the cluster"; sed 's/^/  | /' "$TMP/writes" | head >&2
  else pass; fi
}
# jsonl_check FILE DESCRIPTION PYTHON [ARGS...]: every line of FILE parses as JSON, each but the last is an
# event, the last is the report and its counts match its lists; PYTHON then runs with `events`, `report`,
# `start` (the first event's data if it is RunStarted, else None), names(), evs() and sys.argv[2:] = ARGS.
jsonl_check() {
  local file=$1 what=$2 code=$3; shift 3
  if python3 - "$file" "$@" > "$TMP/py.err" 2>&1 <<PY
import json, sys
lines = [l for l in open(sys.argv[1], encoding="utf-8").read().split("\n") if l != ""]
assert lines, "no output"
objs = [json.loads(l) for l in lines]
report, events = objs[-1], objs[:-1]
assert report.get("kind") == "WorkloadUpdateRunReport", "last line is not the report: %r" % lines[-1][:200]
assert all("event" in e and "time" in e for e in events), "an event line lacks event/time"
start = events[0]["data"] if events and events[0]["event"] == "RunStarted" else None
for k in ["updated", "stuck", "staysDown", "skipped", "gone", "unfinished"]:
    assert report["counts"][k] == len(report[k]), ("count of", k, report["counts"][k], len(report[k]))
def names(lst): return sorted(e["namespace"] + "/" + e["name"] for e in lst)
def evs(name): return [e for e in events if e["event"] == name]
$code
PY
  then pass; else fail "$what"; sed 's/^/  | /' "$TMP/py.err" | tail -8 >&2; fi
}
lease_field() {  # lease_field JSONPATH
  kubectl get lease -n kubevirt "$LEASE" -o "jsonpath=$1" 2>/dev/null
}

printf 'knobs:\n  timeScale: 60\n  migrationDuration: {min: 20s, max: 40s}\n  schedulingDelay: 2s\n  preparationDelay: 1s\n  restartDelay: 5s\n' > "$TMP/fast.yaml"
# RUN_CLI_PARTS="fleet" or "interrupts" runs one half (each on its own simulator; ctest runs them side by side).
PARTS=${RUN_CLI_PARTS:-fleet interrupts}
has_part() { [[ " $PARTS " == *" $1 "* ]]; }
kv_methods() { kubectl get kubevirt -n kubevirt "$KV" -o 'jsonpath={.spec.workloadUpdateStrategy.workloadUpdateMethods}'; }
wait_kv_methods() {  # wait_kv_methods EXPECTED: until the KubeVirt CR's methods print as EXPECTED (bounded)
  for _ in $(seq 1 100); do [ "$(kv_methods)" = "$1" ] && return 0; sleep 0.1; done
  return 1
}

if has_part fleet; then
start_sim "$SIM" --tick-ms 20 --scenario "$FLEET" --scenario "$TMP/fast.yaml"
export KUBECONFIG="$KCFG"
SIM_URL=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["url"])' "$SIMDIR/ready.json")
KV=$(kubectl get kubevirt -n kubevirt -o 'jsonpath={.items[0].metadata.name}')
[ -n "$KV" ] && pass || fail "KubeVirt CR found"

# ---------------------------------------------------------------------------------------------------
# Flag errors: exit 2 with a message naming the flag; nothing is written.
MARK=$(audit_mark)
expect_status 2 "--dry-run=bogus" -- wu run -A --dry-run=bogus
expect_in "$TMP/err" "--dry-run: bogus not in {none,client,server}" "--dry-run names the choices"
expect_status 2 "--max-parallel above the cluster's limit" -- wu run -A --coexist --yes --max-parallel 6
expect_in "$TMP/err" "--max-parallel 6 is more than the cluster allows (parallelMigrationsPerCluster 5" "limit named"
expect_status 2 "--methods Foo" -- wu run -A --methods Foo
expect_in "$TMP/err" 'unknown method "Foo"' "bad method named"
expect_status 2 "--batch-interval 5x" -- wu run -A --batch-interval 5x
expect_in "$TMP/err" 'unknown unit "x" in duration "5x"' "bad duration named"
expect_no_writes "$MARK" "flag errors"

# ---------------------------------------------------------------------------------------------------
# Preflight: exit 2, "Nothing was changed.", and indeed nothing written.
MARK=$(audit_mark)
expect_status 2 "KubeVirt's updater active, no --coexist" -- wu run -A --yes
expect_in "$TMP/err" "error: preflight: KubeVirt's own workload updater is active" "updater named"
expect_in "$TMP/err" "workloadUpdateMethods [LiveMigrate, Evict]" "methods named"
expect_in "$TMP/err" "--coexist" "--coexist suggested"
expect_in "$TMP/err" "Nothing was changed." "nothing changed (updater)"
expect_no_writes "$MARK" "preflight: updater active"

MARK=$(audit_mark)
expect_status 2 "read-only user" -- wu run -A --yes --coexist --context sim-readonly
expect_in "$TMP/err" "error: preflight: cannot create virtualmachineinstancemigrations" "VMIM create denied"
expect_in "$TMP/err" "cannot create pods/eviction" "eviction denied"
expect_in "$TMP/err" "cannot create leases in namespace kubevirt" "Lease denied"
expect_in "$TMP/err" "Nothing was changed." "nothing changed (read-only)"
expect_no_writes "$MARK" "preflight: read-only user"

# The KubeVirt CR not Deployed, then rolling out: objects loaded as a scenario keep their status.
python3 - "$FLEET" "$TMP" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    if '"kind": "KubeVirt"' in line:
        kv = json.loads(line.strip()[2:])
json.dump({"objects": [kv]}, open(sys.argv[2] + "/kv-deployed.json", "w"))
kv["status"]["phase"] = "Deploying"
json.dump({"objects": [kv]}, open(sys.argv[2] + "/kv-deploying.json", "w"))
kv["status"]["phase"] = "Deployed"
kv["status"]["targetDeploymentID"] = "e0a111"
json.dump({"objects": [kv]}, open(sys.argv[2] + "/kv-rollout.json", "w"))
PY
load_objects "$TMP/kv-deploying.json"
[ "$(kubectl get kubevirt -n kubevirt "$KV" -o 'jsonpath={.status.phase}')" = Deploying ] && pass || fail "KubeVirt CR Deploying"
MARK=$(audit_mark)
expect_status 2 "KubeVirt not Deployed" -- wu run -A --yes --coexist
expect_in "$TMP/err" "is in phase Deploying, not Deployed" "phase named"
expect_in "$TMP/err" "Nothing was changed." "nothing changed (Deploying)"
load_objects "$TMP/kv-rollout.json"
expect_status 2 "KubeVirt rolling out" -- wu run -A --yes --coexist
expect_in "$TMP/err" "is rolling out an update" "rollout named"
expect_no_writes "$MARK" "preflight: KubeVirt not ready"
load_objects "$TMP/kv-deployed.json"

# A maintenance window: KubeVirt's own updater switched off; then --methods is required.
# The simulator's HCO reconciles the KubeVirt CR from the HyperConverged CR (a direct edit of the KubeVirt
# CR is reverted), so the two differ only through HCO's kubevirt.kubevirt.io/jsonpatch annotation.
kubectl patch hyperconverged -n openshift-cnv kubevirt-hyperconverged --type merge \
  -p '{"metadata":{"annotations":{"kubevirt.kubevirt.io/jsonpatch":"[{\"op\":\"add\",\"path\":\"/spec/workloadUpdateStrategy/workloadUpdateMethods\",\"value\":[\"LiveMigrate\",\"Evict\"]}]"}},"spec":{"workloadUpdateStrategy":{"workloadUpdateMethods":[]}}}' \
  > /dev/null && pass || fail "patch HCO (methods off, a jsonpatch keeps them on the KubeVirt CR)"
wait_kv_methods '["LiveMigrate","Evict"]' && pass || fail "the KubeVirt CR keeps its methods through the jsonpatch"
MARK=$(audit_mark)
expect_status 2 "HCO switched off, the KubeVirt CR not" -- wu run -A $METHODS --yes
expect_in "$TMP/err" "KubeVirt's own workload updater is active" "updater still active"
expect_in "$TMP/err" "kubevirt/$KV" "the KubeVirt CR named"
expect_no_writes "$MARK" "preflight: KubeVirt CR still has methods"
kubectl patch hyperconverged -n openshift-cnv kubevirt-hyperconverged --type merge \
  -p '{"metadata":{"annotations":{"kubevirt.kubevirt.io/jsonpatch":null}}}' > /dev/null && pass || fail "drop the jsonpatch"
wait_kv_methods '' && pass || fail "HCO empties the KubeVirt CR's methods"
MARK=$(audit_mark)
expect_status 2 "cluster methods empty, no --methods" -- wu run -A --yes
expect_in "$TMP/err" "workloadUpdateMethods is empty" "empty methods named"
expect_in "$TMP/err" "--methods LiveMigrate,Evict" "--methods suggested"
expect_no_writes "$MARK" "cluster methods empty"

# ---------------------------------------------------------------------------------------------------
# Dry runs. The plan (what `run` executes) first.
expect_status 0 "plan" -- "$B" plan -A $METHODS -o json
cp "$TMP/out" "$TMP/plan.json"
MARK=$(audit_mark)
expect_status 0 "--dry-run=client" -- wu run -A $METHODS --dry-run=client
expect_in "$TMP/out" "WouldMigrate  web/web-00" "text lists migrations"
expect_in "$TMP/out" "WouldEvict  legacy/erp-always" "text lists evictions"
expect_in "$TMP/out" "nothing changed" "text says nothing changed"
expect_status 0 "--dry-run=client -o json" -- wu run -A $METHODS --dry-run=client -o json
cp "$TMP/out" "$TMP/dry-client.jsonl"
jsonl_check "$TMP/dry-client.jsonl" "dry-run=client JSON: the plan's actions" '
plan = json.load(open(sys.argv[2]))
want_m = sorted(v["namespace"] + "/" + v["name"] for v in plan["vmis"] if v["action"] == "LiveMigrate")
want_e = sorted(v["namespace"] + "/" + v["name"] for v in plan["vmis"] if v["action"] == "Evict")
assert report["dryRun"] is True
acts = report["actions"]
assert names([a for a in acts if a["state"] == "WouldMigrate"]) == want_m, "WouldMigrate differs from the plan"
assert names([a for a in acts if a["state"] == "WouldEvict"]) == want_e, "WouldEvict differs from the plan"
assert len(acts) == len(want_m) + len(want_e)
assert sorted(e["namespace"] + "/" + e["vmi"] for e in evs("DryRunAction")) == sorted(want_m + want_e)
assert not evs("MigrationCreated") and not evs("Evicted")
assert "legacy/erp-always" in want_e and "web/web-00" in want_m
' "$TMP/plan.json"
expect_no_writes "$MARK" "dry-run=client"
kubectl get lease -n kubevirt "$LEASE" > /dev/null 2>&1 && fail "dry-run=client created the Lease" || pass

MARK=$(audit_mark)
VMIMS_BEFORE=$(kubectl get vmim -A --no-headers 2>/dev/null | wc -l)
expect_status 0 "--dry-run=server (every action accepted)" -- wu run -A $METHODS --dry-run=server -o json
cp "$TMP/out" "$TMP/dry-server.jsonl"
jsonl_check "$TMP/dry-server.jsonl" "dry-run=server JSON: each action judged by the server" '
plan = json.load(open(sys.argv[2]))
n = sum(1 for v in plan["vmis"] if v["action"] in ("LiveMigrate", "Evict"))
acts = evs("DryRunAction")
assert len(acts) == n == len(report["actions"]), (len(acts), n)
assert report["dryRun"] is True
for a in acts:
    assert a["reason"] in ("Accepted", "Started"), a
    assert "dryRun=All" in a["message"], a
' "$TMP/plan.json"
tool_writes "$MARK" > "$TMP/writes"
python3 - "$TMP/writes" "$TMP/plan.json" <<'PY' && pass || fail "dry-run=server: every VMIM create and eviction sent with dryRun, nothing else"
import json, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
plan = json.load(open(sys.argv[2]))
assert rows, "no writes recorded"
assert all(r[5] == "dryRun" for r in rows), [r for r in rows if r[5] != "dryRun"]
creates = [r for r in rows if r[0] == "create" and r[1] == "virtualmachineinstancemigrations"]
evicts = [r for r in rows if r[0] in ("create", "evict") and r[2] == "eviction"]
assert len(creates) == sum(1 for v in plan["vmis"] if v["action"] == "LiveMigrate"), len(creates)
assert len(evicts) == sum(1 for v in plan["vmis"] if v["action"] == "Evict"), len(evicts)
assert len(rows) == len(creates) + len(evicts), rows
PY
[ "$(kubectl get vmim -A --no-headers 2>/dev/null | wc -l)" -eq "$VMIMS_BEFORE" ] && pass || fail "dry-run=server created VMIMs"
[ -z "$(kubectl get vmim -A -l app.kubernetes.io/managed-by=kubectl-workload_update -o name)" ] && pass || fail "no tool VMIM"
kubectl get lease -n kubevirt "$LEASE" > /dev/null 2>&1 && fail "dry-run=server created the Lease" || pass
# A PodDisruptionBudget refuses one eviction: the dry run says so and exits 1.
printf '%s\n' 'apiVersion: policy/v1' 'kind: PodDisruptionBudget' 'metadata: {name: erp-pdb, namespace: legacy}' \
  'spec: {maxUnavailable: 0, selector: {matchLabels: {app: erp}}}' | kubectl create -f - > /dev/null && pass || fail "create a PDB"
MARK=$(audit_mark)
expect_status 1 "--dry-run=server with an eviction refused" -- wu run -n legacy $METHODS --dry-run=server -o json
cp "$TMP/out" "$TMP/dry-refused.jsonl"
jsonl_check "$TMP/dry-refused.jsonl" "dry-run=server: the refused eviction reported" '
acts = {e["vmi"]: e for e in evs("DryRunAction")}
assert acts["erp-always"]["message"].startswith("refused:"), acts["erp-always"]
assert acts["erp-always"].get("pod", "").startswith("virt-launcher-erp-always-"), acts["erp-always"]
assert all(a["message"].endswith("(dryRun=All)") for k, a in acts.items() if k != "erp-always"), acts
assert len(acts) == 6 and report["dryRun"] is True
'
tool_writes "$MARK" real > "$TMP/writes"
[ ! -s "$TMP/writes" ] && pass || { fail "dry-run=server (refused): a write without dryRun"; cat "$TMP/writes" >&2; }
kubectl delete poddisruptionbudget -n legacy erp-pdb > /dev/null && pass || fail "delete the PDB"

# ---------------------------------------------------------------------------------------------------
# Confirmation. No terminal: exit 2, pass --yes.
MARK=$(audit_mark)
expect_status 2 "evictions, no --yes, no terminal" -- wu run -A $METHODS
expect_in "$TMP/err" "--yes" "message tells to pass --yes"
expect_in "$TMP/err" "no terminal" "message says why"
expect_no_writes "$MARK" "no terminal to confirm on"

if [ "$HAVE_SCRIPT" = 1 ]; then
  # On a terminal, answered "n": exit 1, nothing changed.
  MARK=$(audit_mark)
  printf 'n\n' | on_tty "$TMP/tty-n.out" "$B" run -A $METHODS
  RC=$?; expect_rc 1 "answered n"
  expect_in "$TMP/tty-n.out" "Not confirmed; nothing was changed." "declined"
  expect_in "$TMP/tty-n.out" "This run shuts down 5 VMI(s) by eviction" "prompt counts the evictions"
  expect_in "$TMP/tty-n.out" "evict legacy/scratch-standalone" "prompt lists every eviction (the last one too)"
  expect_in "$TMP/tty-n.out" "3 of them will stay down" "prompt says which stay down"
  expect_in "$TMP/tty-n.out" "Proceed? [y/N]" "prompt asks"
  expect_no_writes "$MARK" "confirmation declined"

  # Answered "y" (one VMI with runStrategy Always in scope), colours off by NO_COLOR: it is evicted and restarts.
  MARK=$(audit_mark)
  printf 'y\n' | NO_COLOR=1 TERM=xterm on_tty "$TMP/tty-y.out" "$B" run -n legacy -l app=erp $METHODS --timeout 15s
  RC=$?; expect_rc 0 "answered y: erp-always updated"
  expect_in "$TMP/tty-y.out" "evict legacy/erp-always (batch 1): restarts on the new launcher" "prompt lists erp-always"
  expect_in "$TMP/tty-y.out" "Proceed? [y/N]" "prompt asks (y)"
  expect_in "$TMP/tty-y.out" "VmiRestarted  legacy/erp-always" "restart reported"
  expect_in "$TMP/tty-y.out" ": Completed after" "summary"
  tool_writes "$MARK" real | grep -c "^evict pods eviction legacy virt-launcher-erp-always" > "$TMP/n" || true
  [ "$(cat "$TMP/n")" = 1 ] && pass || { fail "answered y: one eviction of erp-always's launcher"; tool_writes "$MARK" real >&2; }
  grep -q $'\x1b\\[[0-9;]*m' "$TMP/tty-y.out" && fail "NO_COLOR=1 on a terminal: colour escapes printed" || pass

  # Colour on a terminal unless NO_COLOR; never escapes when NO_COLOR is set (dry run: no live block).
  NO_COLOR='' TERM=xterm on_tty "$TMP/tty-colour.out" "$B" run -A $METHODS --dry-run=client
  RC=$?; expect_rc 0 "dry run on a terminal"
  grep -q $'\x1b\\[[0-9;]*m' "$TMP/tty-colour.out" && pass || fail "colour on a terminal"
  NO_COLOR=1 TERM=xterm on_tty "$TMP/tty-nocolour.out" "$B" run -A $METHODS --dry-run=client
  RC=$?; expect_rc 0 "dry run on a terminal, NO_COLOR"
  expect_in "$TMP/tty-nocolour.out" "WouldEvict  legacy/kiosk-manual" "dry run printed on the terminal"
  grep -q $'\x1b' "$TMP/tty-nocolour.out" && fail "NO_COLOR=1: escapes printed" || pass
else
  echo "script(1) from util-linux not found: terminal tests skipped"
fi

# ---------------------------------------------------------------------------------------------------
# Text output without a terminal: one line per event, then the report; no escapes.
expect_status 0 "text run (one VMI)" -- wu run -n databases -l app=mongo $METHODS --yes
cp "$TMP/out" "$TMP/text.out"
python3 - "$TMP/text.out" <<'PY' && pass || { fail "text output: event lines then the summary"; sed 's/^/  | /' "$TMP/text.out" | head -20 >&2; }
import re, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
cut = next(i for i, l in enumerate(lines) if l.startswith("Run "))
ev = lines[:cut]
assert ev and all(re.match(r"^\d\d:\d\d:\d\d  [A-Z][A-Za-z]+(  |: |$)", l) for l in ev), ev
names = [l.split()[1].rstrip(":") for l in ev]
assert names[0] == "RunStarted" and names[-1] == "RunFinished", names
for want in ["MigrationCreated", "MigrationSucceeded", "VmiUpdated"]:
    assert want in names, (want, names)
assert any("databases/mongo-ifpossible" in l and "MigrationCreated" in l for l in ev)
assert re.match(r"^Run [0-9a-z]+: Completed after \S+ — 1 updated, 0 stuck, 0 stay down, 0 skipped$", lines[cut]), lines[cut]
PY
grep -q $'\x1b' "$TMP/text.out" && fail "escapes in text output to a file" || pass

# ---------------------------------------------------------------------------------------------------
# The full run on the rest of the fleet, JSON Lines.
expect_status 0 "plan before the full run" -- "$B" plan -A $METHODS -o json
cp "$TMP/out" "$TMP/plan.json"
MARK=$(audit_mark)
expect_status 1 "full run (some VMIs skipped)" -- wu run -A $METHODS --yes --batch-interval 2s -o json
cp "$TMP/out" "$TMP/full.jsonl"
jsonl_check "$TMP/full.jsonl" "full run: JSON Lines, events and report agree with the plan" '
plan = json.load(open(sys.argv[2]))
key = lambda v: v["namespace"] + "/" + v["name"]
assert start and start["runId"] == report["runId"] and start["resumed"] is False, start
assert start["methods"] == ["LiveMigrate", "Evict"] and start["batchIntervalSeconds"] == 2 and start["maxParallel"] == 5
assert report["result"] == "Completed" and report["dryRun"] is False
assert evs("RunFinished") and events[-1]["event"] == "RunFinished"
migrate = sorted(key(v) for v in plan["vmis"] if v["action"] == "LiveMigrate")
upd = {key(e): e for e in report["updated"]}
for k in migrate:
    assert k in upd and upd[k]["action"] == "LiveMigrate" and upd[k]["reason"] == "Migrated", (k, upd.get(k))
restart = sorted(key(v) for v in plan["vmis"] if v["action"] == "Evict" and v["afterEviction"] == "Restart")
for k in restart:
    assert k in upd and upd[k]["action"] == "Evict" and upd[k]["reason"] == "Restarted", (k, upd.get(k))
assert sorted(upd) == sorted(migrate + restart), sorted(upd)
down = sorted(key(v) for v in plan["vmis"] if v["action"] == "Evict" and v["afterEviction"] == "StaysDown")
assert names(report["staysDown"]) == down and len(down) == 3, (names(report["staysDown"]), down)
sk = {key(e): e["reason"] for e in report["skipped"]}
for v in plan["vmis"]:
    if v["action"] == "Skip" and v["reason"] in ("EvictionBlocked", "ExternalEviction"):
        assert sk.get(key(v)) == v["reason"], (key(v), sk.get(key(v)))
assert "databases/oracle-sriov" in sk and "databases/redis-external" in sk
assert not report["stuck"] and not report["unfinished"] and not report["gone"]
# The event lines tell the same story.
ev_names = lambda n: sorted(e["namespace"] + "/" + e["vmi"] for e in evs(n))
assert ev_names("VmiUpdated") == sorted(migrate), "VmiUpdated events"
assert ev_names("VmiRestarted") == sorted(restart), "VmiRestarted events"
assert ev_names("VmiStaysDown") == down, "VmiStaysDown events"
assert sorted(set(ev_names("VmiSkipped"))) == names(report["skipped"]), "VmiSkipped events"
assert sorted(set(ev_names("MigrationCreated"))) == sorted(migrate), "MigrationCreated events"
assert len(evs("Evicted")) == len(restart) + len(down), "Evicted events"
batches = evs("EvictionBatchStarted")
assert len(batches) == (len(restart) + len(down) + 1) // 2 and all(b["data"]["size"] <= 2 for b in batches), batches
' "$TMP/plan.json"
RUN_ID=$(tail -1 "$TMP/full.jsonl" | python3 -c 'import json, sys; print(json.load(sys.stdin)["runId"])' 2>/dev/null)
tool_writes "$MARK" real > "$TMP/writes"
grep -q "^create virtualmachineinstancemigrations" "$TMP/writes" && pass || fail "full run created VMIMs"
# The safety invariants, judged from the simulator's records only.
cat > "$TMP/expect.json" <<'EOF'
{"toolUserAgentPrefix": "kubectl-workload_update/", "parallelMigrationsPerCluster": 5,
 "parallelOutboundMigrationsPerNode": 2, "batchSize": 2, "batchIntervalSeconds": 2, "batchClock": "real",
 "batchToleranceSeconds": 0.5, "maxAttempts": 3}
EOF
INV="$(dirname "$0")/../run/check_invariants.py"
if [ -f "$INV" ]; then
  timeout 60 python3 "$INV" --state-dir "$SIMDIR" --since "$MARK" --expect "$TMP/expect.json" > "$TMP/inv.out" 2>&1 \
    && pass || { fail "invariants of the full run"; sed 's/^/  | /' "$TMP/inv.out" | head -20 >&2; }
fi

# The Lease afterwards: released, Finished.
[ "$(lease_field '{.spec.holderIdentity}')" = "" ] && pass || fail "Lease holder not cleared"
[ "$(lease_field '{.metadata.annotations.workload-update\.kubevirt\.io/run-state}')" = Finished ] && pass || fail "run-state Finished"
[ -n "$RUN_ID" ] && [ "$(lease_field '{.metadata.annotations.workload-update\.kubevirt\.io/run-id}')" = "$RUN_ID" ] && pass || fail "run-id in the Lease"
expect_status 0 "status after the run" -- "$B" status -A
expect_in "$TMP/out" "Run lease: not held." "status: no holder"

# ---------------------------------------------------------------------------------------------------
# The plugin form.
mkdir -p "$TMP/bin"
ln -s "$(cd "$(dirname "$B")" && pwd)/$(basename "$B")" "$TMP/bin/kubectl-workload_update"
expect_status 0 "kubectl workload-update run --help" -- env PATH="$TMP/bin:$PATH" kubectl workload-update run --help
expect_in "$TMP/out" "kubectl workload-update run" "usage names the kubectl form"
expect_in "$TMP/out" "--cancel-on-interrupt" "run's flags listed"
expect_status 2 "exit 2 passes through kubectl" -- env PATH="$TMP/bin:$PATH" kubectl workload-update run --dry-run=bogus

fi  # fleet

if has_part interrupts; then
# ---------------------------------------------------------------------------------------------------
# Interrupts, resume, --cancel-on-interrupt, --timeout: a fresh fleet whose migrations take 2-2.5 min real
# (240-300 simulated seconds at 2x), so that they are still in flight when --cancel-on-interrupt runs even
# on a loaded machine; the last run speeds KubeVirt up. Scope: the four pg VMIs (all migrate at once).
[ -n "${SIM_PID:-}" ] && { kill "$SIM_PID" 2>/dev/null; wait "$SIM_PID" 2>/dev/null; }
[ -n "${SIMDIR:-}" ] && rm -rf "$SIMDIR"
start_sim "$SIM" --tick-ms 20 --scenario "$FLEET" --scenario "$TMP/fast.yaml"
export KUBECONFIG="$KCFG"
SIM_URL=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["url"])' "$SIMDIR/ready.json")
KV=$(kubectl get kubevirt -n kubevirt -o 'jsonpath={.items[0].metadata.name}')
kubectl patch hyperconverged -n openshift-cnv kubevirt-hyperconverged --type merge \
  -p '{"spec":{"workloadUpdateStrategy":{"workloadUpdateMethods":[]}}}' > /dev/null
wait_kv_methods '' || fail "HCO empties the KubeVirt CR's methods (second simulator)"
for _ in $(seq 1 50); do  # the fleet's own migrations end first (they would hold a slot)
  kubectl get vmim -A -o 'jsonpath={range .items[*]}{.status.phase}{"\n"}{end}' | grep -qvE '^(Succeeded|Failed)$' || break
  sleep 0.2
done
knobs '{"timeScale": 2, "migrationDuration": {"min": "240s", "max": "300s"}}'
PG=(-n databases -l app=pg --methods LiveMigrate --yes --retry-backoff 1s -o json)
run_vmims() {  # run_vmims RUN_ID: "name phase" per VMIM of the run
  kubectl get vmim -n databases -l "workload-update.kubevirt.io/run=$1" \
    -o 'jsonpath={range .items[*]}{.metadata.name} {.status.phase}{"\n"}{end}' 2>/dev/null
}

# SIGINT after the first MigrationCreated: exit 130, Interrupted; the migrations go on.
MARK=$(audit_mark)
bg int1 run "${PG[@]}"
wait_line "$TMP/int1.out" '"event":"MigrationCreated"' 20 && pass || fail "SIGINT run: no MigrationCreated"
kill -INT "$BG"
wait_exit "$BG" 20
expect_rc 130 "SIGINT"
expect_in "$TMP/int1.err" "stopping: nothing new starts" "interrupt acknowledged"
jsonl_check "$TMP/int1.out" "SIGINT: Interrupted event and report" '
assert start and start["resumed"] is False
assert report["result"] == "Interrupted", report["result"]
assert evs("Interrupted") and not evs("MigrationCancelled")
created = evs("MigrationCreated")
assert created and len(report["unfinished"]) >= len(created), (len(created), report["unfinished"])
open(sys.argv[2], "w").write(report["runId"] + "\n" + str(len(created)))
' "$TMP/int1.meta"
RUN_ID=$(sed -n 1p "$TMP/int1.meta" 2>/dev/null) CREATED=$(sed -n 2p "$TMP/int1.meta" 2>/dev/null)
run_vmims "$RUN_ID" > "$TMP/vmims"
[ -n "$RUN_ID" ] && [ "$(wc -l < "$TMP/vmims")" -eq "${CREATED:-0}" ] && pass || { fail "SIGINT: the run's VMIMs still exist"; cat "$TMP/vmims" >&2; }
grep -qE ' (Succeeded|Failed)$' "$TMP/vmims" && { fail "SIGINT: a VMIM already ended"; cat "$TMP/vmims" >&2; } || pass
for _ in $(seq 1 50); do run_vmims "$RUN_ID" | grep -q ' Running$' && break; sleep 0.2; done
run_vmims "$RUN_ID" | grep -q ' Running$' && pass || { fail "SIGINT: the migrations keep going"; run_vmims "$RUN_ID" >&2; }
tool_writes "$MARK" real | grep -q '^delete' && fail "SIGINT without --cancel-on-interrupt deleted something" || pass
[ "$(lease_field '{.spec.holderIdentity}')" = "" ] && pass || fail "Lease released after SIGINT"
[ "$(lease_field '{.metadata.annotations.workload-update\.kubevirt\.io/run-state}')" = Interrupted ] && pass || fail "run-state Interrupted"

# Rerun: resumes the same run; a second run meanwhile is refused; SIGTERM behaves like SIGINT.
bg term run "${PG[@]}"
wait_line "$TMP/term.out" '"event":"RunStarted"' 20 && pass || fail "SIGTERM run: no RunStarted"
[ "$(lease_field '{.spec.holderIdentity}')" != "" ] && pass || fail "Lease held during the run"
expect_status 2 "a second run while the Lease is held" -- wu run "${PG[@]}"
expect_in "$TMP/err" "another run holds the Lease kubevirt/$LEASE" "held Lease named"
sleep 1
kill -TERM "$BG"
wait_exit "$BG" 20
expect_rc 130 "SIGTERM"
jsonl_check "$TMP/term.out" "SIGTERM: resumed the same run, then Interrupted" '
assert start and start["resumed"] is True and start["runId"] == sys.argv[2], (start, sys.argv[2])
assert report["result"] == "Interrupted" and report["runId"] == sys.argv[2]
assert evs("Interrupted") and not evs("MigrationCancelled")
' "$RUN_ID"
run_vmims "$RUN_ID" | grep -vE ' (Succeeded|Failed)$' > "$TMP/vmims"
[ -s "$TMP/vmims" ] && pass || fail "SIGTERM: migrations still in flight"

# --cancel-on-interrupt: the run's unfinished VMIMs (also those of the earlier invocations) are deleted.
MARK=$(audit_mark)
bg cancel run "${PG[@]}" --cancel-on-interrupt
wait_line "$TMP/cancel.out" '"event":"RunStarted"' 20 && pass || fail "cancel run: no RunStarted"
sleep 1
kill -INT "$BG"
wait_exit "$BG" 20
expect_rc 130 "SIGINT with --cancel-on-interrupt"
tool_writes "$MARK" real > "$TMP/writes"
jsonl_check "$TMP/cancel.out" "--cancel-on-interrupt: MigrationCancelled per unfinished VMIM, deleted by the tool" '
assert start and start["resumed"] is True and start["runId"] == sys.argv[2]
assert report["result"] == "Interrupted"
cancelled = sorted(e["migration"] for e in evs("MigrationCancelled"))
inflight = sorted(l.split()[0] for l in open(sys.argv[3]) if l.strip())
assert cancelled and cancelled == inflight, (cancelled, inflight)
deleted = sorted(r.split()[4] for r in open(sys.argv[4]) if r.startswith("delete virtualmachineinstancemigrations"))
assert deleted == cancelled, (deleted, cancelled)
assert evs("Interrupted")[0]["message"].find("cancelled") >= 0
' "$RUN_ID" "$TMP/vmims" "$TMP/writes"
for _ in $(seq 1 50); do [ -z "$(run_vmims "$RUN_ID")" ] && break; sleep 0.2; done
[ -z "$(run_vmims "$RUN_ID")" ] && pass || { fail "cancelled VMIMs gone"; run_vmims "$RUN_ID" >&2; }

# --timeout 2s while migrations are slow: TimedOut, exit 1, the unfinished ones listed.
bg timeout run "${PG[@]}" --timeout 2s
wait_exit "$BG" 30
expect_rc 1 "--timeout 2s"
jsonl_check "$TMP/timeout.out" "--timeout: TimedOut report with unfinished VMIs" '
assert start and start["runId"] == sys.argv[2] and start["resumed"] is True
assert report["result"] == "TimedOut", report["result"]
assert evs("RunFinished") and evs("RunFinished")[0]["reason"] == "TimedOut"
assert report["unfinished"] and all(u["namespace"] == "databases" for u in report["unfinished"]), report["unfinished"]
assert not report["updated"]
' "$RUN_ID"
[ "$(lease_field '{.spec.holderIdentity}')" = "" ] && pass || fail "Lease released after --timeout"

# Resume once more, let KubeVirt go fast: the run completes, exit 0, the Lease says Finished.
bg final run "${PG[@]}"
wait_line "$TMP/final.out" '"event":"RunStarted"' 20 && pass || fail "final run: no RunStarted"
knobs '{"timeScale": 300}'
wait_exit "$BG" 40
expect_rc 0 "resumed run completes"
jsonl_check "$TMP/final.out" "resumed run: same run id, every pg VMI updated" '
assert start and start["resumed"] is True and start["runId"] == sys.argv[2]
assert report["result"] == "Completed" and report["runId"] == sys.argv[2]
assert names(report["updated"]) == ["databases/pg-00", "databases/pg-01", "databases/pg-02", "databases/pg-03"], report["updated"]
assert not report["unfinished"] and not report["stuck"] and not report["skipped"]
' "$RUN_ID"
[ "$(lease_field '{.spec.holderIdentity}')" = "" ] && pass || fail "Lease released at the end"
[ "$(lease_field '{.metadata.annotations.workload-update\.kubevirt\.io/run-state}')" = Finished ] && pass || fail "run-state Finished at the end"
expect_status 0 "status at the end" -- "$B" status -A
expect_in "$TMP/out" "Run lease: not held." "status: no holder at the end"

fi  # interrupts

echo "run_cli_test: $((SECONDS - STARTED)) s"
finish

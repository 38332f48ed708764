#!/usr/bin/env bash
# `kubectl-workload_update run` end to end against kubevirt-sim. Every safety invariant is judged by
# tests/run/check_invariants.py from the simulator's audit log and migration history, never from the
# tool's own output; the tool's report is only used for its exit status and the stuck list.
#
#   bash run_invariants_test.sh KUBECTL_WORKLOAD_UPDATE KUBEVIRT_SIM
#
# Parts (each on its own simulator, state dir under $TMP, --tick-ms 20 and a time-scaled KubeVirt):
#   1 full run on a generated fleet (cluster methods emptied, --methods LiveMigrate,Evict -A --yes)
#   2 scope: -n NS -l SELECTOR, then --node NODE; VMIs outside the scope untouched
#   3 kill -9 at 10 random points, then run to completion; invariants over the whole audit log
#   4 ~10% injected API faults (429/500/503) and watch faults
#   5 a second concurrent run is refused by the Lease and changes nothing
#   6 stuck VMIs (migrations that always fail, an unschedulable / a never-ready target pod), --max-attempts 2
#   7 eviction pacing when the client-side rate limit (--qps 2) delays a batch's evictions
# Prints "N passed, M failed"; exit 0 only if all pass. About 3 minutes on 2 busy cores.
# RUN_INVARIANTS_PARTS="1 6" runs only some parts; RUN_INVARIANTS_KEEP=1 keeps $TMP (state dirs with
# audit.jsonl, the tool's outputs) for a look afterwards.
TOOL=${1:?usage: run_invariants_test.sh KUBECTL_WORKLOAD_UPDATE KUBEVIRT_SIM}
SIM=${2:?usage: run_invariants_test.sh KUBECTL_WORKLOAD_UPDATE KUBEVIRT_SIM}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../cli/lib.sh
. "$HERE/../cli/lib.sh"
SCEN="$HERE/scenarios"
PY=${PYTHON:-python3}
PARTS=${RUN_INVARIANTS_PARTS:-1 2 3 4 5 6 7}
START=$(date +%s)
METHODS=LiveMigrate,Evict
# Simulated KubeVirt: 100 simulated seconds per real second, short migrations.
KNOBS='{"timeScale":100,"migrationDuration":{"min":"20s","max":"40s"},"schedulingDelay":"2s","preparationDelay":"1s","restartDelay":"5s"}'

SIM_PIDS=()
BG_PIDS=()
cleanup() {
  local p
  for p in ${BG_PIDS[@]+"${BG_PIDS[@]}"}; do kill -9 "$p" 2>/dev/null; done
  for p in ${SIM_PIDS[@]+"${SIM_PIDS[@]}"}; do kill "$p" 2>/dev/null; done
  for p in ${SIM_PIDS[@]+"${SIM_PIDS[@]}"} ${BG_PIDS[@]+"${BG_PIDS[@]}"}; do wait "$p" 2>/dev/null; done
  if [ -n "${RUN_INVARIANTS_KEEP:-}" ]; then echo "kept $TMP" >&2; else rm -rf "$TMP"; fi
}
trap cleanup EXIT

# Private copies of the binaries: a rebuild of the build tree during the test cannot touch them.
if ! cp "$TOOL" "$TMP/kubectl-workload_update" || ! cp "$SIM" "$TMP/kubevirt-sim"; then
  echo "cannot copy $TOOL and $SIM" >&2
  exit 1
fi
TOOL="$TMP/kubectl-workload_update"
SIM="$TMP/kubevirt-sim"

note() { echo "== [$(($(date +%s) - START))s] $*"; }
ok() { pass; echo "ok: $*"; }
check() {  # check CONDITION-STATUS DESCRIPTION [file to show on failure]
  if [ "$1" -eq 0 ]; then ok "$2"; else fail "$2"; [ -n "${3:-}" ] && sed 's/^/  | /' "$3" | head -30 >&2; fi
  return 0
}

# ---------------------------------------------------------------- helpers (Python)

cat > "$TMP/simctl.py" <<'EOF'
"""Small client of kubevirt-sim for the test: requests with the admin token, and the analyses."""
import json, os, ssl, sys, urllib.error, urllib.request
sys.path.insert(0, os.environ["CHECK_DIR"])
from check_invariants import server_url, tool_vmims  # noqa: E402

TOOL_UA = "kubectl-workload_update/"


def req(d, method, path, body=None, ctype="application/json"):
    url = server_url(os.path.join(d, "kubeconfig")) + path
    ctx = ssl.create_default_context(cafile=os.path.join(d, "ca.crt"))
    data = body.encode() if isinstance(body, str) else (json.dumps(body).encode() if body is not None else None)
    r = urllib.request.Request(url, data=data, method=method, headers={
        "Authorization": "Bearer sim-admin-token", "Accept": "application/json", "Content-Type": ctype})
    try:
        with urllib.request.urlopen(r, context=ctx, timeout=30) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def get(d, path):
    code, body = req(d, "GET", path)
    if code >= 300:
        raise SystemExit("GET %s: %d %s" % (path, code, body[:300]))
    return json.loads(body)


def vmis(d):
    return get(d, "/apis/kubevirt.io/v1/virtualmachineinstances").get("items") or []


def key(ns, name):
    return "%s/%s" % (ns, name)


def plan_vmis(f):
    return json.load(open(f))["vmis"]


def report(f):
    """The last line of a -o json run output, if it is the report."""
    last = None
    for line in open(f, errors="replace"):
        line = line.strip()
        if line.startswith("{"):
            try:
                last = json.loads(line)
            except ValueError:
                pass
    return last if last and last.get("kind") == "WorkloadUpdateRunReport" else None


def events(f, name=None):
    out = []
    for line in open(f, errors="replace"):
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            o = json.loads(line)
        except ValueError:
            continue
        if "event" in o and (name is None or o["event"] == name):
            out.append(o)
    return out


def cmd_req(d, method, path, body=None, ctype="application/json"):
    code, out = req(d, method, path, body, ctype)
    sys.stdout.write(out.decode(errors="replace"))
    return 0 if code < 300 else 1


def cmd_kubevirt_methods_empty(d):
    """Waits (bounded) until every KubeVirt CR has no workloadUpdateMethods: the simulated HCO reconciles it
    from the HyperConverged CR."""
    import time
    for _ in range(200):
        items = get(d, "/apis/kubevirt.io/v1/kubevirts")["items"]
        if all(not kv.get("spec", {}).get("workloadUpdateStrategy", {}).get("workloadUpdateMethods") for kv in items):
            return 0
        time.sleep(0.05)
    print("the KubeVirt CR still has workloadUpdateMethods", file=sys.stderr)
    return 1

def cmd_seq(d):
    a = get(d, "/_sim/audit")
    print(max((r.get("seq", 0) for r in a), default=0))


def cmd_must(plan, with_restarts="1"):
    """VMIs that must end Running the current image: planned LiveMigrate (LiveMigratable), and
    planned evictions of VMs with runStrategy Always (restarted with the current image)."""
    must = [key(v["namespace"], v["name"]) for v in plan_vmis(plan)
            if (v["action"] == "LiveMigrate" and v["reason"] == "LiveMigratable")
            or (with_restarts == "1" and v["action"] == "Evict" and v.get("runStrategy") == "Always")]
    print(json.dumps(must))


def cmd_names(plan, field=None, value=None):
    """JSON list of ns/name of the plan's VMIs (optionally whose FIELD == VALUE)."""
    print(json.dumps([key(v["namespace"], v["name"]) for v in plan_vmis(plan)
                      if field is None or str(v.get(field)) == value]))


def cmd_limits(plan):
    s = json.load(open(plan))["strategy"]
    print(s["parallelMigrationsPerCluster"], s["parallelOutboundMigrationsPerNode"])


def cmd_strip_restart_finalizers(d, plan):
    """Work around a simulator limitation: generated VMIs carry the finalizers
    kubevirt.io/virtualMachineControllerFinalize and foregroundDeleteVirtualMachine that nothing
    releases, so the simulated VM controller's delete of a shut-down runStrategy Always VMI never
    completes and the VM is never restarted. Drop them from the VMIs the plan evicts."""
    n = 0
    for v in plan_vmis(plan):
        if v["action"] == "Evict":
            code, body = req(d, "PATCH", "/apis/kubevirt.io/v1/namespaces/%s/virtualmachineinstances/%s"
                             % (v["namespace"], v["name"]), {"metadata": {"finalizers": None}},
                             "application/merge-patch+json")
            if code >= 300:
                raise SystemExit("patch %s: %d %s" % (v["name"], code, body[:300]))
            n += 1
    print(n)


def cmd_snapshot(d, out):
    snap = {}
    for v in vmis(d):
        md, st = v["metadata"], v.get("status") or {}
        snap[key(md["namespace"], md["name"])] = {"uid": md.get("uid"), "node": st.get("nodeName", ""),
                                                   "image": st.get("launcherContainerImageVersion", ""),
                                                   "phase": st.get("phase", "")}
    json.dump(snap, open(out, "w"))


def cmd_untouched(d, before, scope_json):
    """Every VMI outside the scope keeps its UID, phase, node and launcher image, unless a VMIM that
    the tool did not create concerns it (a migration already in flight when the fleet was made)."""
    snap = json.load(open(before))
    scope = set(json.loads(scope_json))
    others = {it.get("namespace", "") + "/" + it.get("vmiName", "")
              for it in get(d, "/_sim/migrations").get("items") or [] if not it.get("name", "").startswith("workload-update-")}
    now = {}
    for v in vmis(d):
        md, st = v["metadata"], v.get("status") or {}
        now[key(md["namespace"], md["name"])] = {"uid": md.get("uid"), "node": st.get("nodeName", ""),
                                                  "image": st.get("launcherContainerImageVersion", ""),
                                                  "phase": st.get("phase", "")}
    bad, n = [], 0
    for k, was in sorted(snap.items()):
        if k in scope:
            continue
        n += 1
        cur = now.get(k)
        if cur is None:
            bad.append("%s: gone" % k)
        elif cur["uid"] != was["uid"]:
            bad.append("%s: new UID (restarted)" % k)
        elif k not in others and cur != was:
            bad.append("%s: %s -> %s" % (k, was, cur))
    print("%d VMIs outside the scope checked" % n)
    for b in bad:
        print("  " + b)
    return 1 if bad else 0


def cmd_report_exit(f):
    """The exit status the report implies: 0 when everything in scope is done, else 1."""
    r = report(f)
    if r is None:
        print("none")
        return 1
    c = r.get("counts") or {}
    bad = r.get("result") != "Completed" or any(c.get(k, 0) for k in ("stuck", "skipped", "unfinished"))
    print(1 if bad else 0)
    return 0


def cmd_report_field(f, expr):
    r = report(f) or {}
    print(json.dumps(eval(expr, {"r": r})))


def cmd_plan_vs_report(plan, f):
    """The run takes the plan's decisions: skipped = planned Skip, stays down = planned evictions of
    VMs that do not restart them, updated covers the planned migrations."""
    p, r = plan_vmis(plan), report(f) or {}
    names = lambda lst: sorted(key(e["namespace"], e["name"]) for e in lst)  # noqa: E731
    want_skip = sorted(key(v["namespace"], v["name"]) for v in p if v["action"] == "Skip")
    want_down = sorted(key(v["namespace"], v["name"]) for v in p
                       if v["action"] == "Evict" and v.get("runStrategy") not in ("Always",))
    want_upd = {key(v["namespace"], v["name"]) for v in p if v["action"] == "LiveMigrate"}
    bad = []
    if names(r.get("skipped") or []) != want_skip:
        bad.append("skipped %s, plan Skip %s" % (names(r.get("skipped") or []), want_skip))
    if names(r.get("staysDown") or []) != want_down:
        bad.append("stays down %s, plan %s" % (names(r.get("staysDown") or []), want_down))
    missing = want_upd - set(names(r.get("updated") or []))
    if missing:
        bad.append("planned migrations not reported updated: %s" % sorted(missing))
    for b in bad:
        print(b)
    return 1 if bad else 0


def cmd_check(d, since, expect_file, label):
    """Runs the checker; prints one line per invariant: PASS/FAIL/SKIP name, details indented."""
    import subprocess
    p = subprocess.run([sys.executable, os.path.join(os.environ["CHECK_DIR"], "check_invariants.py"),
                        "--state-dir", d, "--since", str(since), "--expect", expect_file, "--json"],
                       capture_output=True, text=True, timeout=120)
    try:
        results = json.loads(p.stdout)
    except ValueError:
        print("ERROR %s: checker exit %d: %s %s" % (label, p.returncode, p.stdout[-500:], p.stderr[-500:]))
        return
    for r in results:
        det = r["details"] or [""]
        st = "SKIP" if r["ok"] and det[0].startswith("skipped") else ("PASS" if r["ok"] else "FAIL")
        print("%s %s %s: %s" % (st, label, r["name"], det[0]))
        for x in det[1:21]:
            print("    - " + x)


def cmd_lease(d):
    code, body = req(d, "GET", "/apis/coordination.k8s.io/v1/namespaces/kubevirt/leases/kubectl-workload-update")
    if code >= 300:
        print("missing %d" % code)
        return
    o = json.loads(body)
    ann = (o.get("metadata") or {}).get("annotations") or {}
    print("holder=%r state=%s run=%s" % ((o.get("spec") or {}).get("holderIdentity", ""),
                                         ann.get("workload-update.kubevirt.io/run-state", ""),
                                         ann.get("workload-update.kubevirt.io/run-id", "")))


def cmd_user_mutations(d, since, until, user):
    """Successful writes by USER in the audit window (seq in (since, until]), access reviews aside."""
    a = [r for r in get(d, "/_sim/audit?since=%d" % int(since)) if r.get("seq", 0) <= int(until)]
    mine = [r for r in a if r.get("user") == user]
    muts = [r for r in mine if r.get("verb") in ("create", "update", "patch", "delete", "deletecollection", "evict")
            and r.get("resource") not in ("selfsubjectaccessreviews", "selfsubjectreviews")
            and isinstance(r.get("code"), int) and 200 <= r["code"] < 300]
    print("%d requests by %s, %d successful writes" % (len(mine), user, len(muts)))
    for r in muts:
        print("  %s %s %s/%s (seq %s, code %s)" % (r.get("verb"), r.get("resource"), r.get("namespace"),
                                                  r.get("name"), r.get("seq"), r.get("code")))
    return 0 if mine and not muts else 1


def cmd_tool_vmims_per_vmi(d, since, ns):
    """Tool-created VMIMs (audit creates paired with the migration history) per VMI of NS."""
    audit = get(d, "/_sim/audit?since=%d" % int(since))
    per = {}
    for r, it in tool_vmims(audit, get(d, "/_sim/migrations"), TOOL_UA):
        if it is not None and it.get("namespace") == ns:
            per[it.get("vmiName")] = per.get(it.get("vmiName"), 0) + 1
    print(json.dumps(per, sort_keys=True))


def cmd_annotate(d, plan, count, annotation, value):
    """Sets ANNOTATION=VALUE on the first COUNT planned LiveMigrate VMIs; prints them."""
    done = []
    for v in plan_vmis(plan):
        if len(done) >= int(count):
            break
        if v["action"] == "LiveMigrate":
            code, body = req(d, "PATCH", "/apis/kubevirt.io/v1/namespaces/%s/virtualmachineinstances/%s"
                             % (v["namespace"], v["name"]), {"metadata": {"annotations": {annotation: value}}},
                             "application/merge-patch+json")
            if code >= 300:
                raise SystemExit("patch %s: %d" % (v["name"], code))
            done.append(key(v["namespace"], v["name"]))
    print(json.dumps(done))


def cmd_tool_window(d, since, until):
    """Successful tool writes with seq in (since, until]: Lease writes, VMIM creates, evictions."""
    a = [r for r in get(d, "/_sim/audit?since=%d" % int(since)) if r.get("seq", 0) <= int(until)
         and (r.get("userAgent") or "").startswith(TOOL_UA) and isinstance(r.get("code"), int)
         and 200 <= r["code"] < 300 and not r.get("dryRun")]
    lease = sum(1 for r in a if r.get("resource") == "leases" and r.get("verb") in ("create", "update", "patch"))
    vmims = sum(1 for r in a if r.get("resource") == "virtualmachineinstancemigrations" and r.get("verb") == "create")
    evict = sum(1 for r in a if r.get("verb") == "evict" or r.get("subresource") == "eviction")
    print(lease, vmims, evict)


def cmd_faults_fired(d):
    f = get(d, "/_sim/faults")
    print(sum(int(r.get("fired") or 0) for r in f.get("rules") or []))


if __name__ == "__main__":
    fn = globals()["cmd_" + sys.argv[1].replace("-", "_")]
    sys.exit(fn(*sys.argv[2:]) or 0)
EOF
export CHECK_DIR="$HERE"
simctl() { timeout 120 "$PY" "$TMP/simctl.py" "$@"; }

# sim_start NAME [sim args...]: a simulator in $TMP/NAME (set as SD), ready within 15 s.
sim_start() {
  local name=$1 pid
  shift
  SD="$TMP/$name"
  mkdir -p "$SD"
  "$SIM" --state-dir "$SD" --tick-ms 20 --audit-log "$SD/audit.jsonl" "$@" > "$TMP/$name.log" 2>&1 &
  pid=$!
  SIM_PIDS+=("$pid")
  for _ in $(seq 1 150); do
    [ -f "$SD/ready.json" ] && return 0
    if ! kill -0 "$pid" 2>/dev/null; then fail "$name: simulator exited"; cat "$TMP/$name.log" >&2; return 1; fi
    sleep 0.1
  done
  fail "$name: simulator not ready after 15 s"
  return 1
}

# sim_setup DIR [KNOBS]: the cluster's workloadUpdateMethods emptied on the HyperConverged CR, as an admin
# must (the simulated HCO then empties the KubeVirt CR's; a direct edit of the KubeVirt CR would be
# reverted), so KubeVirt's own updater is inactive and --methods is required; then the knobs.
sim_setup() {
  local d=$1 knobs=${2-$KNOBS} p='{"spec":{"workloadUpdateStrategy":{"workloadUpdateMethods":[]}}}'
  if ! simctl req "$d" PATCH /apis/hco.kubevirt.io/v1beta1/namespaces/openshift-cnv/hyperconvergeds/kubevirt-hyperconverged \
         "$p" application/merge-patch+json > /dev/null ||
     ! simctl kubevirt-methods-empty "$d" ||
     { [ -n "$knobs" ] && ! simctl req "$d" POST /_sim/knobs "$knobs" > /dev/null; }; then
    fail "$d: cannot set up the simulator"
    return 1
  fi
}

# plan_json DIR OUT [plan args...]
plan_json() {
  local d=$1 out=$2
  shift 2
  timeout 60 "$TOOL" plan -o json --methods "$METHODS" --kubeconfig "$d/kubeconfig" "$@" > "$out" 2> "$out.err" ||
    { fail "plan $*: exit $?"; sed 's/^/  | /' "$out.err" >&2; return 1; }
}

# run_tool OUT SECONDS args...: `run` in the foreground (bounded), stdout OUT, stderr OUT.err, status RC.
run_tool() {
  local out=$1 t=$2
  shift 2
  timeout -k 5 "$t" "$TOOL" run "$@" > "$out" 2> "$out.err" < /dev/null
  RC=$?
  [ "$RC" -eq 124 ] && echo "  (run timed out after ${t}s: $*)" >&2
  return 0
}

# expect_report_exit LABEL OUT: RC is what the report says (0 all done, 1 stuck/skipped/unfinished).
expect_report_exit() {
  local want
  want=$(simctl report-exit "$2")
  if [ "$want" = "$RC" ]; then ok "$1: exit $RC as the report says"
  else fail "$1: exit $RC, the report says $want"; tail -c 1500 "$2" | sed 's/^/  | /' >&2; sed 's/^/  | /' "$2.err" | head -10 >&2; fi
}

# invariants LABEL DIR SINCE EXPECT-JSON [INVARIANT]: one test per invariant the checker does not
# skip (only INVARIANT when given).
invariants() {
  local label=$1 d=$2 since=$3 only=${5:-} line show=0
  printf '%s\n' "$4" > "$TMP/expect.json"
  simctl check "$d" "$since" "$TMP/expect.json" "$label" > "$TMP/check.out" 2>&1
  while IFS= read -r line; do
    case $line in
      PASS*|SKIP*|FAIL*) [ -z "$only" ] || [ "$(echo "$line" | cut -d: -f1 | awk '{print $NF}')" = "$only" ] || continue ;;
    esac
    case $line in
      PASS*) ok "${line#PASS }"; show=0 ;;
      SKIP*) show=0 ;;
      FAIL*) fail "${line#FAIL }"; show=1 ;;
      ERROR*) fail "$line"; show=1 ;;
      *) [ "$show" -eq 0 ] || echo "$line" >&2 ;;
    esac
  done < "$TMP/check.out"
  grep -q '^\(PASS\|FAIL\|SKIP\)' "$TMP/check.out" || { fail "$label: checker produced nothing"; cat "$TMP/check.out" >&2; }
}

# expect_json: the common expectations; extra keys are merged by the caller through python.
expect_json() {  # expect_json PLAN BATCH-SIZE BATCH-INTERVAL MAX-ATTEMPTS MUST SCOPE-NS SCOPE-VMIS [extra json]
  local limits extra=${8:-}
  [ -n "$extra" ] || extra='{}'
  limits=$(simctl limits "$1")
  "$PY" - "$limits" "$2" "$3" "$4" "$5" "$6" "$7" "$extra" <<'EOF'
import json, sys
lim = sys.argv[1].split()
e = {"toolUserAgentPrefix": "kubectl-workload_update/",
     "parallelMigrationsPerCluster": int(lim[0]), "parallelOutboundMigrationsPerNode": int(lim[1]),
     "batchSize": int(sys.argv[2]) if sys.argv[2] != "null" else None,
     "batchIntervalSeconds": float(sys.argv[3]) if sys.argv[3] != "null" else None,
     "batchClock": "real", "batchToleranceSeconds": 0.3,
     "maxAttempts": int(sys.argv[4]) if sys.argv[4] != "null" else None,
     "mustBeUpdated": json.loads(sys.argv[5]),
     "scopeNamespaces": json.loads(sys.argv[6]), "scopeVmis": json.loads(sys.argv[7])}
e.update(json.loads(sys.argv[8]))
print(json.dumps(e))
EOF
}

# ---------------------------------------------------------------- 1. full run

part1() {
  note "1. full run: --generate 150 --seed 5, -A --methods $METHODS --batch-size 3 --batch-interval 2s"
  sim_start p1 --generate 150 --seed 5 || return
  local d=$SD s0 s1 must exp
  local k=(--kubeconfig "$d/kubeconfig")
  sim_setup "$d" || return
  s0=$(simctl seq "$d")
  # The cluster's methods are empty: --methods is required, and nothing is changed without it.
  run_tool "$TMP/p1-nomethods.out" 60 -A --yes "${k[@]}" -o json
  [ "$RC" -eq 2 ]; check $? "1: run without --methods on a cluster whose methods are empty exits 2 (got $RC)" "$TMP/p1-nomethods.out.err"
  plan_json "$d" "$TMP/p1-plan.json" -A || return
  simctl strip-restart-finalizers "$d" "$TMP/p1-plan.json" > /dev/null || fail "1: cannot prepare the evicted VMIs"
  s1=$(simctl seq "$d")
  invariants "1 (no --methods)" "$d" "$s0" '{"expectNoToolMutations": true}' no-tool-mutations
  must=$(simctl must "$TMP/p1-plan.json")
  run_tool "$TMP/p1-run.out" 120 -A --methods "$METHODS" --yes --batch-size 3 --batch-interval 2s "${k[@]}" -o json
  expect_report_exit "1" "$TMP/p1-run.out"
  [ "$(simctl report-field "$TMP/p1-run.out" 'r.get("result")')" = '"Completed"' ]
  check $? "1: report result Completed" "$TMP/p1-run.out.err"
  simctl plan-vs-report "$TMP/p1-plan.json" "$TMP/p1-run.out" > "$TMP/p1-pvr" 2>&1
  check $? "1: the run took the plan's decisions (skipped, stays down, migrated)" "$TMP/p1-pvr"
  exp=$(expect_json "$TMP/p1-plan.json" 3 2 3 "$must" null null)
  invariants "1" "$d" "$s1" "$exp"
}

# ---------------------------------------------------------------- 2. scope

part2() {
  note "2. scope: -n payments-000 -l workload.example.com/tier=frontend, then -A --node worker-001"
  sim_start p2 --generate 150 --seed 7 --scenario "$SCEN/scope-billing.yaml" || return
  local d=$SD s1 must scope exp
  local k=(--kubeconfig "$d/kubeconfig")
  sim_setup "$d" || return
  # -n and -l together
  plan_json "$d" "$TMP/p2-plan-ns.json" -n payments-000 -l workload.example.com/tier=frontend || return
  plan_json "$d" "$TMP/p2-plan-all.json" -A || return
  simctl strip-restart-finalizers "$d" "$TMP/p2-plan-ns.json" > /dev/null
  scope=$(simctl names "$TMP/p2-plan-ns.json")
  must=$(simctl must "$TMP/p2-plan-ns.json")
  "$PY" -c 'import json,sys; s=json.loads(sys.argv[1]); sys.exit(0 if s and all(x.startswith("payments-000/") for x in s) else 1)' "$scope"
  check $? "2: the -n/-l scope is a non-empty part of payments-000"
  simctl snapshot "$d" "$TMP/p2-before1.json"
  s1=$(simctl seq "$d")
  run_tool "$TMP/p2-run1.out" 120 -n payments-000 -l workload.example.com/tier=frontend --methods "$METHODS" \
    --yes --batch-size 3 --batch-interval 2s "${k[@]}" -o json
  expect_report_exit "2 (-n -l)" "$TMP/p2-run1.out"
  exp=$(expect_json "$TMP/p2-plan-ns.json" 3 2 3 "$must" '["payments-000"]' "$scope")
  invariants "2 (-n -l)" "$d" "$s1" "$exp"
  simctl untouched "$d" "$TMP/p2-before1.json" "$scope" > "$TMP/p2-untouched1" 2>&1
  check $? "2 (-n -l): VMIs outside the scope untouched ($(head -1 "$TMP/p2-untouched1"))" "$TMP/p2-untouched1"

  # --node
  plan_json "$d" "$TMP/p2-plan-all2.json" -A || return
  "$PY" - "$TMP/p2-plan-all2.json" > "$TMP/p2-plan-node.json" <<'EOF'
import json, sys
p = json.load(open(sys.argv[1]))
p["vmis"] = [v for v in p["vmis"] if v.get("node") == "worker-001"]
json.dump(p, sys.stdout)
EOF
  simctl strip-restart-finalizers "$d" "$TMP/p2-plan-node.json" > /dev/null
  scope=$(simctl names "$TMP/p2-plan-node.json")
  must=$(simctl must "$TMP/p2-plan-node.json")
  "$PY" -c 'import json,sys; s=json.loads(sys.argv[1]); sys.exit(0 if "billing/bill-fe-2" in s and "billing/bill-be-1" in s else 1)' "$scope"
  check $? "2: the --node worker-001 scope spans namespaces (billing VMIs on worker-001 in it)"
  simctl snapshot "$d" "$TMP/p2-before2.json"
  s1=$(simctl seq "$d")
  run_tool "$TMP/p2-run2.out" 120 -A --node worker-001 --methods "$METHODS" --yes --batch-size 3 --batch-interval 2s \
    "${k[@]}" -o json
  expect_report_exit "2 (--node)" "$TMP/p2-run2.out"
  exp=$(expect_json "$TMP/p2-plan-node.json" 3 2 3 "$must" null "$scope")
  invariants "2 (--node)" "$d" "$s1" "$exp"
  simctl untouched "$d" "$TMP/p2-before2.json" "$scope" > "$TMP/p2-untouched2" 2>&1
  check $? "2 (--node): VMIs outside the scope untouched ($(head -1 "$TMP/p2-untouched2"))" "$TMP/p2-untouched2"
}

# ---------------------------------------------------------------- 3. kill -9 and rerun

part3() {
  note "3. kill -9 at 10 random points, then run to completion"
  sim_start p3 --generate 150 --seed 12 || return
  local d=$SD s1 must exp i ms delay pid rc t0 started
  local k=(--kubeconfig "$d/kubeconfig")
  # Slower KubeVirt than elsewhere (a migration takes 2-3 real seconds) so that the ten kills fall
  # over the whole run; evicted launcher pods stay Terminating for about a second, so a rerun sees
  # them and must not evict again.
  sim_setup "$d" '{"timeScale":12,"migrationDuration":{"min":"20s","max":"40s"},"schedulingDelay":"2s","preparationDelay":"1s","restartDelay":"5s","podTerminationSeconds":20}' || return
  plan_json "$d" "$TMP/p3-plan.json" -A || return
  simctl strip-restart-finalizers "$d" "$TMP/p3-plan.json" > /dev/null
  must=$(simctl must "$TMP/p3-plan.json")
  s1=$(simctl seq "$d")
  # A higher client-side rate limit than the default 5/s: the preflight and the lists then take a
  # fraction of a second, so most kill points land inside the update loop.
  local args=(-A --methods "$METHODS" --yes --batch-size 1 --batch-interval 3s --qps 50 --burst 100 "${k[@]}" -o json)
  RANDOM=4242
  local killed=0 errors=0 lease_refused=0 busy=0 sa sb w w_lease w_vmims w_evict slow=() lease prev_lease="" id_changes=()
  for i in $(seq 1 10); do
    ms=$((300 + RANDOM % 2701))
    delay=$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))
    sa=$(simctl seq "$d")
    "$TOOL" run "${args[@]}" > "$TMP/p3-kill$i.out" 2> "$TMP/p3-kill$i.out.err" < /dev/null &
    pid=$!
    BG_PIDS+=("$pid")
    sleep "$delay"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    rc=$?
    BG_PIDS=()
    sb=$(simctl seq "$d")
    case $rc in
      137) killed=$((killed + 1)) ;;
      0|1) ;;  # finished on its own before the kill
      *) errors=$((errors + 1)) ;;
    esac
    grep -q "another run" "$TMP/p3-kill$i.out.err" && lease_refused=$((lease_refused + 1))
    # From the audit log: did this run take the Lease (a successful write of it) and change anything?
    w=$(simctl tool-window "$d" "$sa" "$sb")
    read -r w_lease w_vmims w_evict <<< "$w"
    [ $((w_vmims + w_evict)) -gt 0 ] && busy=$((busy + 1))
    # The previous holder is dead: the Lease is taken at once, not after its 30 s expire.
    if [ "$ms" -ge 1500 ] && [ "$w_lease" -eq 0 ]; then slow+=("run $i killed at ${delay}s"); fi
    # The run id goes on from run to run until one finishes.
    lease=$(simctl lease "$d")
    case $prev_lease in
      ""|missing*|*state=Finished*) ;;
      *) [ "${prev_lease##*run=}" = "${lease##*run=}" ] || id_changes+=("run $i: ${prev_lease##*run=} -> ${lease##*run=}") ;;
    esac
    prev_lease=$lease
    echo "  run $i killed after ${delay}s (exit $rc): $w_lease Lease writes, $w_vmims VMIMs created, $w_evict evictions; Lease $lease"
  done
  [ "$errors" -eq 0 ]; check $? "3: no killed run had failed before its kill ($killed killed, $errors errors)"
  [ "$lease_refused" -eq 0 ]; check $? "3: no rerun was refused because of the dead run's Lease ($lease_refused refused)"
  [ "${#slow[@]}" -eq 0 ]; check $? "3: every run killed after 1.5 s had taken the Lease over${slow[*]+ (not: ${slow[*]})}"
  [ "$busy" -ge 3 ]; check $? "3: kill points landed in the middle of the work ($busy of 10 killed runs created VMIMs or evicted)"
  [ "${#id_changes[@]}" -eq 0 ]; check $? "3: each rerun resumed the unfinished run's id${id_changes[*]+ (not: ${id_changes[*]})}"
  t0=$(date +%s)
  run_tool "$TMP/p3-final.out" 150 "${args[@]}"
  expect_report_exit "3 (final run)" "$TMP/p3-final.out"
  [ "$(simctl report-field "$TMP/p3-final.out" 'r.get("result")')" = '"Completed"' ]
  check $? "3: the final run completed" "$TMP/p3-final.out.err"
  started=$("$PY" - "$TMP/p3-final.out" "$t0" "${prev_lease##*run=}" "${prev_lease}" <<'EOF'
import calendar, json, sys, time
for line in open(sys.argv[1]):
    if '"RunStarted"' in line:
        o = json.loads(line)
        t = calendar.timegm(time.strptime(o["time"], "%Y-%m-%dT%H:%M:%SZ"))
        d = o.get("data") or {}
        finished = "state=Finished" in sys.argv[4]
        resumed_ok = finished or (d.get("resumed") is True and d.get("runId") == sys.argv[3])
        print(int(t) - int(sys.argv[2]), "resumed" if resumed_ok else "not-resumed(%s,%s)" % (d.get("runId"), d.get("resumed")))
        break
else:
    print(999, "no-RunStarted")
EOF
)
  read -r started resumed <<< "$started"
  [ "$started" -le 5 ]; check $? "3: the final run took the dead run's Lease over at once (loop started after ${started}s)"
  [ "$resumed" = resumed ]; check $? "3: the final run resumed the killed run's id (${prev_lease##*run=}): $resumed"
  simctl lease "$d" > "$TMP/p3-lease"
  grep -q "holder='' state=Finished" "$TMP/p3-lease"; check $? "3: the Lease is released and Finished ($(cat "$TMP/p3-lease"))"
  exp=$(expect_json "$TMP/p3-plan.json" 1 3 3 "$must" null null)
  invariants "3 (all runs)" "$d" "$s1" "$exp"
}

# ---------------------------------------------------------------- 4. injected faults

part4() {
  note "4. ~10% injected API faults (429/500/503) and watch faults"
  sim_start p4 --generate 150 --seed 15 || return
  local d=$SD s1 must exp fired
  local k=(--kubeconfig "$d/kubeconfig")
  sim_setup "$d" || return
  plan_json "$d" "$TMP/p4-plan.json" -A || return
  simctl strip-restart-finalizers "$d" "$TMP/p4-plan.json" > /dev/null
  must=$(simctl must "$TMP/p4-plan.json")
  s1=$(simctl seq "$d")
  # Three rules of 3.5% per verb: about 10% of the tool's requests fail; watches end after 25 events
  # or 4 s, and the next 3 are answered 410 Expired.
  "$PY" - > "$TMP/p4-faults.json" <<'EOF'
import json
rules = []
for verb in ("list", "watch", "create", "get", "update", "evict"):
    for code in (429, 500, 503):
        r = {"resource": "*", "verb": verb, "code": code, "probability": 0.035}
        if code != 500:
            r["retryAfterSeconds"] = 1
        rules.append(r)
print(json.dumps({"seed": 4711, "rules": rules,
                  "watch": {"closeAfterEvents": 25, "closeAfterSeconds": 4, "expireNext": 3}}))
EOF
  simctl req "$d" POST /_sim/faults "$(cat "$TMP/p4-faults.json")" > /dev/null || { fail "4: cannot add faults"; return; }
  # A refused eviction (an injected 429 looks like a PodDisruptionBudget's) is retried after 1 s.
  local attempt first_rc=""
  for attempt in 1 2 3 4; do
    run_tool "$TMP/p4-run.out" 150 -A --methods "$METHODS" --yes --batch-size 3 --batch-interval 2s --retry-backoff 1s \
      "${k[@]}" -o json
    [ -n "$first_rc" ] || { first_rc=$RC; cp "$TMP/p4-run.out.err" "$TMP/p4-first.err"; }
    # Gave up on an injected error (which it should have retried): run again, as a user would, so that
    # the update loop is exercised under the faults all the same.
    if [ "$RC" -ne 2 ] || ! grep -q "injected fault" "$TMP/p4-run.out.err"; then break; fi
    echo "  attempt $attempt gave up on an injected fault (exit 2): $(head -c 300 "$TMP/p4-run.out.err")"
  done
  fired=$(simctl faults-fired "$d")
  simctl req "$d" DELETE /_sim/faults > /dev/null || fail "4: cannot remove the faults"
  echo "  $fired injected faults fired, $attempt run(s)"
  [ "${fired:-0}" -gt 0 ]; check $? "4: faults were injected ($fired)"
  [ "$first_rc" -eq 0 ] || [ "$first_rc" -eq 1 ]
  check $? "4: the first run finished despite the faults (exit $first_rc)" "$TMP/p4-first.err"
  [ "$RC" -eq 0 ] || [ "$RC" -eq 1 ]; check $? "4: the last run finished despite the faults (exit $RC)" "$TMP/p4-run.out.err"
  expect_report_exit "4" "$TMP/p4-run.out"
  [ "$(simctl report-field "$TMP/p4-run.out" '(r.get("result"), r.get("counts", {}).get("unfinished"))')" = '["Completed", 0]' ]
  check $? "4: report Completed with nothing unfinished" "$TMP/p4-run.out.err"
  exp=$(expect_json "$TMP/p4-plan.json" 3 2 3 "$must" null null)
  invariants "4" "$d" "$s1" "$exp"
}

# ---------------------------------------------------------------- 5. concurrent run refused

part5() {
  note "5. a second run while the first holds the Lease"
  sim_start p5 --generate 100 --seed 17 --token runb=runb-token || return
  local d=$SD s1 sb0 sb1 must exp pid slowvmis a_alive rc
  local k=(--kubeconfig "$d/kubeconfig")
  sim_setup "$d" || return
  plan_json "$d" "$TMP/p5-plan.json" -A || return
  simctl strip-restart-finalizers "$d" "$TMP/p5-plan.json" > /dev/null
  # Three migrations take 900 simulated seconds (9 real ones): run A stays busy.
  slowvmis=$(simctl annotate "$d" "$TMP/p5-plan.json" 3 sim.kubevirt.io/migration-duration 900s) ||
    { fail "5: cannot annotate"; return; }
  echo "  slow migrations: $slowvmis"
  must=$(simctl must "$TMP/p5-plan.json")
  s1=$(simctl seq "$d")
  # (Bounded below: killed after 90 s at most.)
  "$TOOL" run -A --methods "$METHODS" --yes --batch-size 3 --batch-interval 2s "${k[@]}" -o json \
    > "$TMP/p5-a.out" 2> "$TMP/p5-a.out.err" < /dev/null &
  pid=$!
  BG_PIDS+=("$pid")
  # Until A has created a VMIM (seen in the audit log), 20 s at most.
  local w="0 0 0" lease_a lease_b
  for _ in $(seq 1 40); do
    w=$(simctl tool-window "$d" "$s1" 999999999)
    [ "$(echo "$w" | cut -d' ' -f2)" -gt 0 ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.3
  done
  [ "$(echo "$w" | cut -d' ' -f2)" -gt 0 ]; check $? "5: run A started migrating" "$TMP/p5-a.out.err"
  lease_a=$(simctl lease "$d")
  sb0=$(simctl seq "$d")
  # B as another user (so its requests can be told apart in the audit log), then as the same user.
  run_tool "$TMP/p5-b.out" 60 -A --methods "$METHODS" --yes --batch-size 3 --batch-interval 2s "${k[@]}" --context sim-runb -o json
  rc=$RC
  [ "$rc" -eq 2 ]; check $? "5: run B (user runb) exits 2 (got $rc)" "$TMP/p5-b.out.err"
  expect_in "$TMP/p5-b.out.err" "another run holds the Lease" "5: run B says why"
  run_tool "$TMP/p5-b2.out" 60 -A --methods "$METHODS" --yes "${k[@]}" -o json
  rc=$RC
  [ "$rc" -eq 2 ]; check $? "5: run B2 (same user as A) exits 2 (got $rc)" "$TMP/p5-b2.out.err"
  expect_in "$TMP/p5-b2.out.err" "another run holds the Lease" "5: run B2 says why"
  sb1=$(simctl seq "$d")
  lease_b=$(simctl lease "$d")
  kill -0 "$pid" 2>/dev/null
  a_alive=$?
  [ "$lease_a" = "$lease_b" ] && case $lease_a in *"/$pid' state=Running"*) true ;; *) false ;; esac
  check $? "5: the Lease stayed A's (before B: $lease_a; after B2: $lease_b)"
  check $a_alive "5: run A was still running while B and B2 were refused"
  simctl user-mutations "$d" "$sb0" "$sb1" runb > "$TMP/p5-b-muts" 2>&1
  check $? "5: run B made no change ($(head -1 "$TMP/p5-b-muts"))" "$TMP/p5-b-muts"
  "$PY" -c 'import json,sys; sys.exit(0 if "\"RunStarted\"" not in open(sys.argv[1]).read() + open(sys.argv[2]).read() else 1)' \
    "$TMP/p5-b.out" "$TMP/p5-b2.out"
  check $? "5: neither B nor B2 started a loop"
  # A goes on to the end.
  for _ in $(seq 1 900); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null
  wait "$pid"
  RC=$?
  BG_PIDS=()
  expect_report_exit "5 (run A)" "$TMP/p5-a.out"
  simctl lease "$d" > "$TMP/p5-lease"
  grep -q "holder='' state=Finished" "$TMP/p5-lease"; check $? "5: A released its Lease ($(cat "$TMP/p5-lease"))"
  exp=$(expect_json "$TMP/p5-plan.json" 3 2 3 "$must" null null)
  invariants "5 (run A, B, B2)" "$d" "$s1" "$exp"
}

# ---------------------------------------------------------------- 6. stuck VMIs

part6() {
  note "6. stuck VMIs: --max-attempts 2 --retry-backoff 1s"
  sim_start p6 --generate 10 --seed 2 --scenario "$SCEN/stuck.yaml" || return
  local d=$SD s1 exp per
  local k=(--kubeconfig "$d/kubeconfig")
  sim_setup "$d" "" || return   # knobs from the scenario
  plan_json "$d" "$TMP/p6-plan.json" -n stuck || return
  s1=$(simctl seq "$d")
  run_tool "$TMP/p6-run.out" 90 -n stuck --methods "$METHODS" --yes --max-attempts 2 --retry-backoff 1s "${k[@]}" -o json
  [ "$RC" -eq 1 ]; check $? "6: exit 1 with stuck VMIs (got $RC)" "$TMP/p6-run.out.err"
  expect_report_exit "6" "$TMP/p6-run.out"
  "$PY" - "$TMP/p6-run.out" > "$TMP/p6-stuck" 2>&1 <<'EOF'
import json, sys
lines = [l for l in open(sys.argv[1]) if l.startswith("{")]
r = json.loads(lines[-1]) if lines else {}
stuck = {e["name"]: e for e in r.get("stuck") or [] if e.get("namespace") == "stuck"}
bad = []
if sorted(stuck) != ["always-fails", "stuck-pending", "unschedulable"]:
    bad.append("stuck: %s, want always-fails, stuck-pending and unschedulable" % sorted(stuck))
for name, e in sorted(stuck.items()):
    if e.get("reason") != "MigrationFailed":
        bad.append("%s: reason %r, want MigrationFailed" % (name, e.get("reason")))
    fa = e.get("failedAttempts") or []
    if len(fa) != 2:
        bad.append("%s: %d failedAttempts, want 2" % (name, len(fa)))
    if len({a.get("migration") for a in fa}) != len(fa):
        bad.append("%s: the same migration twice in failedAttempts" % name)
    if name == "unschedulable" and not all("Unschedulable" in (a.get("reason") or "") for a in fa):
        bad.append("unschedulable: attempt reasons do not mention Unschedulable: %s" % [a.get("reason") for a in fa])
    if name == "stuck-pending" and not all("never left Pending" in (a.get("reason") or "") for a in fa):
        bad.append("stuck-pending: attempt reasons do not say the target pod never left Pending: %s"
                   % [a.get("reason") for a in fa])
if [e.get("name") for e in r.get("updated") or []] != ["healthy"]:
    bad.append("updated: %s, want healthy" % [e.get("name") for e in r.get("updated") or []])
print("\n".join(bad) if bad else "stuck: %s" % sorted(stuck))
sys.exit(1 if bad else 0)
EOF
  check $? "6: report: three stuck (MigrationFailed, 2 failed attempts each, Unschedulable / never left Pending named), healthy updated" "$TMP/p6-stuck"
  per=$(simctl tool-vmims-per-vmi "$d" "$s1" stuck)
  [ "$per" = '{"always-fails": 2, "healthy": 1, "stuck-pending": 2, "unschedulable": 2}' ]
  check $? "6: migration history: exactly 2 tool VMIMs per stuck VMI, 1 for the healthy one ($per)"
  exp=$(expect_json "$TMP/p6-plan.json" null null 2 '["stuck/healthy"]' '["stuck"]' null)
  invariants "6" "$d" "$s1" "$exp"
}

# ---------------------------------------------------------------- 7. pacing behind the rate limit

part7() {
  note "7. eviction pacing as the API server sees it, behind the client-side rate limit (--qps 2)"
  sim_start p7 --generate 10 --seed 2 --scenario "$SCEN/pacing.yaml" || return
  local d=$SD s1 must exp
  local k=(--kubeconfig "$d/kubeconfig")
  sim_setup "$d" "" || return   # knobs from the scenario
  plan_json "$d" "$TMP/p7-plan.json" -n pacing || return
  must=$(simctl must "$TMP/p7-plan.json")
  s1=$(simctl seq "$d")
  # The first batch's evictions queue behind the first wave of VMIM creates in the client's rate
  # limiter; the interval must still separate the evictions as they reach the API server.
  run_tool "$TMP/p7-run.out" 90 -n pacing --methods "$METHODS" --yes --batch-size 2 --batch-interval 2s \
    --qps 2 --burst 30 "${k[@]}" -o json
  [ "$RC" -eq 0 ]; check $? "7: exit 0: every VMI migrated or shut down as confirmed (got $RC)" "$TMP/p7-run.out.err"
  expect_report_exit "7" "$TMP/p7-run.out"
  exp=$(expect_json "$TMP/p7-plan.json" 2 2 3 "$must" '["pacing"]' null)
  invariants "7" "$d" "$s1" "$exp"
}

# sim_stop: ends this part's simulators (their state dirs stay until the end).
sim_stop() {
  local p
  for p in ${SIM_PIDS[@]+"${SIM_PIDS[@]}"}; do kill "$p" 2>/dev/null; done
  for p in ${SIM_PIDS[@]+"${SIM_PIDS[@]}"}; do wait "$p" 2>/dev/null; done
  SIM_PIDS=()
}

for part in $PARTS; do
  "part$part"
  sim_stop
done
note "done"
finish

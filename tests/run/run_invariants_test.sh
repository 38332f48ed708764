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
. "$HERE/sim_lib.sh"
PARTS=${RUN_INVARIANTS_PARTS:-1 2 3 4 5 6 7}

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
  # Three migrations take 2400 simulated seconds (24 real ones): run A stays busy while B and B2, each
  # a whole start-up with its preflight, are refused, even on a loaded machine.
  slowvmis=$(simctl annotate "$d" "$TMP/p5-plan.json" 3 sim.kubevirt.io/migration-duration 2400s) ||
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

run_parts

# Shared by the `run` end-to-end scripts (run_invariants_test.sh, fidelity_test.sh): simulators in
# $TMP, the simctl.py client, the tool in the foreground, and the invariant checker.
# Source after tests/cli/lib.sh with TOOL, SIM and HERE set; defines SIM_PIDS, BG_PIDS, START.
SCEN="$HERE/scenarios"
PY=${PYTHON:-python3}
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


export CHECK_DIR="$HERE"
simctl() { timeout 120 "$PY" "$HERE/simctl.py" "$@"; }

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

# sim_stop: ends this part's simulators (their state dirs stay until the end).
sim_stop() {
  local p
  for p in ${SIM_PIDS[@]+"${SIM_PIDS[@]}"}; do kill "$p" 2>/dev/null; done
  for p in ${SIM_PIDS[@]+"${SIM_PIDS[@]}"}; do wait "$p" 2>/dev/null; done
  SIM_PIDS=()
}

# run_parts: each part of $PARTS on its own simulators, then the tally.
run_parts() {
  local part
  for part in $PARTS; do
    "part$part"
    sim_stop
  done
  note "done"
  finish
}

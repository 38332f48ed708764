#!/usr/bin/env bash
# `plan` and `run` against a cluster that moves, end to end on kubevirt-sim. Judged by
# tests/run/fidelity_checks.py from the simulator's audit log, migration history and objects; the
# tool's output is read only for its report's stuck/skipped lists and its exit status.
#
#   bash fidelity_test.sh KUBECTL_WORKLOAD_UPDATE KUBEVIRT_SIM
#
# Parts (each on its own simulator, --tick-ms 20):
#   1 a KubeVirt rollout to a new launcher image in the middle of `run`: no VMIM is created while
#     KubeVirt is not Deployed, every Running VMI ends on the new image or is reported, and no VMI
#     is migrated more than once per target image
#   2 HCO and the KubeVirt CR drifted (HCO's jsonpatch annotation): `plan` shows the drift and
#     predicts from the KubeVirt CR; the simulator's own updater, switched on, migrates, tries to
#     evict and shuts down in its first pass exactly the VMIs `plan` named
#   3 five foreign VMIMs stuck Pending (target pods over quota) do not stop `run` (their VMIs are
#     reported stuck after --pending-timeout, the VMIMs left alone); its own VMIM stuck Pending is
#     deleted after --pending-timeout and the attempt names the VMIM's condition
#   4 `plan`'s migration waves and eviction batches are what `run` does on the same fleet,
#     EvictionTriggersMigration VMIs included
# Prints "N passed, M failed"; exit 0 only if all pass. About 2 minutes on 2 busy cores.
# FIDELITY_PARTS="1 3" runs only some parts; RUN_INVARIANTS_KEEP=1 keeps $TMP.
TOOL=${1:?usage: fidelity_test.sh KUBECTL_WORKLOAD_UPDATE KUBEVIRT_SIM}
SIM=${2:?usage: fidelity_test.sh KUBECTL_WORKLOAD_UPDATE KUBEVIRT_SIM}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../cli/lib.sh
. "$HERE/../cli/lib.sh"
# shellcheck source=sim_lib.sh
. "$HERE/sim_lib.sh"
PARTS=${FIDELITY_PARTS:-1 2 3 4}
judge() { timeout 120 "$PY" "$HERE/fidelity_checks.py" "$@"; }
HCO_PATH=/apis/hco.kubevirt.io/v1beta1/namespaces/openshift-cnv/hyperconvergeds/kubevirt-hyperconverged
NEW_IMAGE=quay.io/kubevirt/virt-launcher:v1.9.1

# judged LABEL CHECK ARGS...: one test from a fidelity check, its details shown on failure.
judged() {
  local label=$1
  shift
  judge "$@" > "$TMP/judge.out" 2>&1
  check $? "$label: $(head -1 "$TMP/judge.out")" "$TMP/judge.out"
}

# run_bg OUT SECONDS args...: `run` in the background (bounded); its exit status lands in OUT.rc.
run_bg() {
  local out=$1 t=$2
  shift 2
  ( timeout -k 5 "$t" "$TOOL" run "$@" > "$out" 2> "$out.err" < /dev/null; echo $? > "$out.rc" ) &
  BG_PIDS+=("$!")
}

# wait_for SECONDS COMMAND...: polls COMMAND every 0.1 s until it succeeds; status 1 at the deadline.
wait_for() {
  local end=$(( $(date +%s) + $1 ))
  shift
  until "$@" > /dev/null 2>&1; do
    [ "$(date +%s)" -lt "$end" ] || return 1
    sleep 0.1
  done
}

tool_creates_at_least() { local c; c=$(simctl tool-window "$1" "$2" 999999999 | awk '{print $2}'); [ "${c:-0}" -ge "$3" ]; }

# ---------------------------------------------------------------- 1. rollout during run

part1() {
  note "1. a KubeVirt rollout to $NEW_IMAGE while run -A --methods LiveMigrate is migrating"
  sim_start f1 --generate 120 --seed 21 || return
  local d=$SD s1 rc
  local k=(--kubeconfig "$d/kubeconfig")
  sim_setup "$d" '{"timeScale":50,"migrationDuration":{"min":"20s","max":"40s"},"schedulingDelay":"2s","preparationDelay":"1s","restartDelay":"5s"}' || return
  s1=$(simctl seq "$d")
  run_bg "$TMP/f1-run.out" 150 -A --methods LiveMigrate --yes --qps 100 --burst 200 "${k[@]}" -o json
  if ! wait_for 60 tool_creates_at_least "$d" "$s1" 10; then fail "1: the run created no 10 VMIMs within 60 s"; return; fi
  # 300 simulated seconds: about 6 real seconds of rollout while the run is busy.
  simctl req "$d" POST /_sim/rollout "{\"launcherImage\":\"$NEW_IMAGE\",\"durationSeconds\":300}" > "$TMP/f1-rollout" ||
    { fail "1: cannot start the rollout"; cat "$TMP/f1-rollout" >&2; return; }
  wait_for 160 test -f "$TMP/f1-run.out.rc"
  rc=$(cat "$TMP/f1-run.out.rc" 2> /dev/null || echo none)
  RC=$rc
  expect_report_exit "1" "$TMP/f1-run.out"
  [ "$(simctl report-field "$TMP/f1-run.out" 'r.get("result")')" = '"Completed"' ]
  check $? "1: report result Completed (exit $rc)" "$TMP/f1-run.out.err"
  judged "1: no VMIM while rolling out" no-create-while-rolling "$d" "$s1" 0.5
  judged "1: on the new image" on-image "$d" "$TMP/f1-run.out" "$NEW_IMAGE"
  judged "1: once per image" once-per-image "$d" "$s1"
  # The tool said what it did (its own output, secondary to the audit log above).
  grep -q '"event":"Paused"' "$TMP/f1-run.out" && grep -q '"event":"Resumed"' "$TMP/f1-run.out" &&
    grep -q '"event":"LauncherImageChanged"' "$TMP/f1-run.out"
  check $? "1: the run reported Paused, Resumed and LauncherImageChanged" "$TMP/f1-run.out"
}

# ---------------------------------------------------------------- 2. drift and the in-cluster updater

part2() {
  note "2. HCO [LiveMigrate], KubeVirt CR [LiveMigrate, Evict] through jsonpatch; the in-cluster updater's first pass"
  sim_start f2 --generate 60 --seed 3 || return
  local d=$SD s1 patch
  # HCO keeps [LiveMigrate]; its jsonpatch gives the KubeVirt CR Evict too, and limits high enough
  # for one updater pass to take every VMI (so the pass is not a random draw).
  patch='[{"op":"replace","path":"/spec/workloadUpdateStrategy/workloadUpdateMethods","value":["LiveMigrate","Evict"]},{"op":"replace","path":"/spec/workloadUpdateStrategy/batchEvictionSize","value":1000},{"op":"replace","path":"/spec/configuration/migrations/parallelMigrationsPerCluster","value":1000}]'
  "$PY" -c 'import json,sys; print(json.dumps({"metadata":{"annotations":{"kubevirt.kubevirt.io/jsonpatch":sys.argv[1]}}}))' "$patch" > "$TMP/f2-ann.json"
  simctl req "$d" PATCH "$HCO_PATH" "$(cat "$TMP/f2-ann.json")" application/merge-patch+json > /dev/null ||
    { fail "2: cannot annotate the HyperConverged CR"; return; }
  # KubeVirt stands still while `plan` looks (its controllers frozen), then the updater starts.
  simctl req "$d" POST /_sim/knobs '{"kubevirtControllers":false}' > /dev/null
  wait_for 10 sh -c "timeout 20 '$PY' '$HERE/simctl.py' req '$d' GET /apis/kubevirt.io/v1/kubevirts | grep -q '\"Evict\"'" ||
    { fail "2: the simulated HCO did not apply the jsonpatch"; return; }
  timeout 60 "$TOOL" plan -A -o json --kubeconfig "$d/kubeconfig" > "$TMP/f2-plan.json" 2> "$TMP/f2-plan.err" ||
    { fail "2: plan: exit $?"; sed 's/^/  | /' "$TMP/f2-plan.err" >&2; return; }
  judged "2: plan shows the drift" drift-warning "$TMP/f2-plan.json"
  s1=$(simctl seq "$d")
  simctl req "$d" POST /_sim/knobs '{"kubevirtControllers":true,"inClusterUpdater":true}' > /dev/null
  wait_for 20 sh -c "timeout 20 '$PY' '$HERE/simctl.py' req '$d' GET '/_sim/audit?since=$s1' | grep -q workload-updater" ||
    { fail "2: the in-cluster updater did nothing within 20 s"; return; }
  sleep 1
  judged "2: the updater's first pass is the plan" first-pass-equals-plan "$d" "$s1" "$TMP/f2-plan.json"
}

# ---------------------------------------------------------------- 3. foreign Pending VMIMs

part3() {
  note "3. five foreign VMIMs stuck Pending; the run's own stuck Pending VMIM after --pending-timeout 3s"
  sim_start f3 --generate 60 --seed 9 || return
  local d=$SD s1 picked i ns name
  local k=(--kubeconfig "$d/kubeconfig")
  local METHODS=LiveMigrate   # plan_json's --methods
  sim_setup "$d" || return
  plan_json "$d" "$TMP/f3-plan.json" -A || return
  # Six migratable VMIs whose target pods a ResourceQuota refuses: five get an admin's VMIM, the
  # sixth is left for the run.
  picked=$(simctl annotate "$d" "$TMP/f3-plan.json" 6 sim.kubevirt.io/target-pod QuotaExceeded)
  i=0
  for vmi in $("$PY" -c 'import json,sys; print(" ".join(json.loads(sys.argv[1])[:5]))' "$picked"); do
    ns=${vmi%/*}
    name=${vmi#*/}
    simctl req "$d" POST "/apis/kubevirt.io/v1/namespaces/$ns/virtualmachineinstancemigrations" \
      "{\"apiVersion\":\"kubevirt.io/v1\",\"kind\":\"VirtualMachineInstanceMigration\",\"metadata\":{\"name\":\"admin-move-$i\"},\"spec\":{\"vmiName\":\"$name\"}}" > /dev/null ||
      { fail "3: cannot create the foreign VMIM for $vmi"; return; }
    i=$((i + 1))
  done
  wait_for 20 judge foreign-pending "$d" "$picked"
  judged "3: before the run" foreign-pending "$d" "$picked"
  s1=$(simctl seq "$d")
  run_tool "$TMP/f3-run.out" 120 -A --methods LiveMigrate --yes --pending-timeout 3s --max-attempts 1 --qps 50 --burst 100 \
    "${k[@]}" -o json
  [ "$RC" -eq 1 ]; check $? "3: exit 1: six VMIs stuck, the rest done (got $RC)" "$TMP/f3-run.out.err"
  expect_report_exit "3" "$TMP/f3-run.out"
  judged "3: pending clean-up" pending-cleanup "$d" "$s1" "$picked" "$TMP/f3-run.out"
  judged "3: after the run" foreign-pending "$d" "$picked"
  local must exp
  must=$("$PY" -c 'import json,sys; p=json.load(open(sys.argv[1]))["vmis"]; x=set(json.loads(sys.argv[2]));
print(json.dumps([v["namespace"]+"/"+v["name"] for v in p if v["action"]=="LiveMigrate" and v["reason"]=="LiveMigratable" and v["namespace"]+"/"+v["name"] not in x]))' \
    "$TMP/f3-plan.json" "$picked")
  exp=$(expect_json "$TMP/f3-plan.json" null null 1 "$must" null null)
  invariants "3" "$d" "$s1" "$exp" updated
}

# ---------------------------------------------------------------- 4. plan's schedule is run's

part4() {
  note "4. plan's waves (LiveMigrate) and batches (Evict, EvictionTriggersMigration included) against run's"
  # Every migration takes the same time, so the run's VMIM creates come in rounds as plan's waves do.
  local fixed='{"timeScale":20,"migrationDuration":"30s","schedulingDelay":"2s","preparationDelay":"1s","restartDelay":"5s"}'
  sim_start f4a --generate 100 --seed 5 || return
  local d=$SD s1 n
  local k=(--kubeconfig "$d/kubeconfig")
  sim_setup "$d" "$fixed" || return
  # As many outbound migrations per node as per cluster: the waves are then decided by the cluster
  # limit and the queue's order alone, so a round's migrations ending a tick apart (the run admits
  # as each slot frees; the waves assume they end together) cannot reorder them. The per-node limit
  # in admission is covered by the unit tests (MigrationQueue).
  simctl req "$d" PATCH "$HCO_PATH" '{"spec":{"liveMigrationConfig":{"parallelOutboundMigrationsPerNode":5}}}' \
    application/merge-patch+json > /dev/null || { fail "4: cannot set the per-node limit"; return; }
  wait_for 10 sh -c "timeout 20 '$PY' '$HERE/simctl.py' req '$d' GET /apis/kubevirt.io/v1/kubevirts | grep -q '\"parallelOutboundMigrationsPerNode\":5'" ||
    { fail "4: the simulated HCO did not reconcile the per-node limit"; return; }
  n=$(simctl req "$d" GET /apis/kubevirt.io/v1/virtualmachineinstancemigrations | "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))')
  [ "$n" = 0 ]; check $? "4: the fleet has no migration in flight that would free a slot at a random time (got $n)"
  local METHODS=LiveMigrate
  plan_json "$d" "$TMP/f4a-plan.json" -A || return
  s1=$(simctl seq "$d")
  run_tool "$TMP/f4a-run.out" 120 -A --methods LiveMigrate --yes --qps 100 --burst 200 "${k[@]}" -o json
  expect_report_exit "4 (waves)" "$TMP/f4a-run.out"
  judged "4: waves" waves-equal "$d" "$s1" "$TMP/f4a-plan.json" 0.8
  sim_stop

  sim_start f4b --generate 40 --seed 6 || return
  d=$SD
  k=(--kubeconfig "$d/kubeconfig")
  sim_setup "$d" || return
  METHODS=Evict
  plan_json "$d" "$TMP/f4b-plan.json" -A --batch-size 4 --batch-interval 3s || return
  simctl strip-restart-finalizers "$d" "$TMP/f4b-plan.json" > /dev/null
  s1=$(simctl seq "$d")
  run_tool "$TMP/f4b-run.out" 120 -A --methods Evict --yes --batch-size 4 --batch-interval 3s --qps 100 --burst 200 \
    "${k[@]}" -o json
  expect_report_exit "4 (batches)" "$TMP/f4b-run.out"
  judged "4: batches" batches-equal "$d" "$s1" "$TMP/f4b-plan.json" 1.5
}

run_parts

#!/usr/bin/env bash
# Hostile API bodies: kubevirt-sim's "corrupt" fault puts a deep array (100,000 levels), a 16 MiB
# string, bytes that are not UTF-8, or the number 1e400 into the first object of a list, or into the
# next object of a watch. `plan` and `run` never crash, hang or print partial JSON: they exit 2 with a
# message naming what was malformed, or go on when the bad field is one they do not read.
# Usage: hostile_api_test.sh BINARY SIM_BINARY
B=$1 SIM=$2
. "$(dirname "$0")/lib.sh"
printf 'knobs:\n  timeScale: 100\n  migrationDuration: 20s\n  schedulingDelay: 1s\n  preparationDelay: 1s\n' > "$TMP/knobs.yaml"
# A generated fleet with ~150 outdated migratable VMIs: each run below that stops early leaves work.
start_sim "$SIM" --generate 300 --seed 3 --scenario "$TMP/knobs.yaml" --tick-ms 20
export KUBECONFIG="$KCFG"

fault() { sim_api DELETE /_sim/faults > /dev/null && sim_api POST /_sim/faults "$1" > /dev/null || fail "cannot set the fault $1"; }

# json_lines FILE: every line of FILE is a whole JSON value (no partial output).
json_lines() {
  python3 - "$1" <<'PY'
import json, sys
for n, line in enumerate(open(sys.argv[1], "rb"), 1):
    if line.strip():
        json.loads(line)
PY
}

# The KubeVirt CR's methods emptied on the HyperConverged CR (HCO copies them), so `run` needs --methods.
updater_off

# ---- plan: the first VMI of the list is hostile
for kind in deepObject invalidUtf8; do
  fault "{\"rules\":[{\"resource\":\"virtualmachineinstances\",\"verb\":\"list\",\"corrupt\":\"$kind\",\"count\":1}]}"
  timeout 60 "$B" plan -A -o json > "$TMP/plan.out" 2> "$TMP/plan.err" < /dev/null
  rc=$?
  [ "$rc" -eq 2 ] && pass || { fail "plan, list with $kind: exit $rc, want 2"; sed 's/^/  | /' "$TMP/plan.err" | head -5 >&2; }
  [ ! -s "$TMP/plan.out" ] && pass || fail "plan, list with $kind: something on stdout"
  expect_in "$TMP/plan.err" "item 1 of the list of virtualmachineinstances is malformed" "plan, list with $kind: the item named"
  expect_in "$TMP/plan.err" "retry, and report it if it persists" "plan, list with $kind: what to do"
  expect_not_in "$TMP/plan.err" "simdjson" "plan, list with $kind: no library name"
done
# A field the tool does not read: a 16 MiB string or 1e400 there is skipped, as client-go's typed
# decoding skips unknown fields.
for kind in hugeString numberOverflow; do
  fault "{\"rules\":[{\"resource\":\"virtualmachineinstances\",\"verb\":\"list\",\"corrupt\":\"$kind\",\"count\":1}]}"
  timeout 60 "$B" plan -A -o json > "$TMP/plan.out" 2> "$TMP/plan.err" < /dev/null
  rc=$?
  [ "$rc" -eq 0 ] && pass || { fail "plan, list with $kind in an unread field: exit $rc, want 0"; sed 's/^/  | /' "$TMP/plan.err" | head -5 >&2; }
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["vmis"] else 1)' "$TMP/plan.out" && pass ||
    fail "plan, list with $kind: no plan on stdout"
done
# A hostile KubeVirt CR (read whole, not streamed): the depth guard, then the number guard.
for kind in deepObject numberOverflow; do
  fault "{\"rules\":[{\"resource\":\"kubevirts\",\"verb\":\"list\",\"corrupt\":\"$kind\",\"count\":1}]}"
  timeout 60 "$B" plan -A -o json > "$TMP/plan.out" 2> "$TMP/plan.err" < /dev/null
  rc=$?
  [ "$rc" -eq 2 ] && pass || { fail "plan, KubeVirt CR with $kind: exit $rc, want 2"; sed 's/^/  | /' "$TMP/plan.err" | head -5 >&2; }
  [ ! -s "$TMP/plan.out" ] && pass || fail "plan, KubeVirt CR with $kind: something on stdout"
  expect_in "$TMP/plan.err" "a page of kubevirts is not JSON" "plan, KubeVirt CR with $kind: the resource named"
  expect_in "$TMP/plan.err" "retry, and report it if it persists" "plan, KubeVirt CR with $kind: what to do"
  expect_not_in "$TMP/plan.err" "json.exception" "plan, KubeVirt CR with $kind: no raw library error"
done

# ---- run: the next VMI watch event is hostile (the watch is opened after the first list)
for kind in deepObject invalidUtf8 numberOverflow; do
  fault "{\"rules\":[{\"resource\":\"virtualmachineinstances\",\"verb\":\"watch\",\"corrupt\":\"$kind\",\"count\":1}]}"
  timeout -k 5 90 "$B" run -A --methods LiveMigrate --yes -o json > "$TMP/run.out" 2> "$TMP/run.err" < /dev/null
  rc=$?
  [ "$rc" -eq 2 ] && pass || { fail "run, watch event with $kind: exit $rc, want 2"; sed 's/^/  | /' "$TMP/run.err" | head -5 >&2; }
  expect_in "$TMP/run.err" "watching virtualmachineinstances failed: malformed watch event from the server" \
    "run, watch event with $kind: the watch named"
  expect_not_in "$TMP/run.err" "json.exception" "run, watch event with $kind: no raw library error"
  json_lines "$TMP/run.out" && pass || fail "run, watch event with $kind: a partial JSON line on stdout"
  # The Lease is released: the next run is not refused.
  kubectl get lease -n kubevirt kubectl-workload-update -o jsonpath='{.spec.holderIdentity}' > "$TMP/holder" 2>/dev/null
  [ ! -s "$TMP/holder" ] && pass || fail "run, watch event with $kind: the Lease is still held by $(cat "$TMP/holder")"
done
# A 16 MiB string in a field the tool does not read: the run goes on to the end.
fault '{"rules":[{"resource":"virtualmachineinstances","verb":"watch","corrupt":"hugeString","count":1}]}'
timeout -k 5 120 "$B" run -A --methods LiveMigrate --yes -o json > "$TMP/run.out" 2> "$TMP/run.err" < /dev/null
rc=$?
[ "$rc" -eq 0 ] || [ "$rc" -eq 1 ] && pass || { fail "run, watch event with hugeString: exit $rc, want 0 or 1"; sed 's/^/  | /' "$TMP/run.err" | head -5 >&2; }
tail -1 "$TMP/run.out" | grep -q '"kind":"WorkloadUpdateRunReport"' && pass || fail "run, watch event with hugeString: no report"
sim_api GET /_sim/faults | python3 -c 'import json,sys; f=json.load(sys.stdin); sys.exit(0 if f["rules"][0]["fired"] == 1 else 1)' && pass ||
  fail "run, watch event with hugeString: the fault never fired"
finish

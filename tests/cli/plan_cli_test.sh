#!/usr/bin/env bash
# `plan` end to end against kubevirt-sim running the demo fleet: the decisions, the JSON contract,
# the same plan from a `kubectl get -o json` dump as from the live cluster, scope, what-ifs, exit codes.
# Usage: plan_cli_test.sh BINARY SIM_BINARY FLEET_SCENARIO
B=$1 SIM=$2 FLEET=$3
. "$(dirname "$0")/lib.sh"
start_sim "$SIM" --scenario "$FLEET"
export KUBECONFIG="$KCFG"

row() {  # row NAMESPACE NAME ACTION REASON: the table has that line
  if awk -v ns="$1" -v n="$2" -v a="$3" -v r="$4" '$1==ns && $2==n && $4==a && $5==r {found=1} END {exit !found}' "$TMP/out"; then
    pass
  else
    fail "row $1/$2 is not $3 $4"; grep -F "$2" "$TMP/out" >&2
  fi
}

expect_status 0 "plan -A" -- "$B" plan -A
row web web-00 LiveMigrate LiveMigratable
row web web-11 None UpToDate
row web web-migrating Skip MigrationInProgress
row web web-queued Skip MigrationInProgress
row web web-cpu-hotplug LiveMigrate LiveMigratable
row databases oracle-sriov Skip EvictionBlocked
row databases redis-external Skip ExternalEviction
row legacy erp-always Evict NotLiveMigratable
row legacy starting None NotRunning
row legacy being-deleted None Terminating
expect_in "$TMP/out" "41 VMIs, 29 outdated: 18 LiveMigrate, 5 Evict (3 stay down), 6 Skip, 12 None." "summary line"
expect_in "$TMP/out" "Strategy from KubeVirt kubevirt/kubevirt-kubevirt-hyperconverged" "strategy source"

expect_status 0 "what if Evict only" -- "$B" plan -A --methods Evict
row databases pg-00 LiveMigrate EvictionTriggersMigration
row legacy app-migratable-none Evict LiveMigrateNotEnabled
expect_status 0 "what if LiveMigrate only" -- "$B" plan -A --methods LiveMigrate
row legacy erp-always Skip NotLiveMigratable
expect_status 0 "what if no methods" -- "$B" plan -A --methods=
row web web-00 Skip NoUpdateMethods
expect_in "$TMP/out" "workload updater is not active" "updater state shown"
expect_status 0 "what if no migrations" -- "$B" plan -A --parallel-migrations 0
row web web-00 Skip MigrationsDisabled
expect_status 0 "what if no evictions" -- "$B" plan -A --batch-size 0
row legacy erp-always Skip EvictionDisabled
expect_status 0 "pre-upgrade" -- "$B" plan -A --pre-upgrade
row web web-11 LiveMigrate LiveMigratable

expect_status 0 "wide" -- "$B" plan -A -o wide
awk '$2=="batch-rerun" {print}' "$TMP/out" | grep -q "RerunOnFailure *StaysDown" && pass || fail "wide shows StaysDown for RerunOnFailure"
awk '$2=="erp-always" {print}' "$TMP/out" | grep -q "Always *Restart" && pass || fail "wide shows Restart for Always"

# Scope.
expect_status 0 "-n legacy" -- "$B" plan -n legacy
expect_not_in "$TMP/out" "web-00" "other namespaces excluded"
expect_in "$TMP/out" "erp-always" "namespace included"
expect_status 0 "-l" -- "$B" plan -A -l app=pg
[ "$(grep -c '^databases *pg-' "$TMP/out")" -eq 4 ] && pass || fail "-l app=pg selects the 4 pg VMIs"

# JSON contract.
expect_status 0 "json" -- "$B" plan -A -o json
cp "$TMP/out" "$TMP/live.json"
python3 - "$TMP/live.json" <<'PY' && pass || fail "plan JSON contract"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["kind"] == "WorkloadUpdatePlan"
for k in ["from", "workloadUpdateMethods", "batchEvictionSize", "batchEvictionInterval", "parallelMigrationsPerCluster",
          "parallelOutboundMigrationsPerNode", "evictionStrategy"]:
    assert k in d["strategy"], k
assert set(d["updater"]) >= {"active", "reason"}
for k in ["vmis", "outdated", "LiveMigrate", "Evict", "Skip", "None", "staysDown"]:
    assert k in d["summary"], k
for k in ["namespace", "name", "node", "phase", "outdated", "trigger", "action", "reason", "message", "migratable",
          "blockers", "evictionStrategy", "runStrategy", "afterEviction", "wave", "batch"]:
    assert k in d["vmis"][0], k
assert set(d["schedule"]) >= {"migrationWaves", "evictionBatches", "estimatedDuration"}
assert d["summary"]["vmis"] == 41 and d["summary"]["staysDown"] == 3
waves = {}
for v in d["vmis"]:
    if v["action"] == "LiveMigrate":
        waves.setdefault(v["wave"], []).append(v["node"])
for w, nodes in waves.items():
    assert len(nodes) <= d["strategy"]["parallelMigrationsPerCluster"], (w, nodes)
    for n in set(nodes):
        assert nodes.count(n) <= d["strategy"]["parallelOutboundMigrationsPerNode"], (w, n)
batches = [v["batch"] for v in d["vmis"] if v["action"] == "Evict"]
assert max(batches) == d["schedule"]["evictionBatches"]
PY
expect_status 0 "yaml" -- "$B" plan -A -o yaml
expect_in "$TMP/out" "kind: WorkloadUpdatePlan" "yaml kind"

# The same plan from a dump as from the live cluster.
if command -v kubectl >/dev/null; then
  kubectl get kubevirt,hyperconverged,vmi,vm,vmim,pods,nodes,deployments -A -o json > "$TMP/dump.json" 2> "$TMP/err" && pass || fail "kubectl dump"
  expect_status 0 "plan from a JSON dump" -- "$B" plan -A --from-file "$TMP/dump.json" -o json
  cp "$TMP/out" "$TMP/offline.json"
  python3 - "$TMP/live.json" "$TMP/offline.json" <<'PY' && pass || fail "live and dump plans are identical"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for k in ["strategy", "updater", "summary", "vmis", "schedule"]:
    assert a[k] == b[k], k
PY
  kubectl get kubevirt,hyperconverged,vmi,vm,vmim,pods,nodes,deployments -A -o yaml > "$TMP/dump.yaml"
  expect_status 0 "plan from a YAML dump" -- "$B" plan -A --from-file "$TMP/dump.yaml" -o json
  python3 - "$TMP/live.json" "$TMP/out" <<'PY' && pass || fail "YAML dump gives the same plan"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
assert a["vmis"] == b["vmis"] and a["summary"] == b["summary"]
PY
  # Two KubeVirt CRs: no prediction is possible.
  python3 - "$TMP/dump.json" > "$TMP/two.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
kv = [i for i in d["items"] if i["kind"] == "KubeVirt"][0]
extra = json.loads(json.dumps(kv)); extra["metadata"]["name"] = "second"
d["items"].append(extra)
print(json.dumps(d))
PY
  expect_status 2 "two KubeVirt CRs" -- "$B" plan -A --from-file "$TMP/two.json"
  expect_in "$TMP/err" "2 KubeVirt CRs found" "clear message"
fi

# --fail-on for pre-upgrade scripts.
expect_status 1 "--fail-on=evict" -- "$B" plan -A --fail-on=evict
expect_status 1 "--fail-on=stays-down" -- "$B" plan -A --fail-on stays-down
expect_status 0 "--fail-on=evict with no evictions" -- "$B" plan -n web --fail-on=evict
expect_status 1 "--fail-on=skip" -- "$B" plan -n web --fail-on=evict,skip
expect_status 2 "--fail-on=bogus" -- "$B" plan -A --fail-on=bogus
expect_status 2 "bad --methods" -- "$B" plan -A --methods livemigrate
expect_status 2 "bad --batch-interval" -- "$B" plan -A --batch-interval 1d
expect_in "$TMP/err" "time: unknown unit \"d\"" "Go's duration error"
expect_status 2 "bad -o" -- "$B" plan -A -o junit
expect_status 2 "unreadable dump" -- "$B" plan --from-file "$TMP/missing.json"
# HCO and the KubeVirt CR drifted through HCO's jsonpatch annotation: plan predicts from the KubeVirt
# CR, which KubeVirt acts on, and names every differing field (issue: fidelity under real dynamics).
if command -v kubectl >/dev/null; then
  kubectl patch hyperconverged -n openshift-cnv kubevirt-hyperconverged --type merge \
    -p '{"metadata":{"annotations":{"kubevirt.kubevirt.io/jsonpatch":"[{\"op\":\"add\",\"path\":\"/spec/workloadUpdateStrategy/batchEvictionSize\",\"value\":7}]"}}}' \
    > /dev/null && pass || fail "patch HCO with a jsonpatch"
  for _ in $(seq 1 100); do
    [ "$(kubectl get kubevirt -A -o jsonpath='{.items[0].spec.workloadUpdateStrategy.batchEvictionSize}')" = 7 ] && break
    sleep 0.1
  done
  expect_status 0 "plan -o json with drift" -- "$B" plan -A -o json
  python3 - "$TMP/out" <<'PY' && pass || fail "plan predicts from the KubeVirt CR and reports the drift"
import json, sys
p = json.load(open(sys.argv[1]))
assert p["strategy"]["batchEvictionSize"] == 7, p["strategy"]
w = [x for x in p["warnings"] if x["code"] == "KubeVirtDrift"]
assert any(x["path"] == "spec.workloadUpdateStrategy.batchEvictionSize" for x in w), p["warnings"]
assert all("kubevirt.kubevirt.io/jsonpatch" in (x["hint"] or "") for x in w), w
assert all("execution" in v for v in p["vmis"])
PY
  expect_status 0 "plan text with drift" -- "$B" plan -A
  expect_in "$TMP/out" "Warning (KubeVirtDrift)" "drift shown in the text output"
  kubectl patch hyperconverged -n openshift-cnv kubevirt-hyperconverged --type merge \
    -p '{"metadata":{"annotations":{"kubevirt.kubevirt.io/jsonpatch":null}}}' > /dev/null && pass || fail "drop the jsonpatch"
fi
finish

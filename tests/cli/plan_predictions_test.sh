#!/usr/bin/env bash
# `plan --from-file` end to end on tests/data/predictions-dump.yaml: KubeVirt's migration-controller
# blockers (`controllerBlockers[]`), the migration estimate (`estimatedMigrationSeconds`,
# `migrationEstimate`, `migrationTimeoutRisk`) and the disruption-budget predictions (`evictionBlockers[]`)
# in -o json and in the text, through the binary's dump path; no simulator.
# Usage: plan_predictions_test.sh BINARY DATA_DIR
B=$1 DATA=$2
. "$(dirname "$0")/lib.sh"
DUMP="$DATA/predictions-dump.yaml"

expect_status 0 "plan -o json" -- "$B" plan -A --from-file "$DUMP" -o json
python3 - "$TMP/out" <<'PY' && pass || fail "predictions in the plan JSON"
import json, sys
p = json.load(open(sys.argv[1]))
v = {x["name"]: x for x in p["vmis"]}
def codes(name, field): return [b["code"] for b in v[name][field]]
for x in p["vmis"]:
    assert isinstance(x["controllerBlockers"], list) and isinstance(x["evictionBlockers"], list), x["name"]
    assert all(set(b) == {"code", "message"} for b in x["controllerBlockers"] + x["evictionBlockers"])
assert codes("multi-pod", "controllerBlockers") == ["MultipleLauncherPods"]
assert codes("stale", "controllerBlockers") == ["StaleMigrationState"]
assert v["stale"]["reason"] == "MigrationInProgress" and v["stale"]["estimatedMigrationSeconds"] is None
assert codes("backup", "controllerBlockers") == ["BackupInProgress"]
assert "nightly-0412" in v["backup"]["controllerBlockers"][0]["message"]
assert codes("utility", "controllerBlockers") == ["UtilityVolumes"]
assert "fails after 60s" in v["utility"]["controllerBlockers"][0]["message"]
assert codes("small", "controllerBlockers") == [] and v["small"]["blockers"] == []
# Estimates: 2Gi at the assumed link (10 Gbit/s shared by 2 outbound migrations), 20 s of setup.
assert v["small"]["estimatedMigrationSeconds"] == 24, v["small"]["estimatedMigrationSeconds"]
e = v["small"]["migrationEstimate"]
assert e["assumedLinkSpeed"] is True and e["migrationPolicy"] is None and e["memoryBytes"] == 2 << 30, e
assert e["completionTimeoutSeconds"] == 450 and v["small"]["migrationTimeoutRisk"] is None
a = v["archive"]
assert a["migrationEstimate"]["migrationPolicy"] == "slow-links", a["migrationEstimate"]
assert a["migrationEstimate"]["bytesPerSecond"] == 5 << 20 and a["migrationEstimate"]["assumedLinkSpeed"] is False
assert a["migrationTimeoutRisk"]["code"] == "CompletionTimeoutExceeded" and a["migrationTimeoutRisk"]["abortedAtTimeout"]
assert a["estimatedMigrationSeconds"] == 20 + 2700  # it ends, aborted, at the timeout
# The schedule: one wave, as long as its longest migration.
assert p["schedule"]["migrationWaves"] == 1 and p["schedule"]["estimatedDurationSeconds"] == 2720, p["schedule"]
# Budgets: the one that allows nothing; two that select the pod; KubeVirt's own is left out.
assert codes("erp", "evictionBlockers") == ["EvictionRefusedByPDB"], v["erp"]["evictionBlockers"]
assert "erp-pdb" in v["erp"]["evictionBlockers"][0]["message"]
assert "kubevirt-disruption-budget" not in v["erp"]["evictionBlockers"][0]["message"]
assert codes("crm", "evictionBlockers") == ["MultiplePodDisruptionBudgets"]
assert "crm-by-uid, crm-pdb" in v["crm"]["evictionBlockers"][0]["message"]
assert v["erp"]["estimatedMigrationSeconds"] is None and v["erp"]["migrationEstimate"] is None
# The dump has MigrationPolicies, VMIMs and budgets: nothing to warn about (it has no nodes: placement
# is not judged, which is TARGET PLACEMENT's warning, not these).
mine = {"NoMigrationPolicies", "NoNamespaceLabels", "NoDisruptionBudgets"}
assert [w["code"] for w in p["warnings"] if w["code"] in mine] == [], p["warnings"]
PY

expect_status 0 "plan text" -- "$B" plan -A --from-file "$DUMP"
expect_in "$TMP/out" "Blocked in KubeVirt's migration controller:" "controller heading"
expect_in "$TMP/out" "  web/multi-pod: MultipleLauncherPods (2 active launcher pods (virt-launcher-multi-pod-aaaaa on worker-1, virt-launcher-multi-pod-bbbbb on worker-0)" "extra pods named"
expect_in "$TMP/out" "  web/stale: StaleMigrationState (" "stale migrationState"
expect_in "$TMP/out" "Evictions refused:" "budget heading"
expect_in "$TMP/out" "  legacy/erp: EvictionRefusedByPDB (PodDisruptionBudget erp-pdb selects its launcher pod virt-launcher-erp-hhhhh and allows no disruption" "budget named"
expect_in "$TMP/out" "Migration timeouts:" "timeout heading"
expect_in "$TMP/out" "  files/archive: CompletionTimeoutExceeded (one copy of its 16.0 GiB of memory at 5.0 MiB/s (bandwidthPerMigration)" "timeout explained"
expect_in "$TMP/out" "about 45m20s." "schedule from the estimates"

# --migration-duration overrides every estimate in the schedule (the per-VMI estimates stay).
expect_status 0 "plan --migration-duration" -- "$B" plan -A --from-file "$DUMP" -o json --migration-duration 3m
python3 - "$TMP/out" <<'PY' && pass || fail "--migration-duration overrides the schedule"
import json, sys
p = json.load(open(sys.argv[1]))
assert p["schedule"]["estimatedDurationSeconds"] == 180, p["schedule"]
assert {x["name"]: x for x in p["vmis"]}["small"]["estimatedMigrationSeconds"] == 24
PY

# A dump without MigrationPolicies or budgets says so once each (the items of the List, one "- " each).
python3 - "$DUMP" "$TMP/bare.yaml" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
head, *items = re.split(r"(?m)^(?=- )", text)
keep = [i for i in items if not re.search(r"(?m)^  kind: (MigrationPolicy|PodDisruptionBudget)$", i)]
assert len(keep) < len(items)
open(sys.argv[2], "w").write(head + "".join(keep))
PY
expect_status 0 "plan from a dump without policies and budgets" -- "$B" plan -A --from-file "$TMP/bare.yaml" -o json
python3 - "$TMP/out" <<'PY' && pass || fail "one warning each for missing policies and budgets"
import json, sys
p = json.load(open(sys.argv[1]))
mine = {"NoMigrationPolicies", "NoNamespaceLabels", "NoDisruptionBudgets"}
assert sorted(w["code"] for w in p["warnings"] if w["code"] in mine) == ["NoDisruptionBudgets", "NoMigrationPolicies"], p["warnings"]
v = {x["name"]: x for x in p["vmis"]}
assert v["archive"]["migrationEstimate"]["migrationPolicy"] is None  # the KubeVirt CR's settings
assert v["erp"]["evictionBlockers"] == []
PY
finish

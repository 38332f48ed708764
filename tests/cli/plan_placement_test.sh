#!/usr/bin/env bash
# `plan --from-file` end to end on tests/data/placement-dump.yaml: where each migration's target pod can
# go (`outcome`, `targets`, `placementMessage`), the text and wide output, `--fail-on=no-target`,
# `--target-node-selector` as a what-if, and a dump without nodes (not judged, one warning).
# Usage: plan_placement_test.sh BINARY DATA_DIR
B=$1 DATA=$2
. "$(dirname "$0")/lib.sh"
DUMP="$DATA/placement-dump.yaml"

expect_status 0 "plan -o json" -- "$B" plan -A --from-file "$DUMP" -o json
python3 - "$TMP/out" <<'PY' && pass || fail "outcome, targets and placementMessage in the plan JSON"
import json, sys
p = json.load(open(sys.argv[1]))
v = {x["name"]: x for x in p["vmis"]}
def o(name): return (v[name]["outcome"], v[name]["targets"], v[name]["placementMessage"])
taints = ("1 is cordoned (spec.unschedulable), 1 has the untolerated taint node-role.kubernetes.io/control-plane:NoSchedule, "
          "1 has the untolerated taint dedicated=gpu:NoSchedule")
assert o("web-00") == ("Migrates", 1, "1/5 nodes can take it: " + taints + ", 1 is its own node"), o("web-00")
assert o("pinned-00") == ("NoTargetNode", 0, "0/5 nodes can take it: " + taints +
    ", 1 does not match nodeSelector kubernetes.io/hostname=worker-0, 1 is its own node"), o("pinned-00")
assert o("big-00") == ("NoTargetNode", 0, "0/5 nodes can take it: " + taints +
    ", 2 lack free memory (it needs 44Gi)"), o("big-00")
assert o("host-00") == ("NoTargetNode", 0, "0/5 nodes can take it: " + taints +
    ", 1 does not match nodeSelector cpu-model-migration.node.kubevirt.io/Skylake-Server=true, 1 is its own node"), o("host-00")
assert o("gpu-00") == ("NoTargetNode", 0, "0/5 nodes can take it: 1 is cordoned (spec.unschedulable), "
    "1 has the untolerated taint node-role.kubernetes.io/control-plane:NoSchedule, 2 do not match nodeSelector gpu=true, "
    "1 is its own node"), o("gpu-00")
for x in p["vmis"]:
    assert x["action"] == "LiveMigrate", x  # the action stays KubeVirt's: it will create the migration
assert p["summary"]["noTargetNode"] == 4, p["summary"]
# `run` starts nothing for a VMI no node can take, so the schedule gives it no wave.
assert v["web-00"]["wave"] == 1 and p["schedule"]["migrationWaves"] == 1, (v["web-00"], p["schedule"])
assert all(v[n]["wave"] is None for n in ("pinned-00", "big-00", "host-00", "gpu-00"))
assert not [w for w in p["warnings"] if w["code"] in ("PlacementNotJudged", "CapacityNotJudged")], p["warnings"]
PY

expect_status 0 "plan text" -- "$B" plan -A --from-file "$DUMP"
expect_in "$TMP/out" "4 migration(s) with no target node" "the summary counts them"
expect_in "$TMP/out" "No target node (the migration will be created and fail):" "heading"
expect_in "$TMP/out" "  web/pinned-00: 0/5 nodes can take it:" "a pinned VMI is listed"
expect_not_in "$TMP/out" "  web/web-00: " "a VMI with a target is not listed"

expect_status 0 "plan -o wide" -- "$B" plan -A --from-file "$DUMP" -o wide
python3 - "$TMP/out" <<'PY' && pass || fail "-o wide has a TARGETS column"
import sys
lines = open(sys.argv[1]).read().splitlines()
head = lines[0].split()
assert head[-1] == "TARGETS", head
rows = {l.split()[1]: l.split()[-1] for l in lines[1:] if l.strip() and len(l.split()) == len(head)}
assert rows["web-00"] == "1" and rows["pinned-00"] == "0", rows
PY

expect_status 1 "--fail-on=no-target" -- "$B" plan -A --from-file "$DUMP" --fail-on=no-target
python3 - "$DUMP" "$TMP/web-only.yaml" <<'PY'
import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
d["items"] = [o for o in d["items"] if o["kind"] != "VirtualMachineInstance" or o["metadata"]["name"] == "web-00"]
yaml.safe_dump(d, open(sys.argv[2], "w"))
PY
expect_status 0 "--fail-on=no-target when every migration has a target" -- \
  "$B" plan -A --from-file "$TMP/web-only.yaml" --fail-on=no-target
expect_status 2 "--fail-on with an unknown value" -- "$B" plan -A --from-file "$DUMP" --fail-on=nowhere
expect_in "$TMP/err" "no-target" "the error lists no-target"

expect_status 0 "--target-node-selector what-if" -- "$B" plan -A --from-file "$DUMP" --target-node-selector rack=b -o json
python3 - "$TMP/out" <<'PY' && pass || fail "--target-node-selector narrows the targets"
import json, sys
v = {x["name"]: x for x in json.load(open(sys.argv[1]))["vmis"]}
assert v["web-00"]["outcome"] == "NoTargetNode", v["web-00"]
assert "do not match nodeSelector rack=b" in v["web-00"]["placementMessage"], v["web-00"]["placementMessage"]
PY
expect_status 0 "--target-node-selector rack=a" -- "$B" plan -A --from-file "$DUMP" --target-node-selector rack=a -o json
python3 - "$TMP/out" <<'PY' && pass || fail "a selector the target node matches keeps it"
import json, sys
v = {x["name"]: x for x in json.load(open(sys.argv[1]))["vmis"]}
assert v["web-00"]["outcome"] == "Migrates" and v["web-00"]["targets"] == 1, v["web-00"]
PY
expect_status 2 "--target-node-selector without =" -- "$B" plan -A --from-file "$DUMP" --target-node-selector rack

# Without Node objects: nothing judged, one warning, no guess.
python3 - "$DUMP" "$TMP/no-nodes.yaml" <<'PY'
import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
d["items"] = [o for o in d["items"] if o["kind"] != "Node"]
yaml.safe_dump(d, open(sys.argv[2], "w"))
PY
expect_status 0 "plan without nodes" -- "$B" plan -A --from-file "$TMP/no-nodes.yaml" -o json
python3 - "$TMP/out" <<'PY' && pass || fail "a dump without nodes is not judged"
import json, sys
p = json.load(open(sys.argv[1]))
assert all(x["outcome"] is None and x["targets"] is None for x in p["vmis"]), p["vmis"]
w = [w for w in p["warnings"] if w["code"] == "PlacementNotJudged"]
assert len(w) == 1 and "no Node objects" in w[0]["message"], p["warnings"]
assert p["summary"]["noTargetNode"] == 0
PY
expect_status 0 "--fail-on=no-target without nodes" -- "$B" plan -A --from-file "$TMP/no-nodes.yaml" --fail-on=no-target
finish

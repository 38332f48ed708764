#!/usr/bin/env bash
# `plan --from-file` end to end on tests/data/blockers-dump.yaml: every migration blocker of each VMI
# in `-o json` (`blockers[]`) and in the text output, through the binary's dump path; no simulator.
# Usage: plan_blockers_test.sh BINARY DATA_DIR
B=$1 DATA=$2
. "$(dirname "$0")/lib.sh"

expect_status 0 "plan -o json" -- "$B" plan -A --from-file "$DATA/blockers-dump.yaml" -o json
python3 - "$TMP/out" <<'PY' && pass || fail "blockers[] in the plan JSON"
import json, sys
p = json.load(open(sys.argv[1]))
v = {x["name"]: x for x in p["vmis"]}
assert all(isinstance(x["blockers"], list) for x in p["vmis"]), "every VMI has blockers[]"
def pairs(name): return [(b["code"], b["message"]) for b in v[name]["blockers"]]
assert pairs("web-00") == [("HostDeviceNotLiveMigratable", "hostDevices gpu1"),
                           ("DisksNotLiveMigratable", "PVC web-00-root is not ReadWriteMany")], pairs("web-00")
assert v["web-00"]["migratableReason"] == "HostDeviceNotLiveMigratable"
assert pairs("web-01") == [], pairs("web-01")
assert [c for c, _ in pairs("win-00")] == ["InterfaceNotLiveMigratable", "HypervPassthroughNotLiveMigratable"], pairs("win-00")
assert pairs("hpc-00") == [("CPUModeLiveMigratable", 'the node "worker-2" does not allow migration with host-model')]
assert pairs("web-02") == [], pairs("web-02")
assert v["web-00"]["action"] == "Skip" and v["web-00"]["reason"] == "NotLiveMigratable"
PY

# The same dump as one JSON List, the form `kubectl get -o json` prints (read item by item).
if python3 -c 'import yaml' 2>/dev/null; then
  python3 -c 'import json, sys, yaml; json.dump(yaml.safe_load(open(sys.argv[1])), open(sys.argv[2], "w"))' \
    "$DATA/blockers-dump.yaml" "$TMP/dump.json"
  cp "$TMP/out" "$TMP/from-yaml.json"
  expect_status 0 "plan -o json from JSON" -- "$B" plan -A --from-file "$TMP/dump.json" -o json
  python3 - "$TMP/from-yaml.json" "$TMP/out" <<'PY' && pass || fail "a JSON dump gives the same blockers as YAML"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
assert [v["blockers"] for v in a["vmis"]] == [v["blockers"] for v in b["vmis"]]
assert any(v["blockers"] for v in b["vmis"])
PY
fi

expect_status 0 "plan -o yaml" -- "$B" plan -A --from-file "$DATA/blockers-dump.yaml" -o yaml
expect_in "$TMP/out" "code: DisksNotLiveMigratable" "blockers in YAML"

expect_status 0 "plan text" -- "$B" plan -A --from-file "$DATA/blockers-dump.yaml"
expect_in "$TMP/out" "Not live-migratable:" "heading"
expect_in "$TMP/out" "  web/web-00: HostDeviceNotLiveMigratable (hostDevices gpu1), DisksNotLiveMigratable (PVC web-00-root is not ReadWriteMany)" "every blocker named"
expect_in "$TMP/out" "  desktops/win-00: InterfaceNotLiveMigratable (the pod network's interface uses bridge, without the annotation kubevirt.io/allow-pod-bridge-network-live-migration), HypervPassthroughNotLiveMigratable (VMI uses hyperv passthrough)" "interface and passthrough"
expect_in "$TMP/out" "  hpc/hpc-00: CPUModeLiveMigratable (the node \"worker-2\" does not allow migration with host-model)" "the condition's own reason"
expect_not_in "$TMP/out" "web/web-01:" "a migratable VMI is not listed"
finish

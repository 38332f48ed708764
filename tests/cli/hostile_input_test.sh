#!/usr/bin/env bash
# Issue #10: each input fuzzing found, fed to the binary exactly. Bad input gets exit 2 (or, when it
# is valid YAML with a wrong value, exit 1 and a finding), a message naming the file and position or
# the object, what to do, and never a crash, a hang, a raw library error or half a JSON document.
# Usage: hostile_input_test.sh BINARY
B=$1
. "$(dirname "$0")/lib.sh"
cd "$TMP"

no_library_errors() {  # no_library_errors DESCRIPTION: stderr holds none of nlohmann's or yaml-cpp's own texts
  expect_not_in "$TMP/err" "json.exception" "$1: no raw nlohmann error"
  expect_not_in "$TMP/err" "yaml-cpp:" "$1: no raw yaml-cpp error"
}

# A stray comma: yaml-cpp 0.7 returned empty documents for ever (100% CPU).
printf ',\n' > comma.yaml
expect_status 2 "stray comma, validate" -- timeout 10 "$B" validate -f comma.yaml
expect_in "$TMP/err" "comma.yaml:1:1: cannot parse as YAML or JSON: unexpected character ','" "comma named with its position"
expect_status 2 "stray comma, plan --from-file" -- timeout 10 "$B" plan --from-file comma.yaml
expect_in "$TMP/err" "comma.yaml:1:1:" "plan names the file and position"
expect_in "$TMP/err" "remove it, or quote the value" "what to do"
printf 'apiVersion: v1\nkind: List\nitems: []\n---\n,\n' > comma2.yaml
expect_status 2 "stray comma after a document" -- timeout 10 "$B" validate -f comma2.yaml -o json
expect_in "$TMP/err" "comma2.yaml:5:1" "second document's comma"

# std::regex recursion: a 50,000-digit plain scalar, a 100,000-character bandwidthPerMigration.
python3 -c "print('apiVersion: kubevirt.io/v1\nkind: KubeVirt\nmetadata: {name: kv, namespace: kubevirt}\nspec:\n  workloadUpdateStrategy:\n    batchEvictionSize: ' + '1'*50000)" > digits.yaml
expect_status 1 "50,000 digits" -- timeout 10 "$B" validate -f digits.yaml
expect_in "$TMP/out" "digits.yaml:6:24: error: batchEvictionSize must be an integer" "the field is named"
expect_not_in "$TMP/out" "$(printf "%0100d" 0 | tr 0 1)" "the value is quoted shortened"
python3 -c "print('apiVersion: kubevirt.io/v1\nkind: KubeVirt\nmetadata: {name: kv, namespace: kubevirt}\nspec:\n  configuration:\n    migrations:\n      bandwidthPerMigration: \"' + '1'*99999 + 'x\"')" > bw.yaml
expect_status 1 "100,000-character bandwidthPerMigration" -- timeout 10 "$B" validate -f bw.yaml
expect_in "$TMP/out" "bandwidthPerMigration" "the field is named"
expect_status 0 "100,000-digit plan dump" -- timeout 10 "$B" plan --from-file bw.yaml

# A 1,000,001-item YAML list: the node budget bounds the tree (a plain 100 MB list used 6 GB).
python3 -c "
import sys
sys.stdout.write('apiVersion: kubevirt.io/v1\nkind: KubeVirt\nmetadata: {name: kv, namespace: kubevirt}\nspec:\n  x:\n' + '  - 1\n' * 1000001)" > many.yaml
expect_status 2 "1,000,001 YAML nodes, validate" -- bash -c "ulimit -v 2000000; exec timeout 20 '$B' validate -f many.yaml"
expect_in "$TMP/out" "many.yaml:999991:5: error: cannot parse as YAML or JSON: document has more than 1000000 nodes" \
  "validate: file, position and the budget named"
expect_in "$TMP/out" "oc get ... -o json" "validate: what to do"
expect_status 2 "1,000,001 YAML nodes, plan --from-file" -- bash -c "ulimit -v 2000000; exec timeout 20 '$B' plan --from-file many.yaml"
expect_in "$TMP/err" "many.yaml:999991:5:" "plan: file and position"
expect_in "$TMP/err" "oc get ... -o json" "plan: what to do"
# A JSON List dump is read item by item: a broken item is named with its number and position.
printf '{"kind":"List","items":[{"kind":"VirtualMachine","metadata":{"name":"a","namespace":"n"}},\n{"kind":"VirtualMachine","metadata":{"name":"b",}}]}\n' > broken-item.json
expect_status 2 "broken second item" -- timeout 10 "$B" plan --from-file broken-item.json
expect_in "$TMP/err" "broken-item.json:" "file named"
expect_in "$TMP/err" "item 2 of the list" "item named"
printf '{"kind":"List","items":[{"kind":"VirtualMachine","metadata":{"name":"a","namespace":"n"}}]} trailing\n' > trailing.json
expect_status 2 "text after the list" -- timeout 10 "$B" plan --from-file trailing.json
expect_in "$TMP/err" "trailing.json:1:" "file and position"
expect_in "$TMP/err" "not one complete JSON object" "what is wrong"

# Unbounded recursion in the JSON route of dumps: 20,000 deep in a KubeVirt CR, 100,000 in a VMI.
python3 -c "
d = 20000
print('{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[{\"apiVersion\":\"kubevirt.io/v1\",\"kind\":\"KubeVirt\",\"metadata\":{\"name\":\"kv\",\"namespace\":\"kubevirt\"},\"spec\":{\"x\":' + '['*d + ']'*d + '}}]}')" > deep-kv.json
expect_status 2 "KubeVirt CR 20,000 deep" -- timeout 10 "$B" plan --from-file deep-kv.json -o json
expect_in "$TMP/err" "deep-kv.json:1:" "file and position"
expect_in "$TMP/err" "nesting is deeper than 256 levels" "depth named"
[ -s "$TMP/out" ] && fail "no partial JSON on stdout (deep KubeVirt)" || pass
python3 -c "
d = 100000
print('{\"apiVersion\":\"kubevirt.io/v1\",\"kind\":\"VirtualMachineInstance\",\"metadata\":{\"name\":\"vmi\",\"namespace\":\"default\"},\"spec\":{\"x\":' + '{\"a\":'*d + '1' + '}'*d + '}}')" > deep-vmi.json
expect_status 2 "VMI 100,000 deep" -- timeout 10 "$B" plan --from-file deep-vmi.json
expect_in "$TMP/err" "deep-vmi.json:1:" "file and position"
expect_in "$TMP/err" "deeper than" "depth named"
expect_status 2 "VMI 100,000 deep, validate" -- timeout 10 "$B" validate -f deep-vmi.json

# Alias expansion in a kubeconfig: 730 bytes that expand to 10^9 nodes.
python3 - > bomb-kubeconfig <<'PY'
print("apiVersion: v1\nkind: Config\ncurrent-context: c\ncontexts: [{name: c, context: {cluster: k, user: u}}]")
print("users: [{name: u, user: {token: t}}]\nclusters:\n- name: k\n  cluster:\n    server: https://127.0.0.1:1")
print("    extensions:\n    - name: client.authentication.k8s.io/exec\n      extension:")
print("        a: &a [x,x,x,x,x,x,x,x,x,x]")
for i in range(ord('b'), ord('j') + 1):
    print("        %s: &%s [%s]" % (chr(i), chr(i), ",".join(["*" + chr(i - 1)] * 10)))
PY
expect_status 2 "kubeconfig alias bomb" -- bash -c "ulimit -v 2000000; exec timeout 20 '$B' status --kubeconfig bomb-kubeconfig"
expect_in "$TMP/err" "error loading config file \"bomb-kubeconfig\": line 17, column 37: document contains excessive aliasing" "kubeconfig named with the position"

# Merge keys: 100,000 own keys and 50,000 merged ones took 11 s (quadratic); linear now.
python3 - > merge.yaml <<'PY'
out = ["base: &b"] + ["  s%d: v" % i for i in range(50000)] + ["merged:", "  <<: *b"] + ["  o%d: v" % i for i in range(100000)]
print("\n".join(out))
PY
expect_status 0 "1.8 MB of merge keys in under 5 s" -- timeout 5 "$B" validate -f merge.yaml

# A quoted value cut inside a UTF-8 character broke -o json halfway.
python3 -c "print('apiVersion: kubevirt.io/v1\nkind: KubeVirt\nmetadata: {name: kv, namespace: kubevirt}\nspec:\n  workloadUpdateStrategy:\n    batchEvictionSize: \"' + 'a'*79 + '\u00e9\"')" > utf8.yaml
expect_status 1 "79 ASCII characters and an e-acute" -- timeout 10 "$B" validate -f utf8.yaml -o json
python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$TMP/out" && pass || fail "-o json is one valid JSON document"
expect_in "$TMP/out" "...\\\"" "the value is cut with an ellipsis"
no_library_errors "utf8"

# A number beyond a double in a dump: the file name and position, not a bare nlohmann error.
printf '{"x":1e400}' > overflow.json
expect_status 2 "1e400 in a dump" -- timeout 10 "$B" plan --from-file overflow.json
expect_in "$TMP/err" "overflow.json:1:6: not valid JSON: number 1e400 is out of range" "file, position and number"
no_library_errors "1e400"

# An exec plugin printing "token":7: the AuthError client-go would give, not a type_error.
cat > plugin.sh <<'SH'
#!/bin/sh
echo '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":7}}'
SH
chmod +x plugin.sh
cat > exec-kubeconfig <<KC
apiVersion: v1
kind: Config
current-context: c
contexts: [{name: c, context: {cluster: k, user: u}}]
clusters: [{name: k, cluster: {server: "https://127.0.0.1:1"}}]
users:
- name: u
  user:
    exec: {apiVersion: client.authentication.k8s.io/v1, command: $TMP/plugin.sh, interactiveMode: Never}
KC
expect_status 2 "exec plugin token 7" -- timeout 20 "$B" status --kubeconfig exec-kubeconfig
expect_in "$TMP/err" "getting credentials: decoding stdout: json: cannot unmarshal number into Go struct field ExecCredential.status.token of type string" "client-go's words"
no_library_errors "exec"

# A VMI created in the year 452 or 9999 (Kubernetes accepts 0001-9999): no overflow, same plan.
python3 - > years.json <<'PY'
import json
items = [{"apiVersion": "kubevirt.io/v1", "kind": "VirtualMachineInstance",
          "metadata": {"name": "vmi-%s" % y, "namespace": "default", "creationTimestamp": "%s-01-01T00:00:00Z" % y},
          "status": {"phase": "Running", "nodeName": "n1"}} for y in ("0452", "3940", "9999")]
print(json.dumps({"apiVersion": "v1", "kind": "List", "items": items}))
PY
expect_status 0 "timestamps outside 1678-2262" -- timeout 10 "$B" plan --from-file years.json -o json
expect_in "$TMP/out" "vmi-0452" "VMI listed"

finish

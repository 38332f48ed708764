#!/usr/bin/env bash
# `validate --from-cluster` against kubevirt-sim over HTTPS: the live HCO and KubeVirt CRs are read
# with the kubectl flags, validated, and drift between them is reported.
# Usage: cluster_validate_test.sh BINARY SIM_BINARY DATA_DIR
B=$1 SIM=$2 DATA=$3
. "$(dirname "$0")/lib.sh"
start_sim "$SIM" --scenario "$DATA/cluster-drift.yaml"

expect_status 0 "drift is a warning" -- "$B" validate --from-cluster --kubeconfig "$KCFG"
expect_in "$TMP/out" "kubevirt/openshift-cnv/kubevirt: warning: the KubeVirt CR has spec.workloadUpdateStrategy.workloadUpdateMethods = [\"LiveMigrate\",\"Evict\"], but the HyperConverged CR sets [\"LiveMigrate\"]" "drift on methods"
expect_not_in "$TMP/out" "batchEvictionInterval = " "60s and 1m0s are the same interval"
expect_status 1 "--strict fails on drift" -- "$B" validate --from-cluster --kubeconfig "$KCFG" --strict
expect_status 0 "read-only credentials are enough" -- "$B" validate --from-cluster --kubeconfig "$KCFG" --context sim-readonly
expect_status 0 "client certificate user" -- "$B" validate --from-cluster --kubeconfig "$KCFG" --context sim-cert
expect_status 1 "json output" -- "$B" validate --from-cluster --kubeconfig "$KCFG" -o json --strict
python3 - "$TMP/out" <<'PY' && pass || fail "json names the live objects"
import json, sys
d = json.load(open(sys.argv[1]))
files = {doc["file"] for doc in d["documents"]}
assert "hyperconverged/openshift-cnv/kubevirt-hyperconverged" in files, files
assert any(f["code"] == "KubeVirtDrift" for f in d["findings"])
PY
# Files and the cluster together.
expect_status 1 "files and cluster" -- "$B" validate -f "$DATA/invalid-hco.yaml" --from-cluster --kubeconfig "$KCFG"
expect_in "$TMP/out" "InvalidDuration" "file findings kept"
expect_in "$TMP/out" "KubeVirtDrift" "cluster findings kept"
# Connection problems are exit 2 with kubectl's words.
expect_status 2 "missing kubeconfig" -- "$B" validate --from-cluster --kubeconfig "$TMP/none"
expect_status 2 "wrong token" -- "$B" validate --from-cluster --kubeconfig "$KCFG" --token wrong
expect_in "$TMP/err" "You must be logged in to the server (Unauthorized)" "unauthorized reported as kubectl does"
# -v=9 never shows the token.
"$B" validate --from-cluster --kubeconfig "$KCFG" -v=9 > "$TMP/out" 2> "$TMP/err"
expect_not_in "$TMP/err" "sim-admin-token" "token redacted at -v=9"
expect_in "$TMP/err" "GET https://127.0.0.1" "requests logged at -v=9"
# Not at openshift-cnv/kubevirt-hyperconverged (an upstream install): found by listing.
if command -v kubectl >/dev/null; then
  kubectl --kubeconfig "$KCFG" delete hco -n openshift-cnv kubevirt-hyperconverged > /dev/null 2>&1 && pass || fail "delete the HCO"
  kubectl --kubeconfig "$KCFG" create namespace kubevirt-hyperconverged > /dev/null 2>&1
  cat > "$TMP/hco.yaml" <<'YAML'
apiVersion: hco.kubevirt.io/v1beta1
kind: HyperConverged
metadata:
  name: kubevirt-hyperconverged
  namespace: kubevirt-hyperconverged
spec:
  workloadUpdateStrategy:
    workloadUpdateMethods: [LiveMigrate, Evict]
YAML
  kubectl --kubeconfig "$KCFG" create -f "$TMP/hco.yaml" > /dev/null 2>&1 && pass || fail "create the HCO elsewhere"
  expect_status 0 "HCO found by listing" -- "$B" validate --from-cluster --kubeconfig "$KCFG"
  expect_in "$TMP/out" "hyperconverged/kubevirt-hyperconverged/kubevirt-hyperconverged:" "the listed HCO is validated"
fi
finish

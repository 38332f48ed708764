#!/usr/bin/env bash
# The plugin as kubectl sees it: discovery on PATH, `kubectl workload-update validate`, exit codes
# passed through, and completion through kubectl_complete-workload_update.
# Usage: kubectl_plugin_test.sh BINARY DATA_DIR
B=$1 DATA=$2
. "$(dirname "$0")/lib.sh"
if ! command -v kubectl >/dev/null 2>&1; then
  echo "kubectl not found: skipping"
  exit 77
fi
BIN="$TMP/bin"
mkdir -p "$BIN"
cp "$B" "$BIN/kubectl-workload_update"
ln -s kubectl-workload_update "$BIN/kubectl_complete-workload_update"
export PATH="$BIN:$PATH"
export KUBECONFIG="$TMP/none"   # kubectl must not need a cluster for plugins

expect_status 0 "kubectl plugin list" -- kubectl plugin list --name-only
expect_in "$TMP/out" "kubectl-workload_update" "plugin listed"
expect_status 0 "kubectl workload-update validate" -- kubectl workload-update validate -f "$DATA/hco.cr.yaml"
expect_in "$TMP/out" "0 errors" "validate ran through kubectl"
expect_status 1 "exit code 1 passes through kubectl" -- kubectl workload-update validate -f "$DATA/invalid-hco.yaml"
expect_status 2 "exit code 2 passes through kubectl" -- kubectl workload-update validate --bogus
expect_in "$TMP/err" "kubectl workload-update validate" "usage names the kubectl form"
expect_status 0 "kubectl workload_update also works" -- kubectl workload_update version
expect_status 0 "kubectl workload-update -v=6" -- kubectl workload-update validate -v=6 -f "$DATA/hco.cr.yaml"

expect_status 0 "kubectl __complete subcommands" -- kubectl __complete workload-update ""
expect_in "$TMP/out" "validate" "subcommand offered"
expect_in "$TMP/out" ":4" "no-file-completion directive"
expect_status 0 "kubectl __complete flags" -- kubectl __complete workload-update validate --field-validation ""
expect_in "$TMP/out" "Strict" "flag value offered"
expect_status 0 "kubectl __complete plugin name" -- kubectl __complete work
expect_in "$TMP/out" "workload-update" "plugin name completes"
finish

#!/usr/bin/env bash
# `cmake --install` puts the binary under both plugin names, the completion helper, the man page
# (also as oc-workload_update.1) and the shell completions in place.
# Usage: install_test.sh BUILD_DIR
BUILD=$1
. "$(dirname "$0")/lib.sh"
expect_status 0 "cmake --install" -- cmake --install "$BUILD" --prefix "$TMP/prefix"
for f in bin/kubectl-workload_update bin/oc-workload_update bin/kubectl_complete-workload_update \
         share/man/man1/kubectl-workload_update.1 share/man/man1/oc-workload_update.1 \
         share/bash-completion/completions/kubectl-workload_update share/bash-completion/completions/oc-workload_update \
         share/zsh/site-functions/_kubectl-workload_update share/fish/vendor_completions.d/kubectl-workload_update.fish; do
  [ -e "$TMP/prefix/$f" ] && pass || fail "not installed: $f"
done
expect_status 0 "installed oc-workload_update runs" -- "$TMP/prefix/bin/oc-workload_update" version
# Stripped: no symbol table, no debug sections, and small.
readelf -S "$TMP/prefix/bin/kubectl-workload_update" > "$TMP/sections"
expect_not_in "$TMP/sections" ".symtab" "installed binary has no symbol table"
expect_not_in "$TMP/sections" ".debug_info" "installed binary has no debug information"
size=$(stat -c %s "$TMP/prefix/bin/kubectl-workload_update")
[ "$size" -lt $((5 * 1024 * 1024)) ] && pass || fail "installed binary is $size bytes, over 5 MB"
expect_status 0 "installed completion helper speaks the protocol" -- "$TMP/prefix/bin/kubectl_complete-workload_update" ""
expect_in "$TMP/out" "validate" "completion helper output"
"$TMP/prefix/bin/oc-workload_update" validate --bogus 2> "$TMP/err"
expect_in "$TMP/err" "oc workload-update validate" "usage names the oc form"
finish

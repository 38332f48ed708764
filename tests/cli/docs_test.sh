#!/usr/bin/env bash
# The man page lints clean, the committed completion scripts match what the binary generates (so
# they cover every flag), parse in their shells, and bash completion really completes.
# Usage: docs_test.sh BINARY MAN_PAGE SOURCE_DIR
B=$1 MAN=$2 SRC=$3
. "$(dirname "$0")/lib.sh"

groff -man -ww -z "$MAN" > "$TMP/groff.log" 2>&1 && [ ! -s "$TMP/groff.log" ] && pass || { fail "groff -man -ww -z"; cat "$TMP/groff.log" >&2; }
for sub in validate plan run status version completion; do expect_in "$MAN" "$sub" "man page covers $sub"; done
# Every flag the binary knows appears in the man page.
"$B" completion bash > "$TMP/bash"
for flag in $(grep -o -- '--[a-z][a-z-]*' "$TMP/bash" | sort -u); do
  grep -qF -- "${flag#--}" "$MAN" && pass || fail "man page does not mention $flag"
done
# man_section NAME: the roff text of one section (.SH NAME up to the next .SH).
man_section() { awk -v h=".SH $1" '/^\.SH/ { on = ($0 == h) } on' "$MAN"; }
man_section "KUBERNETES CONNECTION OPTIONS" > "$TMP/kube_section"
# Every flag of each subcommand's --help is documented as a flag (in bold, whole), and its own flags
# in its own OPTIONS section (the connection flags in theirs).
for sub in validate plan run status version completion; do
  "$B" $sub --help > "$TMP/help" 2>&1 || { fail "$sub --help"; continue; }
  man_section "$(echo "$sub" | tr a-z A-Z) OPTIONS" > "$TMP/section"
  for flag in $(sed -nE 's/^ +(-[A-Za-z0-9],)?(--[a-z][a-z-]*).*/\2/p' "$TMP/help" | sort -u); do
    grep -qF -- "\fB$flag\fR" "$MAN" && pass || fail "man page does not document $sub $flag"
    [ "$flag" = --help ] && continue
    grep -qF -- "\fB$flag\fR" "$TMP/kube_section" && continue
    [ -s "$TMP/section" ] || continue  # no OPTIONS section of its own (version, completion)
    grep -qF -- "\fB$flag\fR" "$TMP/section" && pass || fail "$flag is not in the man page's $(echo "$sub" | tr a-z A-Z) OPTIONS"
  done
done
for what in "RUN OUTPUT" "RUN REASONS" "STATUS OPTIONS"; do
  [ -n "$(man_section "$what")" ] && pass || fail "man page has no $what section"
done
# Every run event name (the -o json contract), stuck/skip reason and Lease name of run is in the man
# page (scdoc writes "." as "\&.").
sed 's/\\&//g' "$MAN" > "$TMP/man_text"
for word in RunStarted MigrationCreated MigrationSucceeded MigrationFailed TargetPodUnschedulable \
            EvictionBatchStarted Evicted EvacuationStarted EvictionRefused VmiRestarted VmiStaysDown VmiUpdated \
            VmiStuck VmiSkipped VmiGone ActionFailed Interrupted MigrationCancelled DryRunAction RunFinished \
            WorkloadUpdateRunReport NotRestarted NotConfirmed NoLauncherPod UpdatedElsewhere failedAttempts \
            kubectl-workload-update workload-update.kubevirt.io/run-id workload-update.kubevirt.io/run-state \
            workload-update.kubevirt.io/last-eviction-batch; do
  grep -qF -- "$word" "$TMP/man_text" && pass || fail "man page does not mention $word"
done

"$B" completion bash | diff -u "$SRC/completions/kubectl-workload_update.bash" - > "$TMP/d" && pass || { fail "bash completion is stale (regenerate with: kubectl-workload_update completion bash)"; head -20 "$TMP/d" >&2; }
"$B" completion zsh | diff -u "$SRC/completions/_kubectl-workload_update" - > "$TMP/d" && pass || { fail "zsh completion is stale"; head -20 "$TMP/d" >&2; }
"$B" completion fish | diff -u "$SRC/completions/kubectl-workload_update.fish" - > "$TMP/d" && pass || { fail "fish completion is stale"; head -20 "$TMP/d" >&2; }
bash -n "$SRC/completions/kubectl-workload_update.bash" && pass || fail "bash syntax"
if command -v zsh >/dev/null; then zsh -n "$SRC/completions/_kubectl-workload_update" && pass || fail "zsh syntax"; fi
if command -v fish >/dev/null; then fish -n "$SRC/completions/kubectl-workload_update.fish" && pass || fail "fish syntax"; fi

# Drive the bash completion function as bash would.
complete_bash() {
  bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); _kubectl_workload_update; printf "%s\n" "${COMPREPLY[@]}"' \
    _ "$SRC/completions/kubectl-workload_update.bash" "$@"
}
[ "$(complete_bash kubectl-workload_update va)" = "validate" ] && pass || fail "bash completes subcommand"
[ "$(complete_bash kubectl-workload_update validate --field-validation W)" = "Warn" ] && pass || fail "bash completes flag value"
complete_bash kubectl-workload_update validate --st | grep -qx -- --strict && pass || fail "bash completes flag"
if command -v fish >/dev/null; then
  out=$(fish -c "source $SRC/completions/kubectl-workload_update.fish; complete -C 'kubectl-workload_update validate --field-validation '")
  echo "$out" | grep -q '^Strict' && pass || fail "fish completes flag value"
fi
finish

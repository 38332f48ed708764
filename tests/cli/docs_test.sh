#!/usr/bin/env bash
# The man page lints clean, the committed completion scripts match what the binary generates (so
# they cover every flag), parse in their shells, and bash completion really completes.
# Usage: docs_test.sh BINARY MAN_PAGE SOURCE_DIR
B=$1 MAN=$2 SRC=$3
. "$(dirname "$0")/lib.sh"

groff -man -ww -z "$MAN" > "$TMP/groff.log" 2>&1 && [ ! -s "$TMP/groff.log" ] && pass || { fail "groff -man -ww -z"; cat "$TMP/groff.log" >&2; }
for sub in validate plan status version completion; do expect_in "$MAN" "$sub" "man page covers $sub"; done
# Every flag the binary knows appears in the man page.
"$B" completion bash > "$TMP/bash"
for flag in $(grep -o -- '--[a-z][a-z-]*' "$TMP/bash" | sort -u); do
  grep -qF -- "${flag#--}" "$MAN" && pass || fail "man page does not mention $flag"
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

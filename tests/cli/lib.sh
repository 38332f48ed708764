# Small assertion helpers shared by the CLI tests. Each test script sources this file.
set -u
FAILS=0
PASSES=0
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

pass() { PASSES=$((PASSES + 1)); }
fail() { FAILS=$((FAILS + 1)); echo "FAIL: $*" >&2; }

# expect_status WANT DESCRIPTION -- command...
expect_status() {
  local want=$1 what=$2; shift 3
  "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
  local got=$?
  if [ "$got" -eq "$want" ]; then pass; else fail "$what: exit $got, want $want"; sed 's/^/  | /' "$TMP/err" | head -20 >&2; fi
}
expect_in() {  # expect_in FILE TEXT DESCRIPTION
  if grep -qF -- "$2" "$1"; then pass; else fail "$3: '$2' not in $1"; sed 's/^/  | /' "$1" | head -20 >&2; fi
}
expect_not_in() {
  if grep -qF -- "$2" "$1"; then fail "$3: '$2' unexpectedly in $1"; else pass; fi
}
finish() {
  echo "$PASSES passed, $FAILS failed"
  [ "$FAILS" -eq 0 ]
}

# start_sim SIM_BINARY [sim args...]: starts kubevirt-sim on loopback, waits (bounded) for it to be
# ready, and sets KCFG to its kubeconfig. The simulator is killed when the script exits.
start_sim() {
  local sim=$1; shift
  SIMDIR="$TMP/sim"
  mkdir -p "$SIMDIR"
  "$sim" --state-dir "$SIMDIR" "$@" > "$TMP/sim.log" 2>&1 &
  SIM_PID=$!
  trap 'kill $SIM_PID 2>/dev/null; wait $SIM_PID 2>/dev/null; rm -rf "$TMP"' EXIT
  for _ in $(seq 1 100); do
    [ -f "$SIMDIR/ready.json" ] && break
    kill -0 "$SIM_PID" 2>/dev/null || { cat "$TMP/sim.log" >&2; echo "simulator exited" >&2; exit 1; }
    sleep 0.1
  done
  [ -f "$SIMDIR/ready.json" ] || { echo "simulator not ready after 10 s" >&2; exit 1; }
  KCFG="$SIMDIR/kubeconfig"
}

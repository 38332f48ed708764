# Small assertion helpers shared by the CLI tests. Each test script sources this file.
set -u
FAILS=0
PASSES=0
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# python3 resolved once: a version manager's shim (pyenv's is a bash script that forks a dozen
# processes) costs half a second of CPU per call, and the tests call Python hundreds of times.
if PY3=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null) && [ -x "$PY3" ]; then
  mkdir -p "$TMP/.bin"
  printf '#!/bin/sh\nexec "%s" "$@"\n' "$PY3" > "$TMP/.bin/python3"
  chmod +x "$TMP/.bin/python3"
  PATH="$TMP/.bin:$PATH"
fi

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

# sim_api METHOD PATH [BODY]: the simulator started by start_sim, as its admin (control endpoints
# under /_sim/ and the API); the answer on stdout, exit 1 on an HTTP error.
sim_api() {
  python3 - "$SIMDIR" "$@" <<'PY'
import json, ssl, sys, urllib.error, urllib.request
d, method, path = sys.argv[1:4]
body = sys.argv[4].encode() if len(sys.argv) > 4 else None
url = json.load(open(d + "/ready.json"))["url"] + path
ctx = ssl.create_default_context(cafile=d + "/ca.crt")
r = urllib.request.Request(url, data=body, method=method, headers={
    "Authorization": "Bearer sim-admin-token", "Content-Type": "application/json"})
try:
    with urllib.request.urlopen(r, context=ctx, timeout=30) as resp:
        sys.stdout.write(resp.read().decode())
except urllib.error.HTTPError as e:
    sys.stderr.write("%s %s: %d %s\n" % (method, path, e.code, e.read()[:300]))
    sys.exit(1)
PY
}

# kubevirt_methods: the KubeVirt CR's workloadUpdateMethods (kubectl, KUBECONFIG of start_sim).
kubevirt_methods() { kubectl get kubevirt -n kubevirt kubevirt -o jsonpath='{.spec.workloadUpdateStrategy.workloadUpdateMethods}'; }

# updater_off: workloadUpdateMethods [] on the HyperConverged CR, as an admin must (the simulated HCO
# empties the KubeVirt CR's, which it would revert if edited directly); waits until it has.
updater_off() {
  kubectl patch hyperconverged -n openshift-cnv kubevirt-hyperconverged --type merge \
    -p '{"spec":{"workloadUpdateStrategy":{"workloadUpdateMethods":[]}}}' > /dev/null || { fail "patch HCO"; return 1; }
  for _ in $(seq 1 50); do
    [ -z "$(kubevirt_methods)" ] && return 0
    sleep 0.1
  done
  fail "the simulated HCO did not empty the KubeVirt CR's methods"
  return 1
}


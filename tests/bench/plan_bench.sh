#!/usr/bin/env bash
# Side by side on one kubevirt-sim per fleet size: `kubectl get vmi -A -o json > /dev/null` (50,000
# only), our client listing the VMIs (list_bench), and `plan -A` (50,000 and 100,000 VMIs with their
# VMs and launcher pods). Prints wall time and peak RSS for each.
# Usage: tests/bench/plan_bench.sh [BUILD_DIR]   (default: build)
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${1:-build}
B=$BUILD/cmd/kubectl-workload_update
SIM=$BUILD/tests/sim/kubevirt-sim
T=$(mktemp -d)
cleanup() { [ -n "${SIM_PID:-}" ] && kill "$SIM_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
measure() {  # measure LABEL command...: prints "LABEL seconds peakRSS_MB"
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$T/time" "$@" > /dev/null
  read -r secs kb < "$T/time"
  awk -v l="$label" -v s="$secs" -v k="$kb" 'BEGIN{printf "%-44s %8.2f s %9.1f MB\n", l, s, k/1024}'
}
for n in 50000 100000; do
  rm -rf "$T/state"; mkdir -p "$T/state"
  "$SIM" --state-dir "$T/state" --generate "$n" --seed 7 > "$T/sim.log" 2>&1 &
  SIM_PID=$!
  for _ in $(seq 1 1200); do [ -f "$T/state/ready.json" ] && break; sleep 0.1; done
  export KUBECONFIG="$T/state/kubeconfig"
  echo "== $n VMIs: $(head -1 "$T/sim.log")"
  if [ "$n" -eq 50000 ] && command -v kubectl >/dev/null; then
    measure "kubectl get vmi -A -o json > /dev/null" kubectl get vmi -A -o json
  fi
  "$BUILD/tests/bench/list_bench" "$KUBECONFIG" | sed 's/^/list_bench (our client, pages of 500): /'
  measure "plan -A (table)" "$B" plan -A --qps -1
  measure "plan -A -o json" "$B" plan -A --qps -1 -o json
  measure "plan -A (default client rate limit 5 qps)" "$B" plan -A
  kill "$SIM_PID"; wait "$SIM_PID" 2>/dev/null || true; SIM_PID=
done

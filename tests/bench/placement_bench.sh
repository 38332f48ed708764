#!/usr/bin/env bash
# `plan -A` at 50,000 VMIs with nodes and capacity (issue 11): the current binary against a binary
# built before the placement analysis (OLD_BINARY), on one kubevirt-sim, runs alternated, the median of
# three each. Prints wall time and peak RSS of each run and the ratio of the medians.
# Usage: tests/bench/placement_bench.sh OLD_BINARY [BUILD_DIR] [VMIS]
#   OLD_BINARY: e.g. built from commit ba112db (`git worktree add /tmp/old ba112db`, then
#   `cmake -S /tmp/old -B /tmp/old/build -DWU_BUILD_TESTS=OFF && cmake --build /tmp/old/build --target kubectl-workload_update`)
set -euo pipefail
cd "$(dirname "$0")/../.."
OLD=$1 BUILD=${2:-build} N=${3:-50000}
NEW=$BUILD/cmd/kubectl-workload_update
SIM=$BUILD/tests/sim/kubevirt-sim
T=$(mktemp -d)
cleanup() { [ -n "${SIM_PID:-}" ] && kill "$SIM_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
mkdir -p "$T/state"
"$SIM" --state-dir "$T/state" --generate "$N" --seed 7 > "$T/sim.log" 2>&1 &
SIM_PID=$!
for _ in $(seq 1 1200); do [ -f "$T/state/ready.json" ] && break; sleep 0.1; done
export KUBECONFIG="$T/state/kubeconfig"
echo "== $N VMIs: $(head -1 "$T/sim.log")"
"$NEW" plan -A --qps -1 -o json > "$T/plan.json"
python3 - "$T/plan.json" <<'PY'
import collections, json, sys
p = json.load(open(sys.argv[1]))
c = collections.Counter(v["outcome"] for v in p["vmis"])
print(f"   nodes judged: outcomes {dict(c)}, warnings {[w['code'] for w in p['warnings']]}")
PY
run() {  # run LABEL BINARY: appends "seconds kb" to $T/LABEL
  /usr/bin/time -f "%e %M" -o "$T/time" "$2" plan -A --qps -1 > /dev/null
  cat "$T/time" >> "$T/$1"
  read -r secs kb < "$T/time"
  awk -v l="$1" -v s="$secs" -v k="$kb" 'BEGIN{printf "   %-4s plan -A %8.2f s %9.1f MB\n", l, s, k/1024}'
}
for _ in 1 2 3; do run old "$OLD"; run new "$NEW"; done
median() { sort -n -k1 "$T/$1" | sed -n 2p; }
read -r old_s old_kb <<< "$(median old)"
read -r new_s new_kb <<< "$(median new)"
awk -v a="$old_s" -v b="$new_s" -v ka="$old_kb" -v kb="$new_kb" \
  'BEGIN{printf "median: before %.2f s %.1f MB, with placement %.2f s %.1f MB: %.2fx the time\n", a, ka/1024, b, kb/1024, b/a}'

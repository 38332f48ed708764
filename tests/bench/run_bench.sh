#!/usr/bin/env bash
# `run` on a generated fleet in kubevirt-sim, measured from the simulator's own records:
#  - API requests the tool made (every audit record with its user agent: lists, watches, creates,
#    evictions, Lease, access reviews) per VMI it updated;
#  - wall time of the run against the ideal schedule `plan` predicts for the same migration duration
#    (waves x duration, or the eviction batches' span, whichever is longer).
# Migrations take MIG_SIM seconds of simulated time with no scheduling/preparation delay, at TIME_SCALE
# simulated seconds per real second, so one lasts MIG_SIM/TIME_SCALE real seconds.
#  - reaction time: from a migration ending (the simulator's phase=Succeeded/Failed write) to the next
#    migration the tool creates while it was waiting for a free slot.
# Usage: tests/bench/run_bench.sh [BUILD_DIR] [VMIS]   (defaults: build 500)
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${1:-build}
N=${2:-500}
MIG_SIM=${MIG_SIM:-120}
TIME_SCALE=${TIME_SCALE:-30}
B=$BUILD/cmd/kubectl-workload_update
SIM=$BUILD/tests/sim/kubevirt-sim
T=$(mktemp -d)
cleanup() { [ -n "${SIM_PID:-}" ] && kill "$SIM_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
"$SIM" --state-dir "$T/state" --generate "$N" --seed 11 --tick-ms 20 > "$T/sim.log" 2>&1 &
SIM_PID=$!
for _ in $(seq 1 600); do [ -f "$T/state/ready.json" ] && break; sleep 0.1; done
export KUBECONFIG="$T/state/kubeconfig"
api() {  # api METHOD PATH [JSON]: the simulator's API as its admin
  python3 - "$T/state" "$@" <<'PY'
import json, ssl, sys, urllib.request
state, method, path = sys.argv[1:4]
body = sys.argv[4].encode() if len(sys.argv) > 4 else None
server = next(l.split("server:", 1)[1].strip().strip('"') for l in open(state + "/kubeconfig") if "server:" in l)
ctype = "application/merge-patch+json" if method == "PATCH" else "application/json"
req = urllib.request.Request(server + path, data=body, method=method,
                             headers={"Content-Type": ctype, "Authorization": "Bearer sim-admin-token"})
print(urllib.request.urlopen(req, context=ssl.create_default_context(cafile=state + "/ca.crt")).read().decode())
PY
}
# A maintenance window: KubeVirt's own updater off; fixed migration durations.
off='{"spec":{"workloadUpdateStrategy":{"workloadUpdateMethods":[]}}}'
# On the HyperConverged CR only, as an admin must: the simulated HCO carries it to the KubeVirt CR.
api PATCH /apis/hco.kubevirt.io/v1beta1/namespaces/openshift-cnv/hyperconvergeds/kubevirt-hyperconverged "$off" >/dev/null
for _ in $(seq 1 100); do
  api GET /apis/kubevirt.io/v1/kubevirts | python3 -c 'import json,sys
sys.exit(any(kv["spec"].get("workloadUpdateStrategy", {}).get("workloadUpdateMethods") for kv in json.load(sys.stdin)["items"]))' && break
  sleep 0.1
done
api POST /_sim/knobs "{\"timeScale\": $TIME_SCALE, \"migrationDuration\": {\"min\": \"${MIG_SIM}s\", \"max\": \"${MIG_SIM}s\"},
  \"schedulingDelay\": \"0s\", \"preparationDelay\": \"0s\", \"restartDelay\": \"1s\"}" >/dev/null
run_flags=(-A --methods LiveMigrate,Evict --batch-size 20 --batch-interval 5s)
mig_real=$(awk -v m="$MIG_SIM" -v s="$TIME_SCALE" 'BEGIN{printf "%.3f", m/s}')
"$B" plan "${run_flags[@]}" --migration-duration "${mig_real}s" -o json > "$T/plan.json"
since=$(api GET /_sim/audit | python3 -c 'import json,sys; a=json.load(sys.stdin); print(a[-1]["seq"] if a else 0)')
start=$(date +%s.%N)
set +e
"$B" run "${run_flags[@]}" --yes -o json > "$T/run.jsonl"
code=$?
set -e
end=$(date +%s.%N)
api GET "/_sim/audit?since=$since" > "$T/audit.json"
python3 - "$T/plan.json" "$T/run.jsonl" "$T/audit.json" "$start" "$end" "$code" "$N" "$mig_real" <<'PY'
import collections, json, sys
plan_f, run_f, audit_f, start, end, code, n, mig = sys.argv[1:]
plan = json.load(open(plan_f))
lines = [json.loads(l) for l in open(run_f) if l.strip()]
report = lines[-1]
audit = [r for r in json.load(open(audit_f)) if r.get("userAgent", "").startswith("kubectl-workload_update/")]
verbs = collections.Counter(r["verb"] + " " + r.get("resource", "") for r in audit)
updated = report["counts"]["updated"] + report["counts"]["staysDown"]
elapsed = float(end) - float(start)
ideal = plan["schedule"]["estimatedDurationSeconds"]
waves = plan["schedule"]["migrationWaves"] if "migrationWaves" in plan["schedule"] else "?"
print(f"fleet: {n} VMIs; exit {code}; report: {report['counts']}")
print(f"API requests by the tool: {len(audit)} for {updated} VMIs updated or shut down = {len(audit)/max(updated,1):.2f} per VMI")
for k, v in sorted(verbs.items(), key=lambda kv: -kv[1]):
    print(f"  {v:6d}  {k}")
print(f"run time: {elapsed:.1f} s; plan's ideal schedule: {ideal} s ({waves} waves x {mig} s); ratio {elapsed/ideal:.3f}")
from datetime import datetime
def ts(r): return datetime.fromisoformat(r["time"].replace("Z", "+00:00")).timestamp()
everything = json.load(open(audit_f))
ends = sorted(ts(r) for r in everything if r.get("controller") == "migration"
              and r.get("resource") == "virtualmachineinstancemigrations"
              and any(p in (r.get("detail") or "") for p in ("phase=Succeeded", "phase=Failed")))
creates = sorted(ts(r) for r in audit if r["verb"] == "create" and r.get("resource") == "virtualmachineinstancemigrations")
import bisect
lat = []
for c in creates[5:]:  # after the first wave, every create waited for a slot
    i = bisect.bisect_right(ends, c)
    if i: lat.append(c - ends[i - 1])
lat.sort()
if lat:
    q = lambda f: lat[min(len(lat) - 1, int(f * len(lat)))]
    print(f"reaction (migration ended -> next created): median {q(0.5)*1000:.0f} ms, p95 {q(0.95)*1000:.0f} ms, max {lat[-1]*1000:.0f} ms over {len(lat)} creates")
PY

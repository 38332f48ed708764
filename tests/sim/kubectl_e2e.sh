#!/usr/bin/env bash
# End-to-end: the real kubectl against kubevirt-sim.
# Usage: kubectl_e2e.sh PATH/TO/kubevirt-sim SCENARIO_DIR
# Exit 77 (ctest SKIP) when kubectl is not installed. Every wait is bounded.
set -u

SIM=${1:?usage: kubectl_e2e.sh KUBEVIRT_SIM SCENARIO_DIR}
SCENARIOS=${2:?usage: kubectl_e2e.sh KUBEVIRT_SIM SCENARIO_DIR}
if ! command -v kubectl >/dev/null 2>&1; then
  echo "SKIP: kubectl not on PATH"
  exit 77
fi

TMP=$(mktemp -d /tmp/kubevirt-sim-e2e.XXXXXX)
STATE=$TMP/state
SIM_PID=
WATCH_PID=
cleanup() {
  [ -n "$WATCH_PID" ] && kill "$WATCH_PID" 2>/dev/null
  if [ -n "$SIM_PID" ]; then
    kill -TERM "$SIM_PID" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$SIM_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SIM_PID" 2>/dev/null
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT

FAILURES=0
pass() { echo "ok   - $*"; }
fail() { echo "FAIL - $*"; FAILURES=$((FAILURES + 1)); }
# k ARGS...: kubectl with our kubeconfig, a private discovery cache and a hard time limit.
k() { timeout 30 kubectl --kubeconfig "$STATE/kubeconfig" --cache-dir "$TMP/cache" "$@"; }
# wait_for SECONDS COMMAND...: polls until COMMAND succeeds.
wait_for() {
  local limit=$1; shift
  local end=$((SECONDS + limit))
  while [ $SECONDS -lt $end ]; do "$@" && return 0; sleep 0.1; done
  return 1
}

"$SIM" --state-dir "$STATE" --generate 1200 --seed 3 --scenario "$SCENARIOS/e2e.yaml" \
  --bookmark-interval 1 --audit-log "$TMP/audit.jsonl" >"$TMP/sim.log" 2>&1 &
SIM_PID=$!
if ! wait_for 60 test -f "$STATE/ready.json"; then
  echo "kubevirt-sim did not become ready:"; cat "$TMP/sim.log"; exit 1
fi
grep -q "\"pid\":$SIM_PID" "$STATE/ready.json" && pass "ready.json names the simulator's pid" || fail "ready.json: $(cat "$STATE/ready.json")"

# --- reads ---
out=$(k get vmi -A 2>&1)
if echo "$out" | head -1 | grep -q "NAMESPACE .*NAME .*AGE .*PHASE .*IP .*NODENAME .*READY" &&
   [ "$(echo "$out" | tail -n +2 | wc -l)" -eq 1203 ]; then
  pass "kubectl get vmi -A lists 1203 VMIs with the KubeVirt printer columns"
else
  fail "kubectl get vmi -A: $(echo "$out" | head -3)"
fi

n=$(k get vmi -A -o json --chunk-size=100 | grep -c '"kind": "VirtualMachineInstance"')
pages=$(grep '"verb":"list"' "$TMP/audit.jsonl" | grep '"resource":"virtualmachineinstances"' | grep -c 'limit=100')
continues=$(grep '"verb":"list"' "$TMP/audit.jsonl" | grep '"resource":"virtualmachineinstances"' | grep -c 'continue=')
if [ "$n" -eq 1203 ] && [ "$pages" -ge 13 ] && [ "$continues" -ge 12 ]; then
  pass "kubectl get vmi -A -o json --chunk-size=100 follows $continues continue tokens to all $n items"
else
  fail "chunked list: $n items, $pages pages, $continues continues"
fi

n=$(k get pods -n e2e -l kubevirt.io=virt-launcher -o name | wc -l)
[ "$n" -eq 3 ] && pass "label selector: 3 launcher pods in e2e" || fail "label selector gave $n pods"
n=$(k get vmi -A -l 'kubevirt.io/outdatedLauncherImage' -o name | wc -l)
m=$(k get vmi -A -l '!kubevirt.io/outdatedLauncherImage' -o name | wc -l)
[ "$n" -gt 0 ] && [ $((n + m)) -eq 1203 ] && pass "exists/!exists selectors partition the VMIs ($n outdated)" || fail "exists selectors: $n + $m"
out=$(k get pods -A --field-selector spec.nodeName=e2e-worker-2 -o name)
[ "$(echo "$out" | sort | tr '\n' ' ')" = "pod/plain pod/virt-launcher-vmi-b-fghij " ] &&
  pass "field selector spec.nodeName=e2e-worker-2" || fail "field selector: $out"
out=$(k get vmi -A --field-selector spec.nodeName=x 2>&1)
echo "$out" | grep -q 'field label not supported: spec.nodeName' && pass "unsupported field selector on VMIs is a 400" || fail "bad field selector: $out"
out=$(k get pods -A -l 'app in (a' 2>&1)
echo "$out" | grep -q 'BadRequest' && pass "malformed label selector is a 400" || fail "bad label selector: $out"
out=$(k get vmi nope -n e2e 2>&1)
echo "$out" | grep -q 'virtualmachineinstances.kubevirt.io "nope" not found' && pass "NotFound message" || fail "NotFound: $out"
k get kv -A -o name | grep -q 'kubevirt.kubevirt.io/kubevirt' && pass "short name kv" || fail "kubectl get kv"
k get hco -n openshift-cnv kubevirt-hyperconverged -o jsonpath='{.spec.workloadUpdateStrategy.workloadUpdateMethods[0]}' | grep -q LiveMigrate &&
  pass "HyperConverged (hco.kubevirt.io/v1beta1)" || fail "kubectl get hco"
k api-resources 2>/dev/null | grep -q 'virtualmachineinstancemigrations *vmim,vmims *kubevirt.io/v1 *true *VirtualMachineInstanceMigration' &&
  pass "kubectl api-resources (aggregated discovery)" || fail "api-resources"

# --- watch sees a patch made by another kubectl (custom columns apply to the watch event) ---
k get vmi vmi-a -n e2e -w --output-watch-events \
  -o custom-columns=EVENT:.type,NAME:.object.metadata.name,COLOR:.object.metadata.labels.color >"$TMP/watch.out" 2>&1 &
WATCH_PID=$!
wait_for 15 grep -q 'vmi-a' "$TMP/watch.out" || fail "watch did not start: $(cat "$TMP/watch.out")"
k patch vmi vmi-a -n e2e --type=merge -p '{"metadata":{"labels":{"color":"blue"}}}' >/dev/null &&
  pass "kubectl patch --type=merge" || fail "merge patch"
if wait_for 10 grep -q 'MODIFIED *vmi-a *blue' "$TMP/watch.out"; then
  pass "kubectl get -w saw the MODIFIED event"
else
  fail "watch output: $(cat "$TMP/watch.out")"
fi
kill "$WATCH_PID" 2>/dev/null; wait "$WATCH_PID" 2>/dev/null; WATCH_PID=

k patch vmi vmi-a -n e2e --type=json -p '[{"op":"add","path":"/metadata/labels/shape","value":"round"},{"op":"remove","path":"/metadata/labels/color"}]' >/dev/null &&
  [ "$(k get vmi vmi-a -n e2e -o jsonpath='{.metadata.labels.shape}/{.metadata.labels.color}')" = "round/" ] &&
  pass "kubectl patch --type=json" || fail "json patch"
k patch node e2e-worker-1 -p '{"metadata":{"labels":{"rack":"r1"}}}' >/dev/null &&
  [ "$(k get node e2e-worker-1 -o jsonpath='{.metadata.labels.rack}')" = r1 ] &&
  pass "kubectl patch (default strategic type) on a built-in kind" || fail "strategic patch on a node"
out=$(k patch vmi vmi-a -n e2e -p '{"metadata":{"labels":{"x":"y"}}}' 2>&1)
echo "$out" | grep -q 'not supported by kubevirt.io/v1, Kind=VirtualMachineInstance' &&
  pass "strategic merge patch on a custom resource is refused like a real server" || fail "strategic patch on a CR: $out"
out=$(k patch vmi vmi-a -n e2e --type=json -p '[{"op":"test","path":"/metadata/name","value":"other"}]' 2>&1)
echo "$out" | grep -q 'invalid: .*testing value /metadata/name failed: test failed' &&
  pass "failed JSON patch test is a 422" || fail "json patch test: $out"

# --- status subresource: status writes change only .status, main writes ignore .status ---
k patch vmi vmi-a -n e2e --subresource=status --type=merge \
  -p '{"status":{"simNote":"from-status"},"metadata":{"labels":{"ignored":"yes"}}}' >/dev/null
k patch vmi vmi-a -n e2e --type=merge -p '{"status":{"simNote":"from-main"}}' >/dev/null
[ "$(k get vmi vmi-a -n e2e -o jsonpath='{.status.simNote}/{.metadata.labels.ignored}')" = "from-status/" ] &&
  pass "status subresource semantics" || fail "status subresource: $(k get vmi vmi-a -n e2e -o jsonpath='{.status.simNote}/{.metadata.labels.ignored}')"

# --- create with generateName, delete ---
cat >"$TMP/vmim.yaml" <<YAML
apiVersion: kubevirt.io/v1
kind: VirtualMachineInstanceMigration
metadata:
  generateName: e2e-mig-
  namespace: e2e
spec:
  vmiName: vmi-a
YAML
out=$(k create -f "$TMP/vmim.yaml" 2>&1)
mig=$(echo "$out" | sed -n 's#^virtualmachineinstancemigration.kubevirt.io/\(e2e-mig-[a-z0-9]\{5\}\) created$#\1#p')
[ -n "$mig" ] && pass "kubectl create -f with generateName made $mig" || fail "create: $out"
[ "$(k get vmim "$mig" -n e2e -o jsonpath='{.metadata.labels.kubevirt\.io/vmi-name} {.metadata.finalizers[0]}')" = "vmi-a kubevirt.io/migrationJobFinalize" ] &&
  pass "VMIM admission added the vmi-name label and finalizer" || fail "VMIM mutation"
out=$(k create -f "$TMP/vmim.yaml" 2>&1)
echo "$out" | grep -q 'in-flight migration detected' && pass "second migration for the VMI is denied" || fail "in-flight check: $out"
sed 's/vmiName: vmi-a/vmiName: vmi-c/' "$TMP/vmim.yaml" >"$TMP/vmim-c.yaml"
out=$(k create -f "$TMP/vmim-c.yaml" 2>&1)
echo "$out" | grep -q 'DisksNotLiveMigratable' && pass "migration of a non-migratable VMI is denied" || fail "not migratable: $out"
out=$(k create -f "$TMP/vmim-c.yaml" --dry-run=server 2>&1)
echo "$out" | grep -q 'DisksNotLiveMigratable' && pass "server-side dry-run create runs admission" || fail "dry-run create: $out"
k delete vmim "$mig" -n e2e --dry-run=server >/dev/null 2>&1
k get vmim "$mig" -n e2e >/dev/null 2>&1 && pass "server-side dry-run delete keeps the object" || fail "dry-run delete removed it"
out=$(k delete vmim "$mig" -n e2e 2>&1)
echo "$out" | grep -q "\"$mig\" deleted" && ! k get vmim "$mig" -n e2e >/dev/null 2>&1 &&
  pass "kubectl delete (finalizer released by the controller loop)" || fail "delete: $out"

# --- authorization ---
out=$(k --context sim-readonly create -f "$TMP/vmim.yaml" 2>&1)
echo "$out" | grep -q 'Forbidden.*User "readonly" cannot create resource "virtualmachineinstancemigrations" in API group "kubevirt.io" in the namespace "e2e"' &&
  pass "readonly context: create is Forbidden" || fail "readonly create: $out"
[ "$(k --context sim-readonly get vmi -n e2e -o name | wc -l)" -eq 3 ] && pass "readonly context can read" || fail "readonly read"
out=$(k --context sim-cert get kv -n kubevirt kubevirt -o jsonpath='{.status.phase}' 2>&1)
[ "$out" = Deployed ] && pass "client-certificate context (CN sim-cert-user)" || fail "cert context: $out"
grep -q '"user":"sim-cert-user"' "$TMP/audit.jsonl" && pass "audit log records the certificate user" || fail "audit cert user"
k --context sim-cert auth whoami 2>&1 | grep -q 'sim-cert-user' && pass "kubectl auth whoami (SelfSubjectReview, protobuf body)" || fail "whoami"
[ "$(k auth can-i create virtualmachineinstancemigrations.kubevirt.io -n e2e 2>&1)" = yes ] &&
  k --context sim-readonly auth can-i create virtualmachineinstancemigrations.kubevirt.io -n e2e 2>&1 | grep -q '^no' &&
  [ "$(k --context sim-readonly auth can-i list pods -n e2e 2>&1)" = yes ] &&
  pass "kubectl auth can-i (SelfSubjectAccessReview) for admin and readonly" || fail "auth can-i"
out=$(timeout 30 kubectl --kubeconfig "$STATE/kubeconfig" --cache-dir "$TMP/cache" --token wrong get pods 2>&1)
echo "$out" | grep -qi 'unauthorized\|must be logged in' && pass "a wrong token is 401" || fail "wrong token: $out"
k get pods -n e2e --as someone --as-group team-a -o name >/dev/null 2>&1 &&
  grep -q '"impersonatedUser":"someone"' "$TMP/audit.jsonl" && grep -q '"impersonatedGroups":\["team-a"\]' "$TMP/audit.jsonl" &&
  pass "impersonation is recorded in the audit log" || fail "impersonation"
out=$(k --context sim-readonly get pods -n e2e --as someone 2>&1)
echo "$out" | grep -q 'cannot impersonate' && pass "readonly may not impersonate" || fail "readonly impersonation: $out"
grep -q 'sim-admin-token\|sim-readonly-token' "$TMP/audit.jsonl" && fail "audit log contains a token" || pass "audit log has no token values"

# --- eviction through kubectl drain: KubeVirt webhook, plain pod, PodDisruptionBudget ---
k drain e2e-worker-1 --pod-selector kubevirt.io=virt-launcher --force --dry-run=server --timeout=2s >/dev/null 2>&1
[ -z "$(k get vmi vmi-a -n e2e -o jsonpath='{.status.evacuationNodeName}')" ] && k get pod virt-launcher-vmi-a-abcde -n e2e >/dev/null 2>&1 &&
  pass "drain --dry-run=server changes nothing" || fail "dry-run drain changed state"
k uncordon e2e-worker-1 >/dev/null
out=$(k drain e2e-worker-2 --force --ignore-daemonsets --timeout=3s 2>&1)
echo "$out" | grep -q 'Eviction triggered evacuation of VMI \\"e2e/vmi-b\\"\|Eviction triggered evacuation of VMI "e2e/vmi-b"' &&
  pass "drain: the eviction webhook answered 429 and triggered evacuation" || fail "drain webhook: $out"
[ "$(k get vmi vmi-b -n e2e -o jsonpath='{.status.evacuationNodeName}')" = e2e-worker-2 ] &&
  pass "drain: vmi-b marked with status.evacuationNodeName" || fail "evacuationNodeName not set"
! k get pod plain -n e2e >/dev/null 2>&1 && pass "drain: the plain pod was evicted and deleted" || fail "plain pod still there"
[ "$(k get node e2e-worker-2 -o jsonpath='{.spec.unschedulable}')" = true ] && pass "drain cordoned the node" || fail "cordon"
out=$(k drain e2e-worker-1 --pod-selector app=guarded --force --timeout=3s 2>&1)
echo "$out" | grep -q "Cannot evict pod as it would violate the pod's disruption budget" &&
  pass "drain: PodDisruptionBudget answered 429" || fail "PDB: $out"
cat >"$TMP/pdb2.yaml" <<YAML
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: guarded-too, namespace: e2e}
spec:
  maxUnavailable: 1
  selector: {matchLabels: {app: guarded}}
YAML
k create -f "$TMP/pdb2.yaml" >/dev/null
out=$(k drain e2e-worker-1 --pod-selector app=guarded --force --timeout=3s 2>&1)
echo "$out" | grep -q "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support." &&
  pass "drain: two PodDisruptionBudgets answer 500" || fail "two PDBs: $out"
out=$(k drain e2e-worker-1 --pod-selector kubevirt.io=virt-launcher --force --timeout=3s 2>&1)
echo "$out" | grep -q 'vmi-c is configured with an eviction strategy but is not live-migratable' &&
  pass "drain: LiveMigrate but not migratable is denied" || fail "not migratable eviction: $out"

# --- clean shutdown ---
kill -TERM "$SIM_PID"
if wait_for 10 bash -c "! kill -0 $SIM_PID 2>/dev/null"; then
  [ ! -f "$STATE/ready.json" ] && pass "SIGTERM stops the simulator and removes ready.json" || fail "ready.json left behind"
  SIM_PID=
else
  fail "simulator did not stop on SIGTERM"
fi

if [ "$FAILURES" -ne 0 ]; then
  echo "$FAILURES check(s) failed; simulator log:"; cat "$TMP/sim.log"
  exit 1
fi
echo "all kubectl checks passed"

#!/usr/bin/env bash
# deploy/ on kubevirt-sim (whose RBAC is Kubernetes'): `kubectl apply -f deploy/` creates every object
# and changes nothing the second time; then the binary runs in-cluster (no kubeconfig: the token, ca.crt
# and namespace files at /var/run/secrets/kubernetes.io/serviceaccount, KUBERNETES_SERVICE_HOST/PORT)
# as the ServiceAccount, with the Job's command: the whole run passes and none of its requests is
# refused. Then for every rule of the ClusterRole, and every verb of each, that one alone is removed:
# `run` (or, for the verbs only it needs, `abort`) refuses in its preflight, exit 2, naming the
# missing permission. The fixed path is provided the way a kubelet does it, by a mount: the binary runs
# in its own mount namespace (unshare), so the test needs root or unprivileged user namespaces (else 77).
# Usage: in_cluster_test.sh BINARY SIM_BINARY DEPLOY_DIR
B=$1 SIM=$2 DEPLOY=$3
. "$(dirname "$0")/lib.sh"
command -v kubectl > /dev/null || { echo "kubectl not found: skipped"; exit 77; }
command -v unshare > /dev/null || { echo "unshare not found: skipped"; exit 77; }
if unshare --mount true 2> /dev/null; then
  UNSHARE=(unshare --mount)
elif unshare --user --map-root-user --mount true 2> /dev/null; then
  UNSHARE=(unshare --user --map-root-user --mount)
else
  echo "cannot make a mount namespace (neither root nor user namespaces): skipped"; exit 77
fi
SA_DIR=/var/run/secrets/kubernetes.io/serviceaccount
RUN=$(realpath /var/run)  # where the service-account path really lives (/run on Debian)

printf 'knobs:\n  timeScale: 100\n  migrationDuration: {min: 20s, max: 40s}\n  schedulingDelay: 1s\n  preparationDelay: 1s\n  restartDelay: 2s\n' > "$TMP/knobs.yaml"
start_sim "$SIM" --generate 40 --seed 8 --scenario "$TMP/knobs.yaml" --tick-ms 20
export KUBECONFIG="$KCFG"
PORT=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["port"])' "$SIMDIR/ready.json")
SA_USER=system:serviceaccount:workload-update:workload-update

# ---- kubectl apply -f deploy/: creates everything, then is idempotent
expect_status 0 "kubectl apply -f deploy/" -- kubectl apply -f "$DEPLOY"
for o in namespace/workload-update serviceaccount/workload-update clusterrole.rbac.authorization.k8s.io/workload-update \
         clusterrolebinding.rbac.authorization.k8s.io/workload-update job.batch/workload-update \
         cronjob.batch/workload-update-window; do
  expect_in "$TMP/out" "$o created" "apply creates $o"
done
expect_status 0 "kubectl apply -f deploy/ again" -- kubectl apply -f "$DEPLOY"
[ "$(grep -c ' unchanged$' "$TMP/out")" -eq 6 ] && pass || { fail "the second apply changed something"; cat "$TMP/out" >&2; }
expect_status 0 "kubectl get the applied objects" -- kubectl get -n workload-update sa/workload-update job/workload-update cronjob/workload-update-window

# ---- the ServiceAccount's token, laid out as the kubelet mounts it
mkdir -p "$TMP/sa" "$TMP/home"
kubectl create token workload-update -n workload-update > "$TMP/sa/token" 2> "$TMP/err" && [ -s "$TMP/sa/token" ] && pass ||
  { fail "kubectl create token"; cat "$TMP/err" >&2; }
cp "$SIMDIR/ca.crt" "$TMP/sa/ca.crt"
printf workload-update > "$TMP/sa/namespace"
KUBECONFIG= kubectl --server "https://127.0.0.1:$PORT" --certificate-authority "$TMP/sa/ca.crt" \
  --token "$(cat "$TMP/sa/token")" auth whoami -o jsonpath='{.status.userInfo.username}' > "$TMP/who" 2>&1
[ "$(cat "$TMP/who")" = "$SA_USER" ] && pass || fail "the token authenticates as $SA_USER (got $(cat "$TMP/who"))"

# in_cluster ARGS...: the binary as in the Job's pod: no kubeconfig, the service-account files mounted
# at their fixed path (a tmpfs over /run in a private mount namespace), the service's host and port.
in_cluster() {
  "${UNSHARE[@]}" sh -c 'mount -t tmpfs tmpfs "$1" && mkdir -p "$2" && cp "$3"/token "$3"/ca.crt "$3"/namespace "$2" &&
    shift 3 && exec "$@"' in_cluster "$RUN" "$SA_DIR" "$TMP/sa" \
    env -i PATH=/usr/bin:/bin HOME="$TMP/home" KUBERNETES_SERVICE_HOST=127.0.0.1 KUBERNETES_SERVICE_PORT="$PORT" \
    timeout 120 "$B" "$@"
}
# The Job's command (without its --timeout); --qps -1 lifts the client-side rate limit, so that the
# preflight's two dozen SelfSubjectAccessReviews do not take seconds each time.
RUN_ARGS=(run -A --pause-cluster-updater --yes -o json --qps -1)
# completed FILE RC: exit 0, the run's report says Completed, something was updated (unless NOTHING=1),
# nothing is stuck, skipped or unfinished.
completed() {
  python3 - "$1" "$2" "${NOTHING:-0}" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
r = json.loads(lines[-1]) if lines else {}
c = r.get("counts", {})
ok = r.get("result") == "Completed" and c.get("stuck") == 0 and c.get("unfinished") == 0
ok = ok and (sys.argv[3] == "1" or c.get("updated", 0) > 0)
ok = ok and sys.argv[2] == "0" and c.get("skipped") == 0
print("exit", sys.argv[2], r.get("result"), c, file=sys.stderr)
sys.exit(0 if ok else 1)
PY
}

# ---- the whole run, as the ServiceAccount
kubectl patch hyperconverged -n openshift-cnv kubevirt-hyperconverged --type merge \
  -p '{"spec":{"workloadUpdateStrategy":{"workloadUpdateMethods":["LiveMigrate","Evict"],"batchEvictionInterval":"2s"}}}' > /dev/null
# The VMIs no method can update (EvictionBlocked, evictionStrategy External) are taken out, so that a
# run that passes exits 0.
"$B" plan -A -o json | python3 -c '
import json, sys
for v in json.load(sys.stdin)["vmis"]:
    if v["action"] == "Skip": print(v["namespace"], v["name"])' > "$TMP/skipped"
gone() {  # gone NS KIND NAME: deleted, finalizers and all
  kubectl patch -n "$1" "$2" "$3" --type merge -p '{"metadata":{"finalizers":null}}' > /dev/null 2>&1
  kubectl delete -n "$1" "$2" "$3" --ignore-not-found --timeout 10s > /dev/null
}
while read -r ns name; do
  { gone "$ns" vm "$name" && gone "$ns" vmi "$name"; } || fail "delete $ns/$name"
done < "$TMP/skipped"
sim_api DELETE /_sim/audit > /dev/null
in_cluster "${RUN_ARGS[@]}" > "$TMP/run.out" 2> "$TMP/run.err"
completed "$TMP/run.out" $? && pass || { fail "the in-cluster run did not complete"; tail -5 "$TMP/run.err" >&2; }
expect_in "$TMP/run.out" '"reason":"UpdaterRestored"' "the in-cluster run restored KubeVirt's updater"
sim_api GET /_sim/audit > "$TMP/audit.json" || fail "read the audit log"
python3 - "$TMP/audit.json" "$SA_USER" <<'PY' && pass || fail "the ServiceAccount's requests"
import json, sys
a = [r for r in json.load(open(sys.argv[1])) if r.get("user") == sys.argv[2]]
refused = [(r["verb"], r["resource"], r["subresource"], r["namespace"], r["code"]) for r in a if r.get("code") in (401, 403)]
assert len(a) > 20, len(a)
assert not refused, refused
PY

# ---- one rule, or one verb of a rule, removed: the preflight refuses
ROLE="$DEPLOY/02-clusterrole.yaml"
python3 - "$ROLE" > "$TMP/removals" <<'PY'
import sys, yaml
rules = yaml.safe_load(open(sys.argv[1]))["rules"]
for i, r in enumerate(rules):
    res = r["resources"][0]
    for v in r["verbs"]:
        print(i, v, res)            # this verb of rule i
    if len(r["verbs"]) > 1:
        print(i, "-", res)          # the whole rule i
PY
# without RULE VERB: the role less that verb ("-": less the whole rule), applied with kubectl
without() {
  python3 - "$ROLE" "$1" "$2" > "$TMP/role.yaml" <<'PY'
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
i, verb = int(sys.argv[2]), sys.argv[3]
if verb == "-" or doc["rules"][i]["verbs"] == [verb]:
    del doc["rules"][i]
else:
    doc["rules"][i]["verbs"].remove(verb)
yaml.safe_dump(doc, sys.stdout)
PY
  kubectl apply -f "$TMP/role.yaml" > /dev/null || fail "apply the role without rule $1 verb $2"
}
# refused_by VERB RESOURCE -- command...: exit 2 and an "error: preflight" line naming the permission
refused_by() {
  local verb=$1 res=$2; shift 3
  in_cluster "$@" > "$TMP/o" 2> "$TMP/e"
  local rc=$?
  [ "$rc" -eq 2 ] || return 1
  local v=$verb
  [ "$v" = "-" ] && v='[a-z]+'
  grep -E "^error: preflight: .*cannot $v (resource \")?$res[\" ]" "$TMP/e" > /dev/null
}
# warned_by VERB RESOURCE -- command...: an optional permission (placement's nodes; list/watch of the
# run Lease, which shows an abort at once): the run goes on, exit 0, with a "Warning: preflight" line naming it
warned_by() {
  local verb=$1 res=$2; shift 3
  case "$res:$verb" in nodes:* | leases:list | leases:watch) ;; *) return 1 ;; esac
  in_cluster "$@" > "$TMP/o" 2> "$TMP/e" || return 1
  local v=$verb
  [ "$v" = "-" ] && v='[a-z]+'
  grep -E "^Warning: preflight: .*cannot $v $res .*the run goes on without it" "$TMP/e" > /dev/null
}
check_removals() {  # check_removals FILE: the removals that no command refused go to $TMP/left
  : > "$TMP/left"
  while read -r i verb res; do
    without "$i" "$verb"
    if refused_by "$verb" "$res" -- "${RUN_ARGS[@]}" || refused_by "$verb" "$res" -- abort --cancel-migrations --qps -1 ||
      warned_by "$verb" "$res" -- "${RUN_ARGS[@]}"; then
      pass
    else
      echo "$i $verb $res" >> "$TMP/left"
    fi
  done < "$1"
  kubectl apply -f "$ROLE" > /dev/null || fail "re-apply the full role"
}
check_removals "$TMP/removals"
# What only a cluster without HCO needs (the KubeVirt CR paused instead of the HyperConverged CR).
gone openshift-cnv hyperconverged kubevirt-hyperconverged || fail "delete the HCO"
cp "$TMP/left" "$TMP/removals.nohco"
check_removals "$TMP/removals.nohco"
while read -r i verb res; do
  fail "without rule $i ($res) verb $verb neither run nor abort refused in the preflight"
  sed 's/^/  | /' "$TMP/e" | head -5 >&2
done < "$TMP/left"
[ "$(wc -l < "$TMP/removals")" -gt 20 ] && pass || fail "too few removals checked"

# ---- and with the whole role again, the run passes (nothing left to do; the KubeVirt CR paused now)
in_cluster "${RUN_ARGS[@]}" > "$TMP/run.out" 2> "$TMP/run.err"
NOTHING=1 completed "$TMP/run.out" $? && pass || { fail "the full role again: the run does not pass"; tail -5 "$TMP/run.err" >&2; }
finish

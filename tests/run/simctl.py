#!/usr/bin/env python3
"""Small client of kubevirt-sim for the test: requests with the admin token, and the analyses."""
import json, os, ssl, sys, urllib.error, urllib.request
sys.path.insert(0, os.environ["CHECK_DIR"])
from check_invariants import server_url, tool_vmims  # noqa: E402

TOOL_UA = "kubectl-workload_update/"


def req(d, method, path, body=None, ctype="application/json"):
    url = server_url(os.path.join(d, "kubeconfig")) + path
    ctx = ssl.create_default_context(cafile=os.path.join(d, "ca.crt"))
    data = body.encode() if isinstance(body, str) else (json.dumps(body).encode() if body is not None else None)
    r = urllib.request.Request(url, data=data, method=method, headers={
        "Authorization": "Bearer sim-admin-token", "Accept": "application/json", "Content-Type": ctype})
    try:
        with urllib.request.urlopen(r, context=ctx, timeout=30) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def get(d, path):
    code, body = req(d, "GET", path)
    if code >= 300:
        raise SystemExit("GET %s: %d %s" % (path, code, body[:300]))
    return json.loads(body)


def vmis(d):
    return get(d, "/apis/kubevirt.io/v1/virtualmachineinstances").get("items") or []


def key(ns, name):
    return "%s/%s" % (ns, name)


def plan_vmis(f):
    return json.load(open(f))["vmis"]


def report(f):
    """The last line of a -o json run output, if it is the report."""
    last = None
    for line in open(f, errors="replace"):
        line = line.strip()
        if line.startswith("{"):
            try:
                last = json.loads(line)
            except ValueError:
                pass
    return last if last and last.get("kind") == "WorkloadUpdateRunReport" else None


def events(f, name=None):
    out = []
    for line in open(f, errors="replace"):
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            o = json.loads(line)
        except ValueError:
            continue
        if "event" in o and (name is None or o["event"] == name):
            out.append(o)
    return out


def cmd_req(d, method, path, body=None, ctype="application/json"):
    code, out = req(d, method, path, body, ctype)
    sys.stdout.write(out.decode(errors="replace"))
    return 0 if code < 300 else 1


def cmd_kubevirt_methods_empty(d):
    """Waits (bounded) until every KubeVirt CR has no workloadUpdateMethods: the simulated HCO reconciles it
    from the HyperConverged CR."""
    import time
    for _ in range(200):
        items = get(d, "/apis/kubevirt.io/v1/kubevirts")["items"]
        if all(not kv.get("spec", {}).get("workloadUpdateStrategy", {}).get("workloadUpdateMethods") for kv in items):
            return 0
        time.sleep(0.05)
    print("the KubeVirt CR still has workloadUpdateMethods", file=sys.stderr)
    return 1

def cmd_seq(d):
    a = get(d, "/_sim/audit")
    print(max((r.get("seq", 0) for r in a), default=0))


def cmd_must(plan, with_restarts="1"):
    """VMIs that must end Running the current image: planned LiveMigrate (LiveMigratable), and
    planned evictions of VMs with runStrategy Always (restarted with the current image)."""
    must = [key(v["namespace"], v["name"]) for v in plan_vmis(plan)
            if (v["action"] == "LiveMigrate" and v["reason"] == "LiveMigratable")
            or (with_restarts == "1" and v["action"] == "Evict" and v.get("runStrategy") == "Always")]
    print(json.dumps(must))


def cmd_names(plan, field=None, value=None):
    """JSON list of ns/name of the plan's VMIs (optionally whose FIELD == VALUE)."""
    print(json.dumps([key(v["namespace"], v["name"]) for v in plan_vmis(plan)
                      if field is None or str(v.get(field)) == value]))


def cmd_limits(plan):
    s = json.load(open(plan))["strategy"]
    print(s["parallelMigrationsPerCluster"], s["parallelOutboundMigrationsPerNode"])


def cmd_strip_restart_finalizers(d, plan):
    """Work around a simulator limitation: generated VMIs carry the finalizers
    kubevirt.io/virtualMachineControllerFinalize and foregroundDeleteVirtualMachine that nothing
    releases, so the simulated VM controller's delete of a shut-down runStrategy Always VMI never
    completes and the VM is never restarted. Drop them from the VMIs the plan evicts."""
    n = 0
    for v in plan_vmis(plan):
        if v["action"] == "Evict":
            code, body = req(d, "PATCH", "/apis/kubevirt.io/v1/namespaces/%s/virtualmachineinstances/%s"
                             % (v["namespace"], v["name"]), {"metadata": {"finalizers": None}},
                             "application/merge-patch+json")
            if code >= 300:
                raise SystemExit("patch %s: %d %s" % (v["name"], code, body[:300]))
            n += 1
    print(n)


def cmd_snapshot(d, out):
    snap = {}
    for v in vmis(d):
        md, st = v["metadata"], v.get("status") or {}
        snap[key(md["namespace"], md["name"])] = {"uid": md.get("uid"), "node": st.get("nodeName", ""),
                                                   "image": st.get("launcherContainerImageVersion", ""),
                                                   "phase": st.get("phase", "")}
    json.dump(snap, open(out, "w"))


def cmd_untouched(d, before, scope_json):
    """Every VMI outside the scope keeps its UID, phase, node and launcher image, unless a VMIM that
    the tool did not create concerns it (a migration already in flight when the fleet was made)."""
    snap = json.load(open(before))
    scope = set(json.loads(scope_json))
    others = {it.get("namespace", "") + "/" + it.get("vmiName", "")
              for it in get(d, "/_sim/migrations").get("items") or [] if not it.get("name", "").startswith("workload-update-")}
    now = {}
    for v in vmis(d):
        md, st = v["metadata"], v.get("status") or {}
        now[key(md["namespace"], md["name"])] = {"uid": md.get("uid"), "node": st.get("nodeName", ""),
                                                  "image": st.get("launcherContainerImageVersion", ""),
                                                  "phase": st.get("phase", "")}
    bad, n = [], 0
    for k, was in sorted(snap.items()):
        if k in scope:
            continue
        n += 1
        cur = now.get(k)
        if cur is None:
            bad.append("%s: gone" % k)
        elif cur["uid"] != was["uid"]:
            bad.append("%s: new UID (restarted)" % k)
        elif k not in others and cur != was:
            bad.append("%s: %s -> %s" % (k, was, cur))
    print("%d VMIs outside the scope checked" % n)
    for b in bad:
        print("  " + b)
    return 1 if bad else 0


def cmd_report_exit(f):
    """The exit status the report implies: 0 when everything in scope is done, else 1."""
    r = report(f)
    if r is None:
        print("none")
        return 1
    c = r.get("counts") or {}
    bad = r.get("result") != "Completed" or any(c.get(k, 0) for k in ("stuck", "skipped", "unfinished"))
    print(1 if bad else 0)
    return 0


def cmd_report_field(f, expr):
    r = report(f) or {}
    print(json.dumps(eval(expr, {"r": r})))


def cmd_plan_vs_report(plan, f):
    """The run takes the plan's decisions: skipped = planned Skip, stays down = planned evictions of
    VMs that do not restart them, updated covers the planned migrations."""
    p, r = plan_vmis(plan), report(f) or {}
    names = lambda lst: sorted(key(e["namespace"], e["name"]) for e in lst)  # noqa: E731
    want_skip = sorted(key(v["namespace"], v["name"]) for v in p if v["action"] == "Skip")
    want_down = sorted(key(v["namespace"], v["name"]) for v in p
                       if v["action"] == "Evict" and v.get("runStrategy") not in ("Always",))
    want_upd = {key(v["namespace"], v["name"]) for v in p if v["action"] == "LiveMigrate"}
    bad = []
    if names(r.get("skipped") or []) != want_skip:
        bad.append("skipped %s, plan Skip %s" % (names(r.get("skipped") or []), want_skip))
    if names(r.get("staysDown") or []) != want_down:
        bad.append("stays down %s, plan %s" % (names(r.get("staysDown") or []), want_down))
    missing = want_upd - set(names(r.get("updated") or []))
    if missing:
        bad.append("planned migrations not reported updated: %s" % sorted(missing))
    for b in bad:
        print(b)
    return 1 if bad else 0


def cmd_check(d, since, expect_file, label):
    """Runs the checker; prints one line per invariant: PASS/FAIL/SKIP name, details indented."""
    import subprocess
    p = subprocess.run([sys.executable, os.path.join(os.environ["CHECK_DIR"], "check_invariants.py"),
                        "--state-dir", d, "--since", str(since), "--expect", expect_file, "--json"],
                       capture_output=True, text=True, timeout=120)
    try:
        results = json.loads(p.stdout)
    except ValueError:
        print("ERROR %s: checker exit %d: %s %s" % (label, p.returncode, p.stdout[-500:], p.stderr[-500:]))
        return
    for r in results:
        det = r["details"] or [""]
        st = "SKIP" if r["ok"] and det[0].startswith("skipped") else ("PASS" if r["ok"] else "FAIL")
        print("%s %s %s: %s" % (st, label, r["name"], det[0]))
        for x in det[1:21]:
            print("    - " + x)


def cmd_lease(d):
    code, body = req(d, "GET", "/apis/coordination.k8s.io/v1/namespaces/kubevirt/leases/kubectl-workload-update")
    if code >= 300:
        print("missing %d" % code)
        return
    o = json.loads(body)
    ann = (o.get("metadata") or {}).get("annotations") or {}
    print("holder=%r state=%s run=%s" % ((o.get("spec") or {}).get("holderIdentity", ""),
                                         ann.get("workload-update.kubevirt.io/run-state", ""),
                                         ann.get("workload-update.kubevirt.io/run-id", "")))


def cmd_user_mutations(d, since, until, user):
    """Successful writes by USER in the audit window (seq in (since, until]), access reviews aside."""
    a = [r for r in get(d, "/_sim/audit?since=%d" % int(since)) if r.get("seq", 0) <= int(until)]
    mine = [r for r in a if r.get("user") == user]
    muts = [r for r in mine if r.get("verb") in ("create", "update", "patch", "delete", "deletecollection", "evict")
            and r.get("resource") not in ("selfsubjectaccessreviews", "selfsubjectreviews")
            and isinstance(r.get("code"), int) and 200 <= r["code"] < 300]
    print("%d requests by %s, %d successful writes" % (len(mine), user, len(muts)))
    for r in muts:
        print("  %s %s %s/%s (seq %s, code %s)" % (r.get("verb"), r.get("resource"), r.get("namespace"),
                                                  r.get("name"), r.get("seq"), r.get("code")))
    return 0 if mine and not muts else 1


def cmd_tool_vmims_per_vmi(d, since, ns):
    """Tool-created VMIMs (audit creates paired with the migration history) per VMI of NS."""
    audit = get(d, "/_sim/audit?since=%d" % int(since))
    per = {}
    for r, it in tool_vmims(audit, get(d, "/_sim/migrations"), TOOL_UA):
        if it is not None and it.get("namespace") == ns:
            per[it.get("vmiName")] = per.get(it.get("vmiName"), 0) + 1
    print(json.dumps(per, sort_keys=True))


def cmd_annotate(d, plan, count, annotation, value):
    """Sets ANNOTATION=VALUE on the first COUNT planned LiveMigrate VMIs; prints them."""
    done = []
    for v in plan_vmis(plan):
        if len(done) >= int(count):
            break
        if v["action"] == "LiveMigrate":
            code, body = req(d, "PATCH", "/apis/kubevirt.io/v1/namespaces/%s/virtualmachineinstances/%s"
                             % (v["namespace"], v["name"]), {"metadata": {"annotations": {annotation: value}}},
                             "application/merge-patch+json")
            if code >= 300:
                raise SystemExit("patch %s: %d" % (v["name"], code))
            done.append(key(v["namespace"], v["name"]))
    print(json.dumps(done))


def cmd_tool_window(d, since, until):
    """Successful tool writes with seq in (since, until]: Lease writes, VMIM creates, evictions."""
    a = [r for r in get(d, "/_sim/audit?since=%d" % int(since)) if r.get("seq", 0) <= int(until)
         and (r.get("userAgent") or "").startswith(TOOL_UA) and isinstance(r.get("code"), int)
         and 200 <= r["code"] < 300 and not r.get("dryRun")]
    lease = sum(1 for r in a if r.get("resource") == "leases" and r.get("verb") in ("create", "update", "patch"))
    vmims = sum(1 for r in a if r.get("resource") == "virtualmachineinstancemigrations" and r.get("verb") == "create")
    evict = sum(1 for r in a if r.get("verb") == "evict" or r.get("subresource") == "eviction")
    print(lease, vmims, evict)


def cmd_faults_fired(d):
    f = get(d, "/_sim/faults")
    print(sum(int(r.get("fired") or 0) for r in f.get("rules") or []))


if __name__ == "__main__":
    fn = globals()["cmd_" + sys.argv[1].replace("-", "_")]
    sys.exit(fn(*sys.argv[2:]) or 0)

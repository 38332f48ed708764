#!/usr/bin/env python3
"""Judges of tests/run/fidelity_test.sh, from kubevirt-sim's audit log, migration history and objects.

  python3 fidelity_checks.py CHECK SIMDIR ARGS...

Each check prints one summary line, then one line per violation, and exits 1 on a violation. The
tool's own output is read only for its report (stuck and skipped lists) where a check says so.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_invariants import is_2xx, is_evict, is_tool, parse_time, tool_vmims, vmi_of_launcher_name  # noqa: E402
from simctl import get, report, vmis  # noqa: E402

TOOL_UA = "kubectl-workload_update/"


def key(ns, name):
    return "%s/%s" % (ns, name)


def audit(d, since=0):
    return get(d, "/_sim/audit?since=%d" % int(since))


def arrival(rec):
    """Real time (s) a request reached the server: its record's time less the answer's latency."""
    return parse_time(rec["time"]) - float(rec.get("latencyMs") or 0) / 1000.0


def plan_vmis(f):
    return json.load(open(f))["vmis"]


def finish(summary, bad):
    print(summary)
    for b in bad[:30]:
        print("  " + b)
    return 1 if bad else 0


def rollout_marks(a):
    """(start record, switch record, end record) of the simulated virt-operator's rollout."""
    start = switch = end = None
    for r in a:
        if r.get("controller") != "virt-operator":
            continue
        det = r.get("detail") or ""
        if start is None and det.startswith("rollout to ") and "targetDeploymentID" in det:
            start = r
        elif det == "virt-controller rolled over":
            switch = r
        elif det.startswith("rollout to ") and " done: " in det:
            end = r
    return start, switch, end


def cmd_no_create_while_rolling(d, since, grace):
    """No tool VMIM create reaches the server between the rollout's start (plus GRACE real seconds: a
    create decided before the change was visible) and its end, when KubeVirt is Deployed again."""
    a = audit(d, since)
    start, _, end = rollout_marks(a)
    if start is None or end is None:
        return finish("rollout not found in the audit log (start %s, end %s)" % (start is not None, end is not None),
                      ["no rollout"])
    t0, t1 = parse_time(start["time"]) + float(grace), parse_time(end["time"])
    creates = [r for r in a if is_tool(r, TOOL_UA) and r.get("verb") == "create"
               and r.get("resource") == "virtualmachineinstancemigrations" and is_2xx(r.get("code"))]
    inside = [r for r in creates if t0 < arrival(r) < t1]
    before = sum(1 for r in creates if arrival(r) <= t0)
    after = sum(1 for r in creates if arrival(r) >= t1)
    return finish("%d tool VMIM creates before the rollout, %d during (%.1f s), %d after"
                  % (before, len(inside), t1 - t0, after),
                  ["created %s/%s at %s while KubeVirt was rolling out" % (r.get("namespace"), r.get("name"), r["time"])
                   for r in inside] + ([] if before and after else ["the rollout did not fall inside the run"]))


def cmd_on_image(d, run_out, image):
    """Every Running VMI is on IMAGE, or the run's report names it (stuck, skipped, unfinished)."""
    r = report(run_out) or {}
    named = {key(e["namespace"], e["name"]) for f in ("stuck", "skipped", "unfinished") for e in r.get(f) or []}
    bad, n = [], 0
    for v in vmis(d):
        st = v.get("status") or {}
        if st.get("phase") != "Running":
            continue
        n += 1
        k = key(v["metadata"]["namespace"], v["metadata"]["name"])
        if st.get("launcherContainerImageVersion") != image and k not in named:
            bad.append("%s: on %s and not reported" % (k, st.get("launcherContainerImageVersion")))
    return finish("%d Running VMIs: each on %s or reported (%d reported)" % (n, image, len(named)), bad)


def cmd_once_per_image(d, since):
    """Per VMI, at most one of the tool's migrations succeeds per target image: targets created
    before the new virt-controller leads get the old image, later ones the new image."""
    a = audit(d, since)
    _, switch, _ = rollout_marks(a)
    if switch is None:
        return finish("no virt-controller hand-over in the audit log", ["no rollout"])
    t_switch = parse_time(switch["simTime"])
    per = {}
    for rec, it in tool_vmims(a, get(d, "/_sim/migrations"), TOOL_UA):
        if it is None or not any(p.get("phase") == "Succeeded" for p in it.get("phases") or []):
            continue
        sched = [float(p["t"]) for p in it.get("phases") or [] if p.get("phase") == "Scheduling"]
        if not sched:
            continue
        image = "new" if sched[0] >= t_switch else "old"
        per.setdefault(key(it["namespace"], it["vmiName"]), []).append(image)
    bad = ["%s: %d successful migrations to the %s image" % (k, imgs.count(i), i)
           for k, imgs in sorted(per.items()) for i in ("old", "new") if imgs.count(i) > 1]
    twice = sum(1 for imgs in per.values() if len(imgs) == 2)
    return finish("%d VMIs migrated by the tool, %d of them once to each image" % (len(per), twice),
                  bad + ([] if twice else ["no VMI was migrated again to the new image"]))


def first_pass(a):
    """The in-cluster updater's first pass: its records within 2.5 simulated seconds of its first one
    (a pass takes a few milliseconds; the next comes 5 simulated seconds later)."""
    recs = [r for r in a if r.get("controller") == "workload-updater"
            and (r.get("verb") == "evict" or (r.get("verb") == "create"
                                              and r.get("resource") == "virtualmachineinstancemigrations"))]
    if not recs:
        return []
    t = min(parse_time(r["simTime"]) for r in recs)
    return [r for r in recs if parse_time(r["simTime"]) < t + 2.5]


def cmd_first_pass_equals_plan(d, since, plan):
    """The VMIs the simulator's own updater migrates, tries to evict and shuts down in its first pass
    are exactly those the plan predicts (the limits are high enough for one pass to take them all)."""
    recs = first_pass(audit(d, since))
    migrated = {r["detail"].rsplit(" ", 1)[-1] for r in recs if r.get("verb") == "create"}
    attempted = {key(r["namespace"], vmi_of_launcher_name(r["name"]) or r["name"]) for r in recs if r["verb"] == "evict"}
    shut = {key(r["namespace"], vmi_of_launcher_name(r["name"]) or r["name"]) for r in recs
            if r["verb"] == "evict" and is_2xx(r.get("code"))}
    p = plan_vmis(plan)
    want_mig = {key(v["namespace"], v["name"]) for v in p if v["execution"] == "CreateMigration"}
    # KubeVirt's eviction list holds every VMI headed for an eviction, refused ones too
    # (workload-updater.go, getUpdateData); a VMI without a launcher pod gets no eviction request.
    want_try = {key(v["namespace"], v["name"]) for v in p if v["execution"] in ("EvictForMigration", "EvictAndShutDown")
                or v["reason"] in ("EvictionBlocked", "ExternalEviction")}
    want_shut = {key(v["namespace"], v["name"]) for v in p if v["execution"] == "EvictAndShutDown"}
    bad = []
    for what, got, want in (("migrated", migrated, want_mig), ("evictions tried", attempted, want_try),
                            ("shut down", shut, want_shut)):
        if got != want:
            bad.append("%s: only the updater %s; only the plan %s" % (what, sorted(got - want), sorted(want - got)))
    return finish("first pass: %d migrations, %d evictions tried, %d shut down; plan %d, %d, %d"
                  % (len(migrated), len(attempted), len(shut), len(want_mig), len(want_try), len(want_shut)),
                  bad + ([] if want_mig and want_shut else ["the fleet gives the comparison nothing to compare"]))


def cmd_drift_warning(plan):
    """The plan's warnings[] has KubeVirtDrift naming the jsonpatch annotation."""
    w = [x for x in json.load(open(plan)).get("warnings") or [] if x.get("code") == "KubeVirtDrift"]
    text = json.dumps(w)
    bad = [] if w and "kubevirt.kubevirt.io/jsonpatch" in text else ["no KubeVirtDrift warning naming the jsonpatch: %s" % text[:400]]
    return finish("%d KubeVirtDrift warning(s)" % len(w), bad)


def rounds(times_and_keys, gap):
    """Groups (time, key) by time: a new group starts after a pause longer than GAP seconds."""
    out, last = [], None
    for t, k in sorted(times_and_keys):
        if last is None or t - last > gap:
            out.append(set())
        out[-1].add(k)
        last = t
    return out


def compare_groups(got, plan_vmis_, field, what):
    """The run's groups against the plan's: the VMIs whose FIELD (wave, batch) is 1, 2, ...
    Returns (want, differences)."""
    n = max([v[field] or 0 for v in plan_vmis_] + [0])
    want = [{key(v["namespace"], v["name"]) for v in plan_vmis_ if v[field] == k} for k in range(1, n + 1)]
    bad = ["%s %d: only the run %s; only the plan %s" % (field, i + 1, sorted(g - w), sorted(w - g))
           for i, (g, w) in enumerate(zip(got, want)) if g != w]
    if len(got) != len(want):
        bad.append("the run made %d %s, the plan has %d" % (len(got), what, len(want)))
    return want, bad


def cmd_waves_equal(d, since, plan, gap):
    """The tool's VMIM creates, grouped into rounds by time, are the plan's migration waves."""
    a = audit(d, since)
    got = rounds([(arrival(r), key(it["namespace"], it["vmiName"])) for r, it in tool_vmims(a, get(d, "/_sim/migrations"), TOOL_UA)
                  if it is not None], float(gap))
    want, bad = compare_groups(got, plan_vmis(plan), "wave", "rounds of VMIM creates")
    return finish("run: %d rounds of VMIM creates %s; plan: %d waves %s"
                  % (len(got), [len(g) for g in got], len(want), [len(w) for w in want]),
                  bad + ([] if len(want) >= 2 else ["fewer than two waves: nothing to compare"]))


def cmd_batches_equal(d, since, plan, gap):
    """The tool's evictions, grouped into batches by time, are the plan's eviction batches."""
    a = audit(d, since)
    got = rounds([(arrival(r), key(r["namespace"], vmi_of_launcher_name(r["name"]) or r["name"])) for r in a
                  if is_tool(r, TOOL_UA) and is_evict(r) and not r.get("dryRun")], float(gap))
    p = plan_vmis(plan)
    want, bad = compare_groups(got, p, "batch", "eviction batches")
    etm = sum(1 for v in p if v["execution"] == "EvictForMigration" and v["batch"])
    return finish("run: %d eviction batches %s; plan: %d %s, %d EvictionTriggersMigration VMIs among them"
                  % (len(got), [len(g) for g in got], len(want), [len(w) for w in want], etm),
                  bad + ([] if etm and len(want) >= 2 else ["no EvictionTriggersMigration VMI or fewer than two batches"]))


def foreign_vmims(picked):
    """The admin's VMIMs of the test: admin-move-I for the first five picked VMIs."""
    return ["%s/admin-move-%d" % (k.split("/")[0], i) for i, k in enumerate(picked[:5])]


def cmd_pending_cleanup(d, since, picked_json, run_out):
    """The tool deleted its own VMIM of the sixth picked VMI (stuck Pending) and counted the attempt
    with the VMIM's condition; it reported the five with a foreign Pending VMIM stuck, touched none of
    those VMIMs, and updated the other VMIs regardless."""
    a = audit(d, since)
    picked = json.loads(picked_json)
    own, foreign = picked[5], set(foreign_vmims(picked))
    ns, name = own.split("/")
    dels = [r for r in a if is_tool(r, TOOL_UA) and r.get("verb") == "delete"
            and r.get("resource") == "virtualmachineinstancemigrations" and is_2xx(r.get("code"))]
    own_vmims = {r["name"] for r, it in tool_vmims(a, get(d, "/_sim/migrations"), TOOL_UA)
                 if it is not None and it["vmiName"] == name and it["namespace"] == ns}
    bad = []
    if not own_vmims or not all(any(r["name"] == m for r in dels) for m in own_vmims):
        bad.append("the tool's VMIM(s) %s of %s not all deleted (deletes: %s)" % (sorted(own_vmims), own,
                                                                            [r["name"] for r in dels]))
    touched = [r["name"] for r in dels if key(r["namespace"], r["name"]) in foreign]
    if touched:
        bad.append("the tool deleted foreign VMIMs %s" % touched)
    r = report(run_out) or {}
    stuck = {key(e["namespace"], e["name"]): e for e in r.get("stuck") or []}
    e = stuck.get(own)
    if e is None:
        bad.append("%s not reported stuck (stuck: %s)" % (own, sorted(stuck)))
    elif "migrationRejectedByResourceQuota" not in json.dumps(e.get("failedAttempts") or []):
        bad.append("%s: failed attempts do not name migrationRejectedByResourceQuota: %s" % (own, e.get("failedAttempts")))
    for k in picked[:5]:
        e = stuck.get(k)
        if e is None or e.get("reason") != "ForeignMigrationPending" or "migrationRejectedByResourceQuota" not in e.get("message", ""):
            bad.append("%s: not reported stuck with ForeignMigrationPending naming the VMIM's condition: %s" % (k, e))
    if sorted(stuck) != sorted(picked):
        bad.append("stuck %s, want the six picked VMIs" % sorted(stuck))
    if not r.get("updated"):
        bad.append("nothing updated: the foreign Pending VMIMs stopped the run")
    return finish("own VMIMs %s deleted; %d VMIs updated; %d stuck; %d foreign VMIMs left alone"
                  % (sorted(own_vmims), len(r.get("updated") or []), len(stuck), len(foreign)), bad)


def cmd_foreign_pending(d, picked_json):
    """Every foreign VMIM is still Pending with migrationRejectedByResourceQuota."""
    bad, names = [], foreign_vmims(json.loads(picked_json))
    for k in names:
        ns, name = k.split("/")
        o = get(d, "/apis/kubevirt.io/v1/namespaces/%s/virtualmachineinstancemigrations/%s" % (ns, name))
        st = o.get("status") or {}
        conds = [c.get("type") for c in st.get("conditions") or []]
        if st.get("phase") not in ("", None, "Pending") or "migrationRejectedByResourceQuota" not in conds:
            bad.append("%s: phase %r, conditions %s" % (k, st.get("phase"), conds))
    return finish("%d foreign VMIMs Pending, rejected by the quota" % len(names), bad)


if __name__ == "__main__":
    sys.exit(globals()["cmd_" + sys.argv[1].replace("-", "_")](*sys.argv[2:]) or 0)

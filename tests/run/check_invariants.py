#!/usr/bin/env python3
"""Safety invariants of a `kubectl workload-update run`, judged only from kubevirt-sim's records.

Usage:
  python3 tests/run/check_invariants.py --state-dir SIMDIR [--since SEQ] --expect FILE [--json]

SIMDIR is the simulator's --state-dir (kubeconfig, ca.crt). The checker reads
GET /_sim/audit?since=SEQ, GET /_sim/migrations, the VMIs, the virt-launcher pods,
the VMIMs and the virt-controller Deployment (for the current launcher image) with
the admin token, never the tool's own output.

Expectations file (JSON; every key optional unless its invariant is wanted):
  {"toolUserAgentPrefix": "kubectl-workload_update/",
   "parallelMigrationsPerCluster": 5, "parallelOutboundMigrationsPerNode": 2,   # null: not checked
   "batchSize": 3, "batchIntervalSeconds": 10,                                 # null: not checked
   "batchClock": "real",            # "real": audit `time` - `latencyMs` (request arrival);
                                    # "sim": audit `simTime` (controller records only)
   "batchToleranceSeconds": 0,      # windows are [t, t + interval - tolerance): absorbs clock jitter
   "scopeNamespaces": ["ns1"],      # null: every namespace
   "scopeVmis": ["ns1/vm-a"],       # null: any VMI of scopeNamespaces
   "mustBeUpdated": ["ns1/vm-a"],
   "maxAttempts": 3,                # null: not checked
   "expectNoToolMutations": false,
   "noToolMutationsAllowDryRun": false,   # true: dryRun=All writes do not break expectNoToolMutations
   "ignoredResources": ["leases", "selfsubjectaccessreviews", "selfsubjectreviews"]}

Invariants: updated, migration-limits, eviction-batches, no-double-eviction, scope,
no-duplicate-migrations, no-tool-mutations. Exit 0 when all pass, 1 when one fails,
2 on usage or connection errors.

The pure logic (check_* and check_all) takes plain lists/dicts and returns
(name, ok, details) tuples; details[0] is a summary line, the rest are violations.
A check whose expectations are null returns ok=True with details ["skipped: ..."].
"""

import argparse
import datetime
import gzip
import json
import math
import os
import re
import ssl
import sys
import urllib.error
import urllib.parse
import urllib.request

MUTATING_VERBS = ("create", "update", "patch", "delete", "deletecollection", "evict")
DEFAULT_IGNORED_RESOURCES = ("leases", "selfsubjectaccessreviews", "selfsubjectreviews")
ACTIVE_PHASES = ("Scheduling", "Scheduled", "PreparingTarget", "TargetReady", "Running")
FINAL_PHASES = ("Succeeded", "Failed")
LAUNCHER_PREFIX = "virt-launcher-"
DOMAIN_ANNOTATION = "kubevirt.io/domain"
INF = math.inf


# ---------------------------------------------------------------- helpers

_RFC3339 = re.compile(r"^(\d{4}-\d\d-\d\d)[Tt ](\d\d:\d\d:\d\d)(\.\d+)?([Zz]|[+-]\d\d:\d\d)$")


def parse_time(s):
    """RFC 3339 (any fraction, Z or offset) -> seconds since the epoch (float); None for empty."""
    if not s:
        return None
    m = _RFC3339.match(s.strip())
    if not m:
        raise ValueError("not an RFC 3339 time: %r" % s)
    dt = datetime.datetime.strptime(m.group(1) + "T" + m.group(2), "%Y-%m-%dT%H:%M:%S")
    t = dt.replace(tzinfo=datetime.timezone.utc).timestamp()
    if m.group(3):
        t += float("0" + m.group(3))
    off = m.group(4)
    if off not in ("Z", "z"):
        t -= (1 if off[0] == "+" else -1) * (int(off[1:3]) * 3600 + int(off[4:6]) * 60)
    return t


def fmt_t(t):
    if t is None:
        return "?"
    if t == INF:
        return "(still open)"
    ms = int(round(t * 1000))
    dt = datetime.datetime.fromtimestamp(ms // 1000, tz=datetime.timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (ms % 1000)


def is_2xx(code):
    return isinstance(code, int) and 200 <= code < 300


def blocked_by_fault(rec):
    """An injected fault that answered or dropped the request (a pure delay does not)."""
    f = rec.get("injectedFault") or ""
    return bool(f) and not f.startswith("delay")


def is_tool(rec, prefix):
    return (rec.get("userAgent") or "").startswith(prefix)


def is_evict(rec):
    return rec.get("verb") == "evict" or (rec.get("resource") == "pods" and rec.get("subresource") == "eviction")


def is_mutating(rec):
    return rec.get("verb") in MUTATING_VERBS or is_evict(rec)


def key(ns, name):
    return "%s/%s" % (ns or "", name or "")


def migration_items(migrations):
    if isinstance(migrations, dict):
        return migrations.get("items") or []
    return migrations or []


def vmi_of_launcher_name(pod_name):
    """virt-launcher-<vmi>-xxxxx -> <vmi>; None for other pods."""
    if not pod_name.startswith(LAUNCHER_PREFIX):
        return None
    rest = pod_name[len(LAUNCHER_PREFIX):]
    if "-" not in rest:
        return None
    vmi, suffix = rest.rsplit("-", 1)
    return vmi if vmi and suffix else None


def pod_index(pods):
    """(ns, name) -> pod for the pods that still exist."""
    out = {}
    for p in pods or []:
        md = p.get("metadata") or {}
        out[(md.get("namespace", ""), md.get("name", ""))] = p
    return out


def vmi_of_pod(ns, pod_name, pods_by_key):
    """(vmi name, vmi uid or None, how) for a pod; vmi name None when it is not a launcher."""
    p = pods_by_key.get((ns, pod_name))
    if p is not None:
        md = p.get("metadata") or {}
        dom = (md.get("annotations") or {}).get(DOMAIN_ANNOTATION)
        uid = None
        for ref in md.get("ownerReferences") or []:
            if ref.get("kind") == "VirtualMachineInstance":
                uid = ref.get("uid")
                if not dom:
                    dom = ref.get("name")
        if dom:
            return dom, uid, "annotation"
    return vmi_of_launcher_name(pod_name), None, "pod name"


def tool_vmims(audit, migrations, prefix):
    """The tool's successful, non-dry-run VMIM creates, each paired with its /_sim/migrations item.

    The audit record of a create carries the name the server assigned (generateName included);
    history items are matched by (namespace, name) in creation order, each item used once.
    Returns [(record, item or None)]."""
    items = migration_items(migrations)
    by_name = {}
    for it in items:
        by_name.setdefault((it.get("namespace", ""), it.get("name", "")), []).append(it)
    used = set()
    out = []
    for r in audit:
        if not (is_tool(r, prefix) and r.get("verb") == "create"
                and r.get("resource") == "virtualmachineinstancemigrations"
                and not r.get("subresource") and is_2xx(r.get("code")) and not r.get("dryRun")):
            continue
        match = None
        for it in by_name.get((r.get("namespace", ""), r.get("name", "")), []):
            if id(it) not in used:
                used.add(id(it))
                match = it
                break
        out.append((r, match))
    return out


def migration_end(item):
    """Simulated time at which a VMIM became final (or was deleted); INF while open."""
    for p in item.get("phases") or []:
        if p.get("phase") in FINAL_PHASES:
            return float(p["t"])
    d = parse_time(item.get("deleted"))
    return d if d is not None else INF


def active_interval(item):
    """(start, end) in simulated seconds of the active part of a migration, None if never active."""
    start = end = None
    for p in item.get("phases") or []:
        ph = p.get("phase")
        if start is None and ph in ACTIVE_PHASES:
            start = float(p["t"])
        elif start is not None and ph in FINAL_PHASES:
            end = float(p["t"])
            break
    if start is None:
        return None
    if end is None:
        d = parse_time(item.get("deleted"))
        end = d if d is not None else INF
    return start, max(start, end)


def sweep(intervals, limit):
    """intervals: [(start, end, label)]. Ends before starts at equal times, so an interval
    ending when another starts does not overlap it, and an empty one (start == end) never counts.

    Returns (peak, violations): each violation is a maximal period above limit as
    (start, end, peak, sorted labels active during it)."""
    events = []
    for i, (s, e, _) in enumerate(intervals):
        if s < e:
            events.append((s, 1, i))
            events.append((e, 0, i))
    events.sort(key=lambda ev: (ev[0], ev[1]))
    active = set()
    peak = 0
    violations = []
    cur = None
    for t, kind, i in events:
        if kind == 0:
            active.discard(i)
            if cur is not None and len(active) <= limit:
                cur[1] = t
                violations.append(tuple(cur[:3]) + (sorted(intervals[j][2] for j in cur[3]),))
                cur = None
        else:
            active.add(i)
            peak = max(peak, len(active))
            if len(active) > limit:
                if cur is None:
                    cur = [t, INF, len(active), set()]
                cur[2] = max(cur[2], len(active))
                cur[3] |= active
    if cur is not None:
        violations.append(tuple(cur[:3]) + (sorted(intervals[j][2] for j in cur[3]),))
    return peak, violations


def skipped(name, why):
    return (name, True, ["skipped: " + why])


# ---------------------------------------------------------------- invariants

def check_updated(vmis, current_image, must):
    name = "updated"
    must = must or []
    if not must:
        return (name, True, ["nothing to check (mustBeUpdated empty)"])
    by_key = {}
    for v in vmis or []:
        md = v.get("metadata") or {}
        by_key[key(md.get("namespace"), md.get("name"))] = v
    bad = []
    if not current_image:
        bad.append("current launcher image unknown (no --launcher-image in deployment kubevirt/virt-controller)")
    for k in must:
        v = by_key.get(k)
        if v is None:
            bad.append("%s: VMI not found" % k)
            continue
        st = v.get("status") or {}
        phase, image = st.get("phase", ""), st.get("launcherContainerImageVersion", "")
        if phase != "Running" or image != current_image:
            bad.append("%s: phase %r, launcher image %r (want Running with %r)" % (k, phase, image, current_image))
    return (name, not bad, ["%d VMIs must run %s" % (len(must), current_image or "?")] + bad)


def check_migration_limits(migrations, per_cluster, per_node, vmims=None, vmis=None):
    """All migrations (any creator); active from the first Scheduling..Running phase until
    Succeeded/Failed or deletion, on the simulated clock `t`.

    sourceNode comes from /_sim/migrations, else from the VMIM object's
    status.migrationState, else from a VMI whose migrationState.migrationUid is the VMIM's uid."""
    name = "migration-limits"
    if per_cluster is None and per_node is None:
        return skipped(name, "no limits given")
    fallback = {}
    for m in vmims or []:
        ms = (m.get("status") or {}).get("migrationState") or {}
        uid = (m.get("metadata") or {}).get("uid")
        if uid and ms.get("sourceNode"):
            fallback[uid] = ms["sourceNode"]
    for v in vmis or []:
        ms = (v.get("status") or {}).get("migrationState") or {}
        if ms.get("migrationUid") and ms.get("sourceNode"):
            fallback.setdefault(ms["migrationUid"], ms["sourceNode"])
    intervals, by_node, unknown_node = [], {}, []
    items = migration_items(migrations)
    for it in items:
        iv = active_interval(it)
        if iv is None:
            continue
        label = "%s (vmi %s)" % (key(it.get("namespace"), it.get("name")), it.get("vmiName", ""))
        intervals.append((iv[0], iv[1], label))
        src = it.get("sourceNode") or fallback.get(it.get("uid"), "")
        if src:
            by_node.setdefault(src, []).append((iv[0], iv[1], label))
        else:
            unknown_node.append(label)
    details, ok = [], True
    peak, viol = sweep(intervals, per_cluster if per_cluster is not None else INF)
    node_peak, node_peak_at = 0, ""
    node_viol = []
    for node in sorted(by_node):
        p, v = sweep(by_node[node], per_node if per_node is not None else INF)
        if p > node_peak:
            node_peak, node_peak_at = p, node
        node_viol.extend((node,) + x for x in v)
    summary = ("%d migrations seen, %d ever active; peak %d active cluster-wide (limit %s), "
               "peak %d outbound from one node%s (limit %s)"
               % (len(items), len(intervals), peak, per_cluster, node_peak,
                  " (%s)" % node_peak_at if node_peak_at else "", per_node))
    if unknown_node:
        summary += "; %d active migrations without a known source node (not counted per node)" % len(unknown_node)
    details.append(summary)
    if per_cluster is not None:
        for s, e, p, labels in viol:
            ok = False
            details.append("cluster: %d active > %d from %s to %s: %s"
                           % (p, per_cluster, fmt_t(s), fmt_t(e), ", ".join(labels)))
    if per_node is not None:
        for node, s, e, p, labels in node_viol:
            ok = False
            details.append("node %s: %d outbound > %d from %s to %s: %s"
                           % (node, p, per_node, fmt_t(s), fmt_t(e), ", ".join(labels)))
    return (name, ok, details)


def check_eviction_batches(audit, prefix, batch_size, interval, clock="real", tolerance=0.0):
    """The tool's eviction requests (not dry run, not answered or dropped by an injected fault,
    code != 0; refused ones count), paced as KubeVirt's workload updater paces its own (sync() in
    workload-updater.go): a batch starts with an eviction, holds every eviction that arrives within
    [start, start + interval - tolerance), and must hold at most batch_size; the next eviction after
    that window starts the next batch. So batch starts are at least an interval apart, however long a
    batch's own requests took to reach the server.

    clock "real": the request's arrival, audit `time` minus `latencyMs` (so a server-side or
    injected delay does not move it); "sim": audit `simTime` (controller records only)."""
    name = "eviction-batches"
    if batch_size is None or interval is None:
        return skipped(name, "no batchSize/batchIntervalSeconds given")
    field = "simTime" if clock == "sim" else "time"
    width = interval - (tolerance or 0.0)
    evs, details, ok = [], [], True
    for r in audit:
        if not (is_tool(r, prefix) and is_evict(r)) or r.get("dryRun") or blocked_by_fault(r) or r.get("code") == 0:
            continue
        t = parse_time(r.get(field))
        if t is None:
            ok = False
            details.append("eviction seq %s has no %s" % (r.get("seq"), field))
            continue
        if clock != "sim":
            t -= float(r.get("latencyMs") or 0) / 1000.0
        evs.append((t, r.get("seq"), key(r.get("namespace"), r.get("name")), r.get("code")))
    evs.sort()
    batches = []  # [start index, end index)
    i = 0
    while i < len(evs):
        j = i
        while j < len(evs) and evs[j][0] < evs[i][0] + width:
            j += 1
        batches.append((i, j))
        i = j
    worst, worst_at = 0, None
    viol = []
    for i, j in batches:
        n = j - i
        if n > worst:
            worst, worst_at = n, evs[i][0]
        if n > batch_size:
            viol.append("%d evictions in [%s, +%gs): %s" % (
                n, fmt_t(evs[i][0]), width,
                ", ".join("%s(seq %s, %s)" % (e[2], e[1], e[3]) for e in evs[i:j])))
    if viol:
        ok = False
    summary = "%d tool evictions counted in %d batch(es); worst %gs window (%s clock) holds %d%s (limit %d)" % (
        len(evs), len(batches), width, clock, worst, " from " + fmt_t(worst_at) if worst_at is not None else "",
        batch_size)
    return (name, ok, [summary] + details + viol)


def check_no_double_eviction(audit, pods):
    """Successful evictions of launcher pods, by any client, grouped per VMI.

    Audit records carry no VMI UID; a pod that still exists gives it through its
    ownerReference, and each successful VMI create in the audit log before the
    eviction starts a new incarnation of the name (a restarted VMI). Two successful
    evictions of the same VMI name fail either way (the same VM evicted twice)."""
    name = "no-double-eviction"
    pods_by_key = pod_index(pods)
    vmi_creates = {}
    for r in audit:
        if (r.get("resource") == "virtualmachineinstances" and r.get("verb") == "create"
                and not r.get("subresource") and is_2xx(r.get("code")) and not r.get("dryRun")):
            vmi_creates.setdefault((r.get("namespace", ""), r.get("name", "")), []).append(r.get("seq", 0))
    per_vmi = {}
    count = 0
    non_launcher = 0
    for r in audit:
        if not is_evict(r) or not is_2xx(r.get("code")) or r.get("dryRun"):
            continue
        ns, pod = r.get("namespace", ""), r.get("name", "")
        vmi, uid, how = vmi_of_pod(ns, pod, pods_by_key)
        count += 1
        if vmi is None:
            non_launcher += 1
            continue
        incarnation = sum(1 for s in vmi_creates.get((ns, vmi), []) if s < r.get("seq", 0))
        per_vmi.setdefault((ns, vmi), []).append((r, uid, incarnation, how))
    bad = []
    for (ns, vmi), lst in sorted(per_vmi.items()):
        if len(lst) < 2:
            continue
        uids = {u for _, u, _, _ in lst if u}
        incs = {i for _, _, i, _ in lst}
        same = "same VMI UID" if len(uids) <= 1 and len(incs) == 1 else "VMI restarted in between (new UID)"
        bad.append("%s: %d successful evictions (%s): %s" % (
            key(ns, vmi), len(lst), same,
            ", ".join("pod %s by %s (seq %s, %s, code %s)" % (r.get("name"), r.get("userAgent"), r.get("seq"),
                                                              r.get("time"), r.get("code"))
                      for r, _, _, _ in lst)))
    summary = "%d successful evictions of %d VMIs" % (count, len(per_vmi))
    if non_launcher:
        summary += " (+%d of pods that are not virt-launchers)" % non_launcher
    return (name, not bad, [summary] + bad)


def check_scope(audit, migrations, pods, prefix, scope_namespaces, scope_vmis, ignored=DEFAULT_IGNORED_RESOURCES):
    """Every mutating tool request (dry runs included) outside `ignored` is in scopeNamespaces and,
    when it concerns a VMI (VMIM create/update/patch/delete, launcher pod eviction/delete, VMI or VM
    write), concerns a VMI of scopeVmis."""
    name = "scope"
    ns_ok = None if scope_namespaces is None else set(scope_namespaces)
    vmi_ok = None if scope_vmis is None else set(scope_vmis)
    pods_by_key = pod_index(pods)
    items = migration_items(migrations)
    vmim_by_name = {}
    for it in items:
        vmim_by_name.setdefault((it.get("namespace", ""), it.get("name", "")), it)
    bad, notes = [], []
    n = 0
    for r in audit:
        if not is_tool(r, prefix) or not is_mutating(r) or r.get("resource") in ignored:
            continue
        n += 1
        ns, res, nm = r.get("namespace", ""), r.get("resource", ""), r.get("name", "")
        what = "%s %s %s (seq %s, code %s%s)" % (
            r.get("verb"), res + ("/" + r["subresource"] if r.get("subresource") else ""), key(ns, nm) if ns else nm,
            r.get("seq"), r.get("code"), ", dryRun" if r.get("dryRun") else "")
        if ns_ok is not None and ns not in ns_ok:
            bad.append("%s: namespace %r not in scope" % (what, ns))
            continue
        vmi = None
        if res == "virtualmachineinstancemigrations":
            it = vmim_by_name.get((ns, nm)) if nm else None
            if it is not None:
                vmi = it.get("vmiName")
            elif vmi_ok is not None:
                if r.get("verb") == "create" and is_2xx(r.get("code")) and not r.get("dryRun"):
                    bad.append("%s: created VMIM not in /_sim/migrations, VMI unknown" % what)
                elif r.get("verb") != "deletecollection":
                    notes.append("%s: VMIM not in /_sim/migrations (dry run or refused), VMI unknown" % what)
                continue
        elif res == "pods":
            v, _, _ = vmi_of_pod(ns, nm, pods_by_key)
            if v is None:
                if vmi_ok is not None and (is_evict(r) or r.get("verb") == "delete"):
                    bad.append("%s: pod is not a virt-launcher" % what)
                continue
            vmi = v
        elif res in ("virtualmachineinstances", "virtualmachines") and nm:
            vmi = nm
        if vmi is not None and vmi_ok is not None and key(ns, vmi) not in vmi_ok:
            bad.append("%s: VMI %s not in scope" % (what, key(ns, vmi)))
    summary = "%d mutating tool requests checked (ignoring %s); namespaces %s, VMIs %s" % (
        n, ", ".join(ignored), "any" if ns_ok is None else sorted(ns_ok),
        "any" if vmi_ok is None else "%d listed" % len(vmi_ok))
    if notes:
        summary += "; %d requests whose VMI cannot be known: %s" % (len(notes), "; ".join(notes))
    return (name, not bad, [summary] + bad)


def check_no_duplicate_migrations(audit, migrations, prefix, max_attempts):
    name = "no-duplicate-migrations"
    pairs = tool_vmims(audit, migrations, prefix)
    bad = []
    per_vmi = {}
    for r, it in pairs:
        if it is None:
            bad.append("tool-created VMIM %s (seq %s) is missing from /_sim/migrations"
                       % (key(r.get("namespace"), r.get("name")), r.get("seq")))
            continue
        start = parse_time(it.get("created"))
        end = migration_end(it)
        per_vmi.setdefault(key(it.get("namespace"), it.get("vmiName")), []).append((start, end, it))
    for vmi, lst in sorted(per_vmi.items()):
        lst.sort(key=lambda x: (x[0], x[1]))
        open_ = None  # the unfinished one with the latest end so far
        for s, e, it in lst:
            if open_ is not None and s < open_[1]:
                bad.append("%s: tool VMIM %s created %s while %s (created %s) was unfinished until %s" % (
                    vmi, it.get("name"), fmt_t(s), open_[2].get("name"), fmt_t(open_[0]), fmt_t(open_[1])))
            if open_ is None or e > open_[1]:
                open_ = (s, e, it)
        if max_attempts is not None and len(lst) > max_attempts:
            bad.append("%s: %d tool VMIMs > maxAttempts %d: %s" % (
                vmi, len(lst), max_attempts, ", ".join(x[2].get("name", "") for x in lst)))
    most = max((len(v) for v in per_vmi.values()), default=0)
    summary = "%d tool VMIMs for %d VMIs; at most %d per VMI (maxAttempts %s)" % (
        len(pairs), len(per_vmi), most, max_attempts)
    return (name, not bad, [summary] + bad)


def check_no_tool_mutations(audit, prefix, expect, allow_dry_run=False, ignored=DEFAULT_IGNORED_RESOURCES):
    name = "no-tool-mutations"
    if not expect:
        return skipped(name, "expectNoToolMutations is false")
    bad = []
    for r in audit:
        if not is_tool(r, prefix) or not is_mutating(r) or r.get("resource") in ignored:
            continue
        if allow_dry_run and r.get("dryRun"):
            continue
        bad.append("%s %s%s %s (seq %s, code %s%s)" % (
            r.get("verb"), r.get("resource"), "/" + r["subresource"] if r.get("subresource") else "",
            key(r.get("namespace"), r.get("name")), r.get("seq"), r.get("code"), ", dryRun" if r.get("dryRun") else ""))
    return (name, not bad, ["%d tool mutations besides %s" % (len(bad), ", ".join(ignored))] + bad)


def check_all(audit, migrations, vmis, pods, current_image, exp, vmims=None):
    """Runs every invariant; returns [(name, ok, details)]."""
    prefix = exp.get("toolUserAgentPrefix", "kubectl-workload_update/")
    ignored = tuple(exp.get("ignoredResources") or DEFAULT_IGNORED_RESOURCES)
    scope_ns = exp.get("scopeNamespaces")
    return [
        check_updated(vmis, current_image, exp.get("mustBeUpdated")),
        check_migration_limits(migrations, exp.get("parallelMigrationsPerCluster"),
                               exp.get("parallelOutboundMigrationsPerNode"), vmims, vmis),
        check_eviction_batches(audit, prefix, exp.get("batchSize"), exp.get("batchIntervalSeconds"),
                               exp.get("batchClock", "real"), exp.get("batchToleranceSeconds", 0.0)),
        check_no_double_eviction(audit, pods),
        check_scope(audit, migrations, pods, prefix, scope_ns, exp.get("scopeVmis"), ignored),
        check_no_duplicate_migrations(audit, migrations, prefix, exp.get("maxAttempts")),
        check_no_tool_mutations(audit, prefix, exp.get("expectNoToolMutations", False),
                                exp.get("noToolMutationsAllowDryRun", False), ignored),
    ]


def format_report(results):
    lines = []
    for name, ok, details in results:
        status = "SKIP" if ok and details and details[0].startswith("skipped") else ("PASS" if ok else "FAIL")
        lines.append("%s %s: %s" % (status, name, details[0] if details else ""))
        for d in details[1:]:
            lines.append("    - " + d)
    failed = [n for n, ok, _ in results if not ok]
    lines.append("RESULT: %s" % ("FAIL (%s)" % ", ".join(failed) if failed else "PASS"))
    return "\n".join(lines)


# ---------------------------------------------------------------- simulator access

def launcher_image_of(deployment):
    for c in (((deployment.get("spec") or {}).get("template") or {}).get("spec") or {}).get("containers") or []:
        args = [a for k in ("command", "args") for a in (c.get(k) or []) if isinstance(a, str)]
        for i, a in enumerate(args):
            if a == "--launcher-image" and i + 1 < len(args):
                return args[i + 1]
            if a.startswith("--launcher-image="):
                return a[len("--launcher-image="):]
    return ""


def server_url(kubeconfig_path):
    with open(kubeconfig_path) as f:
        for line in f:
            s = line.strip()
            if s.startswith("server:"):
                v = s[len("server:"):].strip()
                if len(v) >= 2 and v[0] == v[-1] and v[0] in "\"'":
                    v = v[1:-1]
                return v.rstrip("/")
    raise ValueError("no server: line in " + kubeconfig_path)


class Sim:
    def __init__(self, state_dir, token="sim-admin-token", timeout=30):
        self.url = server_url(os.path.join(state_dir, "kubeconfig"))
        self.ctx = ssl.create_default_context(cafile=os.path.join(state_dir, "ca.crt"))
        self.token = token
        self.timeout = timeout

    def get(self, path):
        req = urllib.request.Request(self.url + path, headers={
            "Authorization": "Bearer " + self.token, "Accept": "application/json", "Accept-Encoding": "gzip"})
        with urllib.request.urlopen(req, context=self.ctx, timeout=self.timeout) as resp:
            body = resp.read()
            if resp.headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
        return json.loads(body)

    def list(self, path):
        items, cont = [], ""
        sep = "&" if "?" in path else "?"
        while True:
            page = self.get(path + sep + "limit=500" + ("&continue=" + urllib.parse.quote(cont) if cont else ""))
            items.extend(page.get("items") or [])
            cont = (page.get("metadata") or {}).get("continue") or ""
            if not cont:
                return items


def fetch(state_dir, since):
    sim = Sim(state_dir)
    audit = sim.get("/_sim/audit?since=%d" % since)
    migrations = sim.get("/_sim/migrations")
    vmis = sim.list("/apis/kubevirt.io/v1/virtualmachineinstances")
    vmims = sim.list("/apis/kubevirt.io/v1/virtualmachineinstancemigrations")
    pods = sim.list("/api/v1/pods?labelSelector=" + urllib.parse.quote("kubevirt.io=virt-launcher"))
    try:
        image = launcher_image_of(sim.get("/apis/apps/v1/namespaces/kubevirt/deployments/virt-controller"))
    except urllib.error.HTTPError as e:
        if e.code != 404:
            raise
        image = ""
    return audit, migrations, vmis, pods, image, vmims


def main(argv=None):
    ap = argparse.ArgumentParser(description="Check the safety invariants of a workload-update run "
                                             "from kubevirt-sim's records.")
    ap.add_argument("--state-dir", required=True, help="the simulator's --state-dir")
    ap.add_argument("--since", type=int, default=0, help="only audit records with seq > SEQ")
    ap.add_argument("--expect", required=True, help="expectations (JSON)")
    ap.add_argument("--json", action="store_true", help="print the results as JSON instead of a report")
    args = ap.parse_args(argv)
    try:
        with open(args.expect) as f:
            exp = json.load(f)
        if not isinstance(exp, dict):
            raise ValueError("the expectations must be a JSON object")
    except (OSError, ValueError) as e:
        print("check_invariants: bad --expect %s: %s" % (args.expect, e), file=sys.stderr)
        return 2
    try:
        audit, migrations, vmis, pods, image, vmims = fetch(args.state_dir, args.since)
    except (OSError, ValueError, urllib.error.URLError, ssl.SSLError) as e:
        print("check_invariants: cannot read the simulator in %s: %s" % (args.state_dir, e), file=sys.stderr)
        return 2
    results = check_all(audit, migrations, vmis, pods, image, exp, vmims)
    if args.json:
        print(json.dumps([{"name": n, "ok": ok, "details": d} for n, ok, d in results], indent=2))
    else:
        print(format_report(results))
    return 0 if all(ok for _, ok, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())

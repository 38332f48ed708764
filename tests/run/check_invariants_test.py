#!/usr/bin/env python3
"""Unit tests of check_invariants.py on synthetic records (no simulator).

Run: python3 -m unittest tests/run/check_invariants_test.py
"""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_invariants as ci  # noqa: E402

TOOL = "kubectl-workload_update/0.1.0 (linux/amd64)"
PREFIX = "kubectl-workload_update/"
T0 = 1767225600.0  # 2026-01-01T00:00:00Z
CUR = "quay.io/kubevirt/virt-launcher:v1.9.0"
OLD = "quay.io/kubevirt/virt-launcher:v1.8.2"


def ts(sec):
    return ci.fmt_t(T0 + sec)


_seq = [0]


def rec(verb, resource, ns="ns1", name="", sub="", ua=TOOL, code=201, t=0.0, dry=False, fault="", **extra):
    _seq[0] += 1
    r = {"seq": _seq[0], "time": ts(t), "user": "admin", "userAgent": ua, "verb": verb, "resource": resource,
         "subresource": sub, "namespace": ns, "name": name, "code": code, "dryRun": dry, "injectedFault": fault,
         "mutation": verb not in ("get", "list", "watch") and not dry}
    r.update(extra)
    return r


def evict(pod, t=0.0, ns="ns1", **kw):
    kw.setdefault("code", 201)
    return rec("evict", "pods", ns=ns, name=pod, sub="eviction", t=t, **kw)


def mig(name, vmi, phases, source="node1", ns="ns1", created=None, deleted=None):
    """phases: [(phase, sim seconds)]."""
    it = {"namespace": ns, "name": name, "uid": "uid-" + name, "vmiName": vmi, "sourceNode": source,
          "targetNode": "node9", "created": ts(created if created is not None else phases[0][1]),
          "phases": [{"phase": p, "time": ts(t), "t": T0 + t} for p, t in phases]}
    if deleted is not None:
        it["deleted"] = ts(deleted)
    return it


def done(name, vmi, start, end, source="node1", final="Succeeded"):
    return mig(name, vmi, [("", start), ("Pending", start), ("Scheduling", start), ("Running", start + 1),
                           (final, end)], source=source)


def vmi(name, phase="Running", image=CUR, ns="ns1"):
    return {"metadata": {"namespace": ns, "name": name, "uid": "u-" + name},
            "status": {"phase": phase, "launcherContainerImageVersion": image}}


def pod(name, vmi_name, ns="ns1", uid=None):
    return {"metadata": {"namespace": ns, "name": name, "annotations": {"kubevirt.io/domain": vmi_name},
                         "ownerReferences": [{"kind": "VirtualMachineInstance", "name": vmi_name,
                                              "uid": uid or "u-" + vmi_name}]}}


def result(results, name):
    for r in results:
        if r[0] == name:
            return r
    raise KeyError(name)


class Helpers(unittest.TestCase):
    def test_parse_time(self):
        self.assertAlmostEqual(ci.parse_time("2026-01-01T00:00:01.250Z"), T0 + 1.25)
        self.assertAlmostEqual(ci.parse_time("2026-01-01T01:00:00+01:00"), T0)
        self.assertAlmostEqual(ci.parse_time("2026-01-01T00:00:00.000001Z"), T0 + 1e-6)
        self.assertIsNone(ci.parse_time(""))
        self.assertRaises(ValueError, ci.parse_time, "yesterday")

    def test_launcher_name(self):
        self.assertEqual(ci.vmi_of_launcher_name("virt-launcher-my-vm-1-abcde"), "my-vm-1")
        self.assertIsNone(ci.vmi_of_launcher_name("nginx-abcde"))

    def test_server_url_and_image(self):
        import tempfile
        with tempfile.NamedTemporaryFile("w", suffix=".kubeconfig", delete=False) as f:
            f.write('apiVersion: v1\nclusters:\n- name: sim\n  cluster:\n    server: "https://127.0.0.1:4242"\n')
        try:
            self.assertEqual(ci.server_url(f.name), "https://127.0.0.1:4242")
        finally:
            os.unlink(f.name)
        dep = {"spec": {"template": {"spec": {"containers": [{"args": ["--launcher-image", CUR, "--x", "y"]}]}}}}
        self.assertEqual(ci.launcher_image_of(dep), CUR)
        dep = {"spec": {"template": {"spec": {"containers": [{"command": ["virt-controller", "--launcher-image=" + OLD]}]}}}}
        self.assertEqual(ci.launcher_image_of(dep), OLD)


class Updated(unittest.TestCase):
    def test_pass(self):
        name, ok, d = ci.check_updated([vmi("vm-a"), vmi("vm-b", image=OLD)], CUR, ["ns1/vm-a"])
        self.assertTrue(ok, d)

    def test_old_image_fails(self):
        _, ok, d = ci.check_updated([vmi("vm-a", image=OLD)], CUR, ["ns1/vm-a"])
        self.assertFalse(ok)
        self.assertIn("ns1/vm-a", d[1])

    def test_not_running_or_missing_fails(self):
        _, ok, d = ci.check_updated([vmi("vm-a", phase="Succeeded", image="")], CUR, ["ns1/vm-a", "ns1/gone"])
        self.assertFalse(ok)
        self.assertEqual(len(d), 3)


class MigrationLimits(unittest.TestCase):
    def test_six_overlapping_fail_cluster_limit(self):
        ms = [done("m%d" % i, "vm%d" % i, i, 100, source="node%d" % i) for i in range(6)]
        _, ok, d = ci.check_migration_limits(ms, 5, 2)
        self.assertFalse(ok)
        self.assertTrue(any(x.startswith("cluster: 6 active > 5") for x in d), d)

    def test_five_overlapping_pass(self):
        ms = [done("m%d" % i, "vm%d" % i, i, 100, source="node%d" % i) for i in range(5)]
        ms.append(done("m5", "vm5", 100, 200, source="node5"))  # starts when the others end
        _, ok, d = ci.check_migration_limits(ms, 5, 2)
        self.assertTrue(ok, d)
        self.assertIn("peak 5 active", d[0])

    def test_three_on_one_node_fail_outbound_limit(self):
        ms = [done("m%d" % i, "vm%d" % i, i, 50, source="node1") for i in range(3)]
        _, ok, d = ci.check_migration_limits(ms, 5, 2)
        self.assertFalse(ok)
        self.assertTrue(any(x.startswith("node node1: 3 outbound > 2") for x in d), d)

    def test_ends_before_starts_at_equal_times(self):
        ms = [done("a", "vm-a", 0, 10), done("b", "vm-b", 0, 10), done("c", "vm-c", 10, 20)]
        _, ok, d = ci.check_migration_limits(ms, 2, 2)
        self.assertTrue(ok, d)

    def test_pending_only_and_deleted_migrations(self):
        pending = mig("p", "vm-p", [("", 0), ("Pending", 0)])  # never active
        deleted = mig("d", "vm-d", [("", 0), ("Scheduling", 1)], deleted=5)  # active until deletion
        a = done("a", "vm-a", 2, 30)
        b = done("b", "vm-b", 5, 30)  # starts exactly when d is deleted
        _, ok, d = ci.check_migration_limits([pending, deleted, a, b], 2, 2)
        self.assertTrue(ok, d)
        _, ok, d = ci.check_migration_limits([pending, deleted, a, done("c", "vm-c", 4, 30)], 2, 5)
        self.assertFalse(ok)

    def test_unfinished_migration_stays_active(self):
        open_ = mig("o", "vm-o", [("", 0), ("Scheduling", 0), ("Running", 1)])
        _, ok, _ = ci.check_migration_limits([open_, done("a", "vm-a", 1000, 1100)], 1, 2)
        self.assertFalse(ok)

    def test_source_node_fallback_from_vmim(self):
        ms = [done("m%d" % i, "vm%d" % i, 0, 50, source="") for i in range(3)]
        vmims = [{"metadata": {"uid": "uid-m%d" % i}, "status": {"migrationState": {"sourceNode": "n1"}}}
                 for i in range(3)]
        _, ok, _ = ci.check_migration_limits(ms, 5, 2)
        self.assertTrue(ok)  # unknown source: not counted per node
        _, ok, d = ci.check_migration_limits(ms, 5, 2, vmims=vmims)
        self.assertFalse(ok, d)

    def test_accepts_snapshot_dict(self):
        ms = {"items": [done("m%d" % i, "vm%d" % i, 0, 50, source="n%d" % i) for i in range(6)]}
        self.assertFalse(ci.check_migration_limits(ms, 5, 2)[1])


class EvictionBatches(unittest.TestCase):
    def test_four_within_window_fail(self):
        audit = [evict("virt-launcher-vm%d-abcde" % i, t=i * 2.0) for i in range(4)]
        _, ok, d = ci.check_eviction_batches(audit, PREFIX, 3, 10)
        self.assertFalse(ok)
        self.assertIn("worst 10s window (real clock) holds 4", d[0])
        self.assertEqual(len(d), 2)  # one violation window, not one per start

    def test_batches_count_from_their_start_not_from_their_last_eviction(self):
        # Batch 1's requests reach the server over 1.5 s (a client-side rate limit); batch 2 starts a full
        # interval after batch 1 started, as KubeVirt paces it, though less than one after its last eviction.
        audit = [evict("virt-launcher-a%d-abcde" % i, t=t) for i, t in enumerate([0, 0.7, 1.5])]
        audit += [evict("virt-launcher-b%d-abcde" % i, t=t) for i, t in enumerate([10.1, 10.5])]
        _, ok, d = ci.check_eviction_batches(audit, PREFIX, 3, 10)
        self.assertTrue(ok, d)
        self.assertIn("in 2 batch(es)", d[0])
        audit.append(evict("virt-launcher-c-abcde", t=9.9))  # a fourth inside batch 1's window
        self.assertFalse(ci.check_eviction_batches(audit, PREFIX, 3, 10)[1])

    def test_four_spread_pass(self):
        audit = [evict("virt-launcher-vm%d-abcde" % i, t=t) for i, t in enumerate([0, 1, 2, 10])]
        _, ok, d = ci.check_eviction_batches(audit, PREFIX, 3, 10)
        self.assertTrue(ok, d)

    def test_fault_dryrun_dropped_and_other_clients_not_counted(self):
        audit = [evict("virt-launcher-vm%d-abcde" % i, t=i) for i in range(3)]
        audit += [evict("virt-launcher-x-abcde", t=3, code=429, fault="429"),
                  evict("virt-launcher-y-abcde", t=3, code=0, fault="drop"),
                  evict("virt-launcher-z-abcde", t=3, dry=True),
                  evict("virt-launcher-w-abcde", t=3, ua="kubectl/v1.30.0")]
        _, ok, d = ci.check_eviction_batches(audit, PREFIX, 3, 10)
        self.assertTrue(ok, d)
        # A pure delay fault does not stop the eviction: it counts.
        audit.append(evict("virt-launcher-v-abcde", t=4, fault="delay250ms"))
        self.assertFalse(ci.check_eviction_batches(audit, PREFIX, 3, 10)[1])

    def test_refused_evictions_count(self):
        audit = [evict("virt-launcher-vm%d-abcde" % i, t=i, code=429) for i in range(4)]
        self.assertFalse(ci.check_eviction_batches(audit, PREFIX, 3, 10)[1])

    def test_real_clock_uses_request_arrival(self):
        # Batch 1 arrives at 0 but was answered 300 ms later (a delay); batch 2 arrives at 10.0.
        audit = [evict("virt-launcher-a%d-abcde" % i, t=0.3, latencyMs=300.0) for i in range(3)]
        audit += [evict("virt-launcher-b%d-abcde" % i, t=10.0, latencyMs=0.0) for i in range(3)]
        _, ok, d = ci.check_eviction_batches(audit, PREFIX, 3, 10)
        self.assertTrue(ok, d)
        for r in audit[:3]:
            r["latencyMs"] = 0.0  # then batch 1 counts from 0.3 and batch 2 falls in its window
        self.assertFalse(ci.check_eviction_batches(audit, PREFIX, 3, 10)[1])

    def test_tolerance(self):
        audit = [evict("virt-launcher-a%d-abcde" % i, t=0) for i in range(3)]
        audit += [evict("virt-launcher-b%d-abcde" % i, t=9.9) for i in range(3)]
        self.assertFalse(ci.check_eviction_batches(audit, PREFIX, 3, 10)[1])
        _, ok, d = ci.check_eviction_batches(audit, PREFIX, 3, 10, tolerance=0.5)
        self.assertTrue(ok, d)
        self.assertIn("worst 9.5s window", d[0])

    def test_sim_clock(self):
        audit = [evict("virt-launcher-vm%d-abcde" % i, t=0, simTime=ts(i * 20)) for i in range(4)]
        self.assertTrue(ci.check_eviction_batches(audit, PREFIX, 1, 20, clock="sim")[1])
        self.assertFalse(ci.check_eviction_batches(audit, PREFIX, 1, 20, clock="real")[1])


class NoDoubleEviction(unittest.TestCase):
    def test_double_eviction_fails(self):
        audit = [evict("virt-launcher-vm-a-aaaaa", t=0), evict("virt-launcher-vm-a-bbbbb", t=30)]
        _, ok, d = ci.check_no_double_eviction(audit, [])
        self.assertFalse(ok)
        self.assertIn("ns1/vm-a: 2 successful evictions (same VMI UID)", d[1])

    def test_by_any_client(self):
        audit = [evict("virt-launcher-vm-a-aaaaa", t=0),
                 evict("virt-launcher-vm-a-bbbbb", t=1, ua="kubevirt-sim/workload-updater", user="system:kubevirt-sim",
                       controller="workload-updater")]
        self.assertFalse(ci.check_no_double_eviction(audit, [])[1])

    def test_restarted_vmi_still_fails_but_says_so(self):
        audit = [evict("virt-launcher-vm-a-aaaaa", t=0),
                 rec("create", "virtualmachineinstances", name="vm-a", ua="kubevirt-sim/vm"),
                 evict("virt-launcher-vm-a-bbbbb", t=30)]
        _, ok, d = ci.check_no_double_eviction(audit, [])
        self.assertFalse(ok)
        self.assertIn("restarted", d[1])

    def test_single_and_failed_evictions_pass(self):
        audit = [evict("virt-launcher-vm-a-aaaaa", t=0), evict("virt-launcher-vm-b-aaaaa", t=0),
                 evict("virt-launcher-vm-a-aaaaa", t=1, code=429), evict("virt-launcher-vm-a-aaaaa", t=2, dry=True),
                 evict("virt-launcher-vm-a-aaaaa", t=3, code=0, fault="drop")]
        _, ok, d = ci.check_no_double_eviction(audit, [])
        self.assertTrue(ok, d)

    def test_pod_annotation_wins_over_name(self):
        # Two pods whose names parse to different VMIs but that belong to the same one.
        pods = [pod("virt-launcher-x-aaaaa", "vm-a"), pod("virt-launcher-y-bbbbb", "vm-a")]
        audit = [evict("virt-launcher-x-aaaaa", code=201), evict("virt-launcher-y-bbbbb", code=201)]
        self.assertFalse(ci.check_no_double_eviction(audit, pods)[1])
        self.assertTrue(ci.check_no_double_eviction(audit, [])[1])


class Scope(unittest.TestCase):
    def run_scope(self, audit, migrations=(), pods=(), ns=("ns1",), vmis=("ns1/vm-a",)):
        return ci.check_scope(audit, list(migrations), list(pods), PREFIX,
                              None if ns is None else list(ns), None if vmis is None else list(vmis))

    def test_in_scope_passes_and_leases_ignored(self):
        audit = [rec("create", "leases", ns="kube-system", name="workload-update", apiGroup="coordination.k8s.io"),
                 rec("update", "leases", ns="kube-system", name="workload-update"),
                 rec("create", "selfsubjectaccessreviews", ns="", name=""),
                 rec("create", "virtualmachineinstancemigrations", name="wu-abcde"),
                 evict("virt-launcher-vm-a-aaaaa"),
                 rec("list", "pods", ns="other"),  # reads are never out of scope
                 rec("delete", "pods", ns="other", name="x", ua="kubectl/v1.30")]  # not the tool
        _, ok, d = self.run_scope(audit, [mig("wu-abcde", "vm-a", [("", 0)])])
        self.assertTrue(ok, d)

    def test_namespace_outside_scope_fails(self):
        _, ok, d = self.run_scope([rec("patch", "virtualmachineinstances", ns="ns2", name="vm-z", code=200)])
        self.assertFalse(ok)
        self.assertIn("namespace 'ns2' not in scope", d[1])

    def test_dry_run_outside_scope_fails_too(self):
        _, ok, _ = self.run_scope([evict("virt-launcher-vm-z-aaaaa", ns="ns2", dry=True)])
        self.assertFalse(ok)

    def test_vmim_for_vmi_outside_scope_fails(self):
        audit = [rec("create", "virtualmachineinstancemigrations", name="wu-zzzzz")]
        _, ok, d = self.run_scope(audit, [mig("wu-zzzzz", "vm-b", [("", 0)])])
        self.assertFalse(ok)
        self.assertIn("VMI ns1/vm-b not in scope", d[1])

    def test_eviction_of_vmi_outside_scope_fails(self):
        self.assertFalse(self.run_scope([evict("virt-launcher-vm-b-aaaaa")])[1])
        # The pod's annotation names the VMI when the pod still exists.
        self.assertFalse(self.run_scope([evict("virt-launcher-vm-a-aaaaa")],
                                        pods=[pod("virt-launcher-vm-a-aaaaa", "vm-b")])[1])
        self.assertFalse(self.run_scope([evict("nginx-1")])[1])

    def test_null_scope_allows_everything(self):
        audit = [evict("virt-launcher-vm-b-aaaaa", ns="ns9"), rec("patch", "nodes", ns="", name="n1", code=200)]
        self.assertTrue(self.run_scope(audit, ns=None, vmis=None)[1])
        self.assertFalse(self.run_scope(audit, ns=["ns9"], vmis=None)[1])  # nodes are cluster-scoped

    def test_created_vmim_missing_from_history_fails(self):
        self.assertFalse(self.run_scope([rec("create", "virtualmachineinstancemigrations", name="ghost")])[1])
        # A refused create has no name: its VMI cannot be known, which is noted, not failed.
        _, ok, d = self.run_scope([rec("create", "virtualmachineinstancemigrations", name="", code=422)])
        self.assertTrue(ok, d)
        self.assertIn("cannot be known", d[0])


class NoDuplicateMigrations(unittest.TestCase):
    def test_two_unfinished_tool_vmims_fail(self):
        ms = [mig("wu-1", "vm-a", [("", 0), ("Pending", 0)]), mig("wu-2", "vm-a", [("", 5), ("Pending", 5)])]
        audit = [rec("create", "virtualmachineinstancemigrations", name="wu-1"),
                 rec("create", "virtualmachineinstancemigrations", name="wu-2")]
        _, ok, d = ci.check_no_duplicate_migrations(audit, ms, PREFIX, 3)
        self.assertFalse(ok)
        self.assertIn("wu-2", d[1])

    def test_sequential_pass_and_max_attempts(self):
        ms = [done("wu-%d" % i, "vm-a", i * 10, i * 10 + 10, final="Failed") for i in range(4)]
        audit = [rec("create", "virtualmachineinstancemigrations", name="wu-%d" % i) for i in range(4)]
        _, ok, d = ci.check_no_duplicate_migrations(audit, ms, PREFIX, 4)
        self.assertTrue(ok, d)
        _, ok, d = ci.check_no_duplicate_migrations(audit, ms, PREFIX, 3)
        self.assertFalse(ok)
        self.assertIn("4 tool VMIMs > maxAttempts 3", d[-1])
        self.assertTrue(ci.check_no_duplicate_migrations(audit, ms, PREFIX, None)[1])

    def test_deleted_ends_interval_and_other_creators_ignored(self):
        ms = [mig("wu-1", "vm-a", [("", 0), ("Pending", 0)], deleted=5),
              mig("wu-2", "vm-a", [("", 5), ("Pending", 5)]),
              mig("kubevirt-evacuation-x", "vm-a", [("", 6), ("Pending", 6)])]
        audit = [rec("create", "virtualmachineinstancemigrations", name="wu-1"),
                 rec("create", "virtualmachineinstancemigrations", name="wu-2"),
                 rec("create", "virtualmachineinstancemigrations", name="kubevirt-evacuation-x",
                     ua="kubevirt-sim/evacuation"),
                 rec("create", "virtualmachineinstancemigrations", name="dry-x", dry=True),
                 rec("create", "virtualmachineinstancemigrations", name="", code=422)]
        _, ok, d = ci.check_no_duplicate_migrations(audit, ms, PREFIX, 2)
        self.assertTrue(ok, d)


class NoToolMutations(unittest.TestCase):
    def test_skipped_when_not_expected(self):
        _, ok, d = ci.check_no_tool_mutations([evict("virt-launcher-a-aaaaa")], PREFIX, False)
        self.assertTrue(ok)
        self.assertTrue(d[0].startswith("skipped"))

    def test_leases_and_reviews_allowed(self):
        audit = [rec("create", "leases", ns="kube-system", name="l"), rec("update", "leases", ns="kube-system", name="l"),
                 rec("delete", "leases", ns="kube-system", name="l", code=200),
                 rec("create", "selfsubjectaccessreviews", ns=""), rec("list", "pods"),
                 rec("patch", "virtualmachineinstances", name="vm-a", code=200, ua="kubectl/v1.30")]
        self.assertTrue(ci.check_no_tool_mutations(audit, PREFIX, True)[1])

    def test_any_other_mutation_fails(self):
        for r in (rec("create", "virtualmachineinstancemigrations", name="x"), evict("virt-launcher-a-aaaaa", code=429),
                  rec("patch", "kubevirts", ns="kubevirt", name="kubevirt", code=200)):
            self.assertFalse(ci.check_no_tool_mutations([r], PREFIX, True)[1], r)
        dry = evict("virt-launcher-a-aaaaa", dry=True)
        self.assertFalse(ci.check_no_tool_mutations([dry], PREFIX, True)[1])
        self.assertTrue(ci.check_no_tool_mutations([dry], PREFIX, True, allow_dry_run=True)[1])


class CheckAll(unittest.TestCase):
    EXP = {"toolUserAgentPrefix": PREFIX, "parallelMigrationsPerCluster": 5, "parallelOutboundMigrationsPerNode": 2,
           "batchSize": 3, "batchIntervalSeconds": 10, "scopeNamespaces": ["ns1"],
           "scopeVmis": ["ns1/vm-a", "ns1/vm-b"], "mustBeUpdated": ["ns1/vm-a"], "maxAttempts": 3,
           "expectNoToolMutations": False}

    def test_clean_run_passes(self):
        ms = [done("wu-1", "vm-a", 0, 40)]
        audit = [rec("create", "leases", ns="ns1", name="l"),
                 rec("create", "virtualmachineinstancemigrations", name="wu-1"),
                 evict("virt-launcher-vm-b-aaaaa", t=1)]
        results = ci.check_all(audit, {"items": ms}, [vmi("vm-a"), vmi("vm-b")], [], CUR, self.EXP)
        self.assertEqual([r[0] for r in results], ["updated", "migration-limits", "eviction-batches",
                                                   "no-double-eviction", "scope", "no-duplicate-migrations",
                                                   "no-tool-mutations"])
        self.assertTrue(all(ok for _, ok, _ in results), ci.format_report(results))
        report = ci.format_report(results)
        self.assertIn("SKIP no-tool-mutations", report)
        self.assertTrue(report.endswith("RESULT: PASS"))

    def test_failures_are_reported(self):
        exp = dict(self.EXP, expectNoToolMutations=True)
        audit = [evict("virt-launcher-vm-c-aaaaa", t=1)]
        results = ci.check_all(audit, [], [vmi("vm-a", image=OLD)], [], CUR, exp)
        self.assertFalse(result(results, "updated")[1])
        self.assertFalse(result(results, "scope")[1])
        self.assertFalse(result(results, "no-tool-mutations")[1])
        self.assertTrue(result(results, "migration-limits")[1])
        self.assertIn("RESULT: FAIL (updated, scope, no-tool-mutations)", ci.format_report(results))


class Cli(unittest.TestCase):
    def test_usage_and_connection_errors_exit_2(self):
        import contextlib
        import io
        import tempfile
        with tempfile.TemporaryDirectory() as d:
            exp = os.path.join(d, "exp.json")
            with open(exp, "w") as f:
                f.write("{}")
            with contextlib.redirect_stderr(io.StringIO()):
                self.assertEqual(ci.main(["--state-dir", d, "--expect", exp]), 2)  # no kubeconfig
                self.assertEqual(ci.main(["--state-dir", d, "--expect", os.path.join(d, "missing.json")]), 2)
                with self.assertRaises(SystemExit) as cm:
                    ci.main(["--state-dir", d])
                self.assertEqual(cm.exception.code, 2)


if __name__ == "__main__":
    unittest.main()

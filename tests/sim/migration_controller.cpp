#include "migration_controller.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <utility>
#include <vector>

#include "cluster_writer.hpp"
#include "durations.hpp"
#include "ids.hpp"
#include "kubevirt_model.hpp"
#include "launcher_template.hpp"
#include "scheduler.hpp"
#include "migration_history.hpp"
#include "services.hpp"
#include "status_errors.hpp"

namespace sim {

using nlohmann::json;
using kv::str;

namespace {

constexpr int kUnschedulableTimeout = 300;  // defaultUnschedulablePendingTimeoutSeconds
constexpr int kPendingTimeout = 900;        // defaultCatchAllPendingTimeoutSeconds
constexpr int kGcBuffer = 5;                // defaultFinalizedMigrationGarbageCollectionBuffer

std::chrono::system_clock::duration secs(double s) {
  return std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::duration<double>(s));
}

bool beforeHandoff(const std::string& phase) {
  return phase.empty() || phase == "Pending" || phase == "Scheduling" || phase == "Scheduled";
}

int timeoutAnnotation(const json& m, const char* key, int def) {
  const std::string v = kv::annotation(m, key);
  if (v.empty()) return def;
  char* end = nullptr;
  long n = std::strtol(v.c_str(), &end, 10);
  return *end == '\0' ? static_cast<int>(n) : def;  // unparsable: the default
}

bool podUnschedulable(const json& pod) {
  if (!pod.contains("/status/conditions"_json_pointer)) return false;
  for (const auto& c : pod["status"]["conditions"])
    if (c.value("type", "") == "PodScheduled" && c.value("status", "") == "False" &&
        c.value("reason", "") == "Unschedulable")
      return true;
  return false;
}

bool podReady(const json& pod) {
  if (str(pod, "/status/phase") != "Running") return false;
  if (!pod.contains("/status/conditions"_json_pointer)) return false;
  for (const auto& c : pod["status"]["conditions"])
    if (c.value("type", "") == "Ready") return c.value("status", "") == "True";
  return false;
}

void eraseCondition(json& obj, const std::string& type) {
  json& cs = obj["status"]["conditions"];
  if (!cs.is_array()) return;
  cs.erase(std::remove_if(cs.begin(), cs.end(), [&](const json& c) { return c.value("type", "") == type; }), cs.end());
}

}  // namespace

struct MigrationController::Ctx {
  Services& s;
  ClusterWriter w;
  time_point now;
  std::string nowTs;
  kv::MigrationLimits limits;
  std::string launcherImage;
  std::map<std::string, json> targetPods;  // VMIM uid -> target pod
  std::map<std::string, const json*> vmims;  // uid -> VMIM as this tick read it (kept alive by the tick)
  int running = 0;                         // §3.2 count
  // The VMI of each running migration (that still exists): status.nodeName and
  // status.migrationState.sourceNode, for outboundMigrationsOnNode.
  std::vector<std::pair<std::string, std::string>> runningVmiNodes;
  bool anyFinalized = false;

  // migration.go outboundMigrationsOnNode: a running migration counts against node when its VMI's
  // status.nodeName OR status.migrationState.sourceNode is that node.
  int outboundOn(const std::string& node) const {
    int n = 0;
    for (const auto& [nodeName, sourceNode] : runningVmiNodes)
      if (nodeName == node || sourceNode == node) ++n;
    return n;
  }
};

void MigrationController::tick(Services& s, time_point now) {
  if (auto k = s.knobs.snapshot(); k.contains("kubevirtControllers") && k["kubevirtControllers"] == false) return;
  Ctx c{s, ClusterWriter(s, "migration"), now, rfc3339(now), kv::migrationLimits(kv::kubevirtCR(s.store)),
        kv::currentLauncherImage(s.store), {}, {}, 0, {}, false};
  // The stored VMIMs themselves (parsed once each, see StoredObject::doc), not copies: a tick runs every
  // few milliseconds and most VMIMs are finished.
  const std::vector<ObjPtr> stored = s.store.list(kv::vmims(), {}).items;
  if (stored.empty() && tracks_.empty()) return;
  // Target pods are read only for unfinished migrations: updateStatus (migration.go) takes a final
  // migration's IsFinal() branch, which reads no target pod, and findRunningMigrations counts only
  // unfinished ones (reconcile below returns first for them). The many finished migrations' pods are not
  // copied on every tick.
  std::set<std::string> unfinished;
  for (const auto& o : stored)
    if (!kv::isFinal(str(o->doc(), "/status/phase"))) unfinished.insert(o->uid);
  const LabelSelector hasJob = LabelSelector::parse("kubevirt.io/migrationJobUID");
  Store::ListQuery q;
  q.labels = &hasJob;
  for (const auto& p : s.store.list(kv::pods(), q).items) {
    const std::string& job = p->labels.at("kubevirt.io/migrationJobUID");
    if (unfinished.count(job)) c.targetPods[job] = p->parse();
  }
  std::set<std::string> live;
  for (const auto& o : stored) {
    const json& m = o->doc();
    const std::string uid = str(m, "/metadata/uid");
    live.insert(uid);
    c.vmims[uid] = &m;
    // migration.go findRunningMigrations: of the unfinished migrations (ListUnfinishedMigrations), those
    // IsRunning() and those in any other phase whose VMI exists and that already have a target pod.
    const std::string phase = str(m, "/status/phase");
    if (kv::isFinal(phase)) continue;
    ObjPtr v = s.store.get(kv::vmis(), str(m, "/metadata/namespace"), str(m, "/spec/vmiName"));
    const bool counted = kv::migrationPhaseIsRunning(phase) || (v && c.targetPods.count(uid));
    if (!counted) continue;
    ++c.running;
    if (v) {
      const json& vmi = v->doc();
      c.runningVmiNodes.emplace_back(str(vmi, "/status/nodeName"), str(vmi, "/status/migrationState/sourceNode"));
    }
  }
  for (auto it = tracks_.begin(); it != tracks_.end();)
    it = live.count(it->first) ? std::next(it) : tracks_.erase(it);

  // Migrations already past Pending first (they free capacity), then the queue by priority and age.
  using Key = std::tuple<int, int, std::string, std::string>;
  std::vector<std::pair<Key, const json*>> order;
  order.reserve(stored.size());
  for (const auto& o : stored) {
    const json& m = o->doc();
    const std::string ph = str(m, "/status/phase");
    order.push_back({Key{ph == "Pending" || ph.empty() ? 1 : 0, -kv::priorityRank(str(m, "/spec/priority")),
                         str(m, "/metadata/creationTimestamp"), str(m, "/metadata/name")},
                     &m});
  }
  std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [key, m] : order) {
    try {
      reconcile(c, *m);
    } catch (const ApiError&) {
      // A concurrent client write; the next tick retries.
    }
  }
  if (c.anyFinalized)  // a freed slot: waiting Pending VMIMs are looked at again at once
    for (auto& [_, t] : tracks_) t.nextCheck = {};
}

void MigrationController::setPhase(Ctx& c, json& m, const std::string& phase, const std::string& detail,
                                   const std::function<void(json&)>& extra) {
  const std::string ns = str(m, "/metadata/namespace"), name = str(m, "/metadata/name");
  ObjPtr out = c.w.modify(kv::vmims(), ns, name, [&](json& o) {
    json& st = o["status"];
    st["phase"] = phase;
    if (!st["phaseTransitionTimestamps"].is_array()) st["phaseTransitionTimestamps"] = json::array();
    st["phaseTransitionTimestamps"].push_back({{"phase", phase}, {"phaseTransitionTimestamp", c.nowTs}});
    if (extra) extra(o);
  }, "phase=" + phase + (detail.empty() ? "" : " " + detail));
  if (out) m = out->parse();
  if (kv::isFinal(phase)) c.anyFinalized = true;
}

void MigrationController::reconcile(Ctx& c, const json& stored) {
  const std::string ns = str(stored, "/metadata/namespace"), name = str(stored, "/metadata/name");
  const std::string uid = str(stored, "/metadata/uid");
  const std::string vmiName = str(stored, "/spec/vmiName");
  const std::string phase = str(stored, "/status/phase");
  Track& t = tracks_[uid];
  if (t.seen == time_point{}) t.seen = c.now;
  if (kv::isFinal(phase)) {
    if (!gcDone_.count(uid)) {
      gcDone_.insert(uid);
      garbageCollect(c, ns, vmiName);
    }
    return;
  }
  json m = stored;  // this migration's state as the steps below write it
  ObjPtr vobj = c.s.store.get(kv::vmis(), ns, vmiName);
  json vmi = vobj ? vobj->parse() : json();
  const bool deleting = m["metadata"].contains("deletionTimestamp");

  if (!vobj) {
    // migration.go execute(): "Deleting migration for deleted vmi" - deleted (not failed) unless already
    // deleting, and nothing else is done for a migration without a VMI (its finalizer stays).
    if (!deleting) c.w.remove(kv::vmims(), ns, name, "vmi gone");
    return;
  }
  if (deleting) {
    if (beforeHandoff(phase)) {
      c.w.modify(kv::vmims(), ns, name, [&](json& o) {
        json& cs = o["status"]["conditions"];
        if (!cs.is_array()) cs = json::array();
        cs.push_back({{"type", "migrationAbortRequested"}, {"status", "True"}, {"lastProbeTime", nullptr},
                      {"lastTransitionTime", c.nowTs}, {"reason", "AbortRequested"},
                      {"message", "Migration abort requested: deletion before hand-off"}});
      }, "condition migrationAbortRequested");
      fail(c, m, "Migration aborted: deleted before the target was handed off", true);
    } else if (!vmi.value("/status/migrationState/abortRequested"_json_pointer, false)) {
      c.w.modify(kv::vmis(), ns, vmiName, [&](json& v) { v["status"]["migrationState"]["abortRequested"] = true; },
                 "migrationState.abortRequested");
    } else {
      fail(c, m, "Live migration aborted by user request");
    }
    return;
  }
  const std::string vmiPhase = str(vmi, "/status/phase");
  const std::string vmiMigration = str(vmi, "/status/migrationState/migrationUid");
  if (kv::isFinal(vmiPhase) && vmiMigration != uid) {
    fail(c, m, "Migration failed: VMI " + ns + "/" + vmiName + " is in a final phase", true);
    return;
  }

  if (phase.empty()) {
    // §3.1 step 1: another active migration on the VMI.
    if (!vmiMigration.empty() && vmiMigration != uid) {
      auto other = c.vmims.find(vmiMigration);
      if (other != c.vmims.end() && !kv::isFinal(str(*other->second, "/status/phase"))) {
        c.w.event(m, "Warning", "FailedMigration",
                  "VMI is not eligible for migration because another migration job is in progress.");
        setPhase(c, m, "Failed", "another migration in progress", [&](json& o) {
          o["status"]["migrationState"]["failed"] = true;
          o["status"]["migrationState"]["failureReason"] = "another migration job is in progress";
        });
        return;
      }
    }
    setPhase(c, m, "Pending", "");
  }
  if (str(m, "/status/phase") == "Pending" && !pendingStep(c, m, vmi, t)) return;

  const std::string ph = str(m, "/status/phase");
  auto podIt = c.targetPods.find(uid);
  if (podIt == c.targetPods.end()) {
    // §3.1: the target pod disappeared once the phase reached Scheduling.
    fail(c, m, "Migration failed: target pod for migration " + name + " disappeared");
    return;
  }
  json& pod = podIt->second;
  if (kv::podTerminal(pod)) {
    fail(c, m, "Migration failed: target pod " + str(pod, "/metadata/name") + " is " + str(pod, "/status/phase"));
    return;
  }
  if (ph == "Scheduling") {
    // processMigrationPhase, MigrationScheduling: the quota condition is removed.
    if (m.contains("/status/conditions"_json_pointer)) {
      bool quota = false;
      for (const auto& cond : m["status"]["conditions"])
        if (cond.value("type", "") == "migrationRejectedByResourceQuota") quota = true;
      if (quota) {
        ObjPtr out = c.w.modify(kv::vmims(), ns, name, [&](json& o) { eraseCondition(o, "migrationRejectedByResourceQuota"); },
                                "condition migrationRejectedByResourceQuota removed");
        if (out) m = out->parse();
      }
    }
    schedulingStep(c, m, vmi, pod, t);
    return;
  }
  if (!beforeHandoff(ph) && vmiMigration != uid) {
    fail(c, m, "Migration failed: the VMI migration state is not synchronised with this migration");
    return;
  }
  const std::string targetNode = str(pod, "/spec/nodeName");
  if (ph == "Scheduled") {  // hand-off to virt-handler
    json state = {{"migrationUid", uid},
                  {"sourceNode", str(vmi, "/status/nodeName")},
                  {"targetNode", targetNode},
                  {"targetPod", str(pod, "/metadata/name")},
                  {"mode", "PreCopy"},
                  {"completed", false},
                  {"failed", false}};
    if (auto cur = kv::currentPod(kv::podsOf(c.s.store, vmi), vmi)) state["sourcePod"] = str(*cur, "/metadata/name");
    c.w.modify(kv::vmis(), ns, vmiName, [&](json& v) {
      v["status"]["migrationState"] = state;
      v["metadata"]["labels"]["kubevirt.io/migrationTargetNodeName"] = targetNode;
    }, "migrationState handed off to " + targetNode, "");
    t.prepareUntil = c.now + secs(drawDuration(c.s.knobs, c.s.seed, "preparationDelay", {1, 3}, vmi,
                                               "sim.kubevirt.io/preparation-delay", uid));
    setPhase(c, m, "PreparingTarget", "", [&](json& o) { o["status"]["migrationState"] = state; });
    return;
  }
  if (ph == "PreparingTarget") {
    if (t.prepareUntil == time_point{})
      t.prepareUntil = t.seen + secs(drawDuration(c.s.knobs, c.s.seed, "preparationDelay", {1, 3}, vmi,
                                                  "sim.kubevirt.io/preparation-delay", uid));
    if (c.now < t.prepareUntil) return;
    const std::string address = "10.129." + std::to_string(uid.size() % 200) + "." + std::to_string(uid[0] % 200);
    auto update = [&](json& st) {
      st["targetNodeAddress"] = address;
      st["targetNodeDomainReadyTimestamp"] = c.nowTs;
      st["targetNodeDomainDetected"] = true;
    };
    c.w.modify(kv::vmis(), ns, vmiName, [&](json& o) { update(o["status"]["migrationState"]); },
                          "target domain ready");
    setPhase(c, m, "TargetReady", "", [&](json& o) { update(o["status"]["migrationState"]); });
    return;
  }
  if (ph == "TargetReady") {
    c.w.modify(kv::vmis(), ns, vmiName, [&](json& o) { o["status"]["migrationState"]["startTimestamp"] = c.nowTs; },
               "migration started");
    const std::string key = ns + "/" + vmiName;
    ++attempts_[key];
    t.runUntil = c.now + secs(drawDuration(c.s.knobs, c.s.seed, "migrationDuration", {30, 90}, vmi,
                                           "sim.kubevirt.io/migration-duration", uid));
    setPhase(c, m, "Running", "", [&](json& o) { o["status"]["migrationState"]["startTimestamp"] = c.nowTs; });
    return;
  }
  if (ph == "Running") {
    if (t.runUntil == time_point{})
      t.runUntil = t.seen + secs(drawDuration(c.s.knobs, c.s.seed, "migrationDuration", {30, 90}, vmi,
                                              "sim.kubevirt.io/migration-duration", uid));
    if (c.now < t.runUntil) return;
    const std::string failMode = kv::annotation(vmi, "sim.kubevirt.io/fail-migrations");
    const std::string key = ns + "/" + vmiName;
    std::string reason;
    if (failMode == "always") {
      reason = "Live migration failed: simulated failure (sim.kubevirt.io/fail-migrations: always)";
    } else if (!failMode.empty() && std::atoi(failMode.c_str()) >= attempts_[key] && attempts_[key] > 0) {
      reason = "Live migration failed: simulated failure " + std::to_string(attempts_[key]) + " of " + failMode;
    } else if (uniform01(c.s.seed, "migrationFailure/" + uid) < c.s.knobs.number("migrationFailureRate", 0)) {
      reason = "Live migration failed: simulated failure (migrationFailureRate)";
    }
    if (!reason.empty()) fail(c, m, reason);
    else succeed(c, m, vmi);
  }
}

// Pending: backoff, limits, then the target pod. true when the VMIM moved on to Scheduling.
bool MigrationController::pendingStep(Ctx& c, json& m, json& vmi, Track& t) {
  const std::string ns = str(m, "/metadata/namespace"), name = str(m, "/metadata/name");
  const std::string uid = str(m, "/metadata/uid");
  if (auto pod = c.targetPods.find(uid); pod != c.targetPods.end()) {
    // sync() in Pending with the target pod present and not Ready: handlePendingPodTimeout; then
    // updateStatus moves the migration to Scheduling (the pod was listed before sync deleted it, so even a
    // timed-out pod takes it there, where its absence then fails the migration).
    if (!podReady(pod->second) && pendingPodTimeout(c, m, vmi, pod->second, t)) {
      setPhase(c, m, "Scheduling", "target pod timed out");
      c.targetPods.erase(pod);
      return false;
    }
    setPhase(c, m, "Scheduling", "");
    return true;
  }
  std::string behaviour = kv::annotation(vmi, "sim.kubevirt.io/target-pod");
  if (behaviour.empty()) {
    auto k = c.s.knobs.snapshot();
    if (k.contains("targetPod") && k["targetPod"].is_string()) behaviour = k["targetPod"].get<std::string>();
  }
  // A quota rejection is retried with the work queue's rate limit; lifting the quota re-enqueues at once
  // (migration.go updateResourceQuota/deleteResourceQuota enqueue migrations with the condition).
  const bool quotaLifted = t.quotaFailures > 0 && behaviour != "QuotaExceeded";
  if (quotaLifted) t.quotaFailures = 0;
  if (c.now < t.nextCheck && !quotaLifted) return false;
  if (double wait = backoffRemaining(c, m); wait > 0) {
    if (!t.backoffEvent) {
      c.w.event(vmi, "Warning", "MigrationBackoff", "backoff migrating vmi " + ns + "/" + str(vmi, "/metadata/name"));
      t.backoffEvent = true;
    }
    t.nextCheck = c.now + secs(wait);
    return false;
  }
  const int prio = kv::priorityRank(str(m, "/spec/priority"));
  const double retry = prio >= 100 ? 1 : prio >= 50 ? 3 : 5;
  const std::string source = str(vmi, "/status/nodeName");
  if (str(vmi, "/status/phase") != "Running" || kv::activePodCount(kv::podsOf(c.s.store, vmi)) > 1) {
    t.nextCheck = c.now + secs(1);
    return false;
  }
  // handleTargetPodCreation: the cluster limit, then outboundMigrationsOnNode(vmi.Status.NodeName).
  if (c.running >= c.limits.perCluster || c.outboundOn(source) >= c.limits.perNode) {
    t.nextCheck = c.now + secs(retry);
    return false;
  }

  // createTargetPod renders the target pod; the scheduler (scheduler_controller.cpp) places it.
  const std::string image =
      c.launcherImage.empty() ? str(vmi, "/status/launcherContainerImageVersion") : c.launcherImage;
  const ObjPtr sourceNodeObj = c.s.store.get(kv::nodes(), "", source);
  const auto sourcePod = kv::currentPod(kv::podsOf(c.s.store, vmi), vmi);
  std::string renderError;
  json pod = kv::migrationTargetPod(vmi, m, sourcePod ? *sourcePod : json::object(),
                                    sourceNodeObj ? sourceNodeObj->parse() : json::object(), image, &renderError);
  if (!renderError.empty()) {
    // createTargetPod returns the error (no event): execute() re-enqueues the key rate limited.
    ++t.renderFailures;
    t.nextCheck = c.now + secs(std::min(1000.0, 0.005 * std::ldexp(1.0, std::min(t.renderFailures - 1, 30))));
    return false;
  }
  t.renderFailures = 0;
  if (behaviour == "Unschedulable") {
    // Forced: the scheduler leaves the pod alone; the message is worded as if no node matched its selector.
    const size_t nodeCount = c.s.store.all(kv::nodes()).size();
    const std::vector<sched::Verdict> verdicts(nodeCount, sched::Verdict{{"node(s) didn't match Pod's node affinity/selector"}, false});
    pod["metadata"]["annotations"]["sim.kubevirt.io/scheduling"] = "Unschedulable";
    pod["status"]["conditions"] = {{{"type", "PodScheduled"}, {"status", "False"}, {"reason", "Unschedulable"},
                                    {"lastProbeTime", nullptr}, {"lastTransitionTime", c.nowTs},
                                    {"message", sched::fitErrorMessage(verdicts)}}};
  } else if (behaviour == "StuckPending") {
    pod["metadata"]["annotations"]["sim.kubevirt.io/kubelet"] = "StuckPending";  // scheduled, never Ready
  }
  if (behaviour == "QuotaExceeded") {
    // The API server's ResourceQuota admission refuses the pod (403 Forbidden, "exceeded quota").
    // createTargetPod: Warning FailedCreate "Error creating pod: ..." on the VMI, the error is returned;
    // processMigrationPhase (Pending, no pod, error contains "exceeded quota") adds the condition
    // migrationRejectedByResourceQuota (status True, lastProbeTime) once; execute()'s error re-enqueues the key
    // rate limited (workqueue.DefaultTypedControllerRateLimiter: 5 ms doubling per failure, at most 1000 s).
    const std::string podName = pod["metadata"].value("generateName", "") + c.s.store.newSuffix();
    const std::string used = std::to_string(c.s.store.all(kv::pods(), ns).size());
    const std::string apiErr = "pods \"" + podName + "\" is forbidden: exceeded quota: sim-quota, requested: pods=1, used: pods=" +
                               used + ", limited: pods=" + used;
    c.w.rejected("create", kv::pods(), ns, podName, 403, "migration target pod for " + name + ": exceeded quota");
    c.w.event(vmi, "Warning", "FailedCreate", "Error creating pod: " + apiErr);
    bool hasCondition = false;
    if (m.contains("/status/conditions"_json_pointer))
      for (const auto& cond : m["status"]["conditions"])
        if (cond.value("type", "") == "migrationRejectedByResourceQuota") hasCondition = true;
    if (!hasCondition) {
      ObjPtr out = c.w.modify(kv::vmims(), ns, name, [&](json& o) {
        json& cs = o["status"]["conditions"];
        if (!cs.is_array()) cs = json::array();
        cs.push_back({{"type", "migrationRejectedByResourceQuota"}, {"status", "True"}, {"lastProbeTime", c.nowTs},
                      {"lastTransitionTime", nullptr}});
      }, "condition migrationRejectedByResourceQuota");
      if (out) m = out->parse();
    }
    ++t.quotaFailures;
    t.nextCheck = c.now + secs(std::min(1000.0, 0.005 * std::ldexp(1.0, std::min(t.quotaFailures - 1, 30))));
    return false;
  }
  ObjPtr created = c.w.create(kv::pods(), pod, "migration target pod for " + name);
  json cp = created->parse();
  c.targetPods[uid] = cp;
  ++c.running;
  c.runningVmiNodes.emplace_back(source, str(vmi, "/status/migrationState/sourceNode"));
  if (c.s.migrations) c.s.migrations->noteNodes(uid, source, "");
  t.podReadyAt = c.now + secs(drawDuration(c.s.knobs, c.s.seed, "schedulingDelay", {2, 8}, vmi,
                                           "sim.kubevirt.io/scheduling-delay", uid));
  c.w.event(m, "Normal", "SuccessfulCreate",
            "Created migration target pod " + ns + "/" + created->name + " with uuid " + created->uid +
                " for migration " + uid);
  setPhase(c, m, "Scheduling", "target pod " + created->name);
  return true;
}

// migration.go alertIfHostModelIsUnschedulable: a host-model VMI whose target pod's CPU model/feature selectors
// no node but its own matches gets a Warning on the VMI (labels printed as Go prints a map).
void MigrationController::alertIfHostModelIsUnschedulable(Ctx& c, const json& vmi, const json& pod) {
  if (str(vmi, "/spec/domain/cpu/model") != "host-model") return;
  std::map<std::string, std::string> required;
  const json selector = pod.value("/spec/nodeSelector"_json_pointer, json::object());
  for (const auto& [k, v] : selector.items())
    if ((k.rfind("cpu-model-migration.node.kubevirt.io/", 0) == 0 || k.rfind("cpu-feature.node.kubevirt.io/", 0) == 0) &&
        v.is_string())
      required[k] = v.get<std::string>();
  const std::string own = str(vmi, "/status/nodeName");
  for (const auto& n : c.s.store.all(kv::nodes())) {
    if (str(n, "/metadata/name") == own) continue;
    bool fits = true;
    for (const auto& [k, v] : required) fits = fits && n["metadata"].value("labels", json::object()).value(k, "") == v;
    if (fits) return;
  }
  std::string printed = "map[";
  for (const auto& [k, v] : required) printed += (printed.size() > 4 ? " " : "") + k + ":" + v;
  c.w.event(vmi, "Warning", "NoSuitableNodesForHostModelMigration",
            "Migration cannot proceed since no node is suitable to run the required CPU model / required features: " + printed + "]");
}

// migration.go handlePendingPodTimeout, called from sync() for a Pending migration whose target pod exists
// and is not Ready, and for a Scheduling one: an Unschedulable pod is reported and deleted after the
// unschedulable timeout, any Pending pod after the catch-all timeout. true when the pod was deleted.
bool MigrationController::pendingPodTimeout(Ctx& c, json& m, const json& vmi, const json& pod, Track& t) {
  if (str(pod, "/status/phase") != "Pending" || pod["metadata"].contains("deletionTimestamp")) return false;
  const std::string ns = str(m, "/metadata/namespace");
  const std::string podName = str(pod, "/metadata/name");
  time_point created;
  if (!parseRfc3339(str(pod, "/metadata/creationTimestamp"), created)) return false;
  const auto age = std::chrono::duration_cast<std::chrono::seconds>(c.now - created).count();
  if (podUnschedulable(pod)) {
    if (c.now - t.lastWarning >= secs(10)) {
      alertIfHostModelIsUnschedulable(c, vmi, pod);
      c.w.event(m, "Warning", "migrationTargetPodUnschedulable",
                "Migration target pod for VMI [" + ns + "/" + str(vmi, "/metadata/name") +
                    "] is currently unschedulable.");
      t.lastWarning = c.now;
    }
    if (age >= timeoutAnnotation(m, "kubevirt.io/migrationUnschedulablePodTimeoutSeconds", kUnschedulableTimeout)) {
      c.w.remove(kv::pods(), ns, podName, "unschedulable timeout");
      c.w.event(m, "Normal", "SuccessfulDelete", "unschedulable pod " + ns + "/" + podName + " timeout period exceeded");
      return true;
    }
  }
  if (age >= timeoutAnnotation(m, "kubevirt.io/migrationPendingPodTimeoutSeconds", kPendingTimeout)) {
    c.w.remove(kv::pods(), ns, podName, "pending timeout");
    c.w.event(m, "Normal", "SuccessfulDelete", "pending pod " + ns + "/" + podName + " timeout period exceeded");
    return true;
  }
  return false;
}

void MigrationController::schedulingStep(Ctx& c, json& m, json& vmi, json& pod, Track& t) {
  const std::string ns = str(m, "/metadata/namespace");
  const std::string podName = str(pod, "/metadata/name");
  if (podReady(pod)) {
    setPhase(c, m, "Scheduled", "");
    return;
  }
  if (str(pod, "/status/phase") != "Pending" || pod["metadata"].contains("deletionTimestamp")) return;
  if (pendingPodTimeout(c, m, vmi, pod, t)) return;
  const std::string node = str(pod, "/spec/nodeName");
  if (node.empty()) return;  // not scheduled (yet)
  if (kv::annotation(pod, "sim.kubevirt.io/kubelet") == "StuckPending") {
    // The kubelet never gets the containers running.
    if (!pod["status"].contains("containerStatuses"))
      c.w.modify(kv::pods(), ns, podName, [&](json& p) {
        p["status"]["conditions"].push_back({{"type", "Ready"}, {"status", "False"}, {"reason", "ContainersNotReady"},
                                             {"lastTransitionTime", c.nowTs}});
        p["status"]["containerStatuses"] = {{{"name", "compute"}, {"image", str(p, "/spec/containers/0/image")},
                                             {"ready", false}, {"restartCount", 0},
                                             {"state", {{"waiting", {{"reason", "ContainerCreating"}}}}}}};
      }, "target pod stuck creating on " + node);
    return;
  }
  if (t.podReadyAt == time_point{})
    t.podReadyAt = t.seen + secs(drawDuration(c.s.knobs, c.s.seed, "schedulingDelay", {2, 8}, vmi,
                                              "sim.kubevirt.io/scheduling-delay", str(m, "/metadata/uid")));
  if (c.now < t.podReadyAt) return;
  const std::string image = str(pod, "/spec/containers/0/image");
  ObjPtr out = c.w.modify(kv::pods(), ns, podName, [&](json& p) {
    p["metadata"]["labels"]["kubevirt.io/nodeName"] = node;
    if (image == c.launcherImage) p["metadata"]["labels"].erase("kubevirt.io/outdatedLauncherImage");
    p["status"]["phase"] = "Running";
    p["status"]["startTime"] = c.nowTs;
    json conds = json::array();
    for (const auto& cond : p["status"].value("conditions", json::array()))
      if (cond.value("type", "") == "PodScheduled") conds.push_back(cond);
    conds.push_back({{"type", "Ready"}, {"status", "True"}, {"lastTransitionTime", c.nowTs}});
    p["status"]["conditions"] = conds;
    p["status"]["containerStatuses"] = {{{"name", "compute"}, {"image", image}, {"ready", true}, {"restartCount", 0},
                                         {"started", true}, {"state", {{"running", {{"startedAt", c.nowTs}}}}}}};
  }, "target pod running on " + node);
  pod = out->parse();
  if (c.s.migrations) c.s.migrations->noteNodes(str(m, "/metadata/uid"), str(vmi, "/status/nodeName"), node);
  setPhase(c, m, "Scheduled", "");
}

double MigrationController::backoffRemaining(Ctx& c, const json& m) {
  const bool annotated = kv::hasAnnotation(m, kv::kEvacuationAnnotation) || kv::hasAnnotation(m, kv::kWorkloadUpdateAnnotation);
  if (!annotated || kv::hasAnnotation(m, "kubevirt.io/func-test-ignore-migration-backoff")) return 0;
  const std::string ns = str(m, "/metadata/namespace"), vmiName = str(m, "/spec/vmiName");
  std::vector<const json*> eligible;
  for (const auto& [_, o] : c.vmims)
    if (str(*o, "/metadata/namespace") == ns && str(*o, "/spec/vmiName") == vmiName &&
        (kv::hasAnnotation(*o, kv::kEvacuationAnnotation) || kv::hasAnnotation(*o, kv::kWorkloadUpdateAnnotation)))
      eligible.push_back(o);
  std::sort(eligible.begin(), eligible.end(), [](const json* a, const json* b) {
    return std::make_pair(str(*a, "/metadata/creationTimestamp"), str(*a, "/metadata/name")) >
           std::make_pair(str(*b, "/metadata/creationTimestamp"), str(*b, "/metadata/name"));
  });
  if (eligible.size() < 2 || str(*eligible[0], "/metadata/uid") != str(m, "/metadata/uid")) return 0;
  double backoff = 0;
  for (size_t i = 1; i < eligible.size(); ++i) {
    const json& o = *eligible[i];
    const std::string ph = str(o, "/status/phase");
    if (ph == "Succeeded") break;
    if (o["metadata"].contains("deletionTimestamp")) continue;
    if (ph == "Failed") backoff = backoff == 0 ? 20 : backoff * 2;
  }
  if (backoff == 0) return 0;
  time_point failedAt{};
  const json& older = *eligible[1];
  if (older.contains("/status/phaseTransitionTimestamps"_json_pointer))
    for (const auto& p : older["status"]["phaseTransitionTimestamps"])
      if (p.value("phase", "") == "Failed") parseRfc3339(p.value("phaseTransitionTimestamp", ""), failedAt);
  if (failedAt == time_point{}) return 0;
  const double left = std::chrono::duration<double>(failedAt + secs(backoff) - c.now).count();
  return left > 0 ? left : 0;
}

void MigrationController::fail(Ctx& c, json& m, const std::string& reason, bool deleteTarget) {
  const std::string ns = str(m, "/metadata/namespace"), uid = str(m, "/metadata/uid");
  const std::string vmiName = str(m, "/spec/vmiName");
  if (ObjPtr v = c.s.store.get(kv::vmis(), ns, vmiName); v && str(v->doc(), "/status/migrationState/migrationUid") == uid) {
    c.w.modify(kv::vmis(), ns, vmiName, [&](json& o) {
      json& st = o["status"]["migrationState"];
      st["failed"] = true;
      st["completed"] = false;
      st["endTimestamp"] = c.nowTs;
      st["failureReason"] = reason;
      if (!st.contains("startTimestamp")) st["startTimestamp"] = c.nowTs;
      o["metadata"]["labels"].erase("kubevirt.io/migrationTargetNodeName");
    }, "migration failed");
  }
  if (auto p = c.targetPods.find(uid); p != c.targetPods.end()) {
    const std::string podName = str(p->second, "/metadata/name");
    if (deleteTarget) {
      c.w.remove(kv::pods(), ns, podName, "target pod of aborted migration");
    } else if (!kv::podTerminal(p->second) && !p->second["metadata"].contains("deletionTimestamp")) {
      c.w.modify(kv::pods(), ns, podName, [&](json& o) {
        o["status"]["phase"] = "Failed";
        for (auto& cond : o["status"]["conditions"])
          if (cond.value("type", "") == "Ready") cond["status"] = "False";
      }, "target launcher exited");
    }
  }
  const std::string targetPod = c.targetPods.count(uid) ? str(c.targetPods[uid], "/metadata/name") : "";
  c.w.event(m, "Warning", "FailedMigration", reason);
  setPhase(c, m, "Failed", reason, [&](json& o) {
    json& st = o["status"]["migrationState"];
    if (!st.is_object()) st = json::object();
    if (!targetPod.empty() && !deleteTarget) st["targetPod"] = targetPod;
    st["migrationUid"] = uid;
    st["failed"] = true;
    st["completed"] = false;
    st["endTimestamp"] = c.nowTs;
    st["failureReason"] = reason;
  });
  gcDone_.insert(uid);
  garbageCollect(c, ns, vmiName);
}

void MigrationController::succeed(Ctx& c, json& m, json& vmi) {
  const std::string ns = str(m, "/metadata/namespace"), uid = str(m, "/metadata/uid");
  const std::string vmiName = str(m, "/spec/vmiName");
  const json& pod = c.targetPods[uid];
  const std::string target = str(pod, "/spec/nodeName");
  const std::string image = str(pod, "/spec/containers/0/image");
  const std::string sourcePod = str(vmi, "/status/migrationState/sourcePod");
  c.w.modify(kv::vmis(), ns, vmiName, [&](json& o) {
    json& st = o["status"];
    json& labels = o["metadata"]["labels"];
    st["nodeName"] = target;
    labels["kubevirt.io/nodeName"] = target;
    labels.erase("kubevirt.io/migrationTargetNodeName");
    st["launcherContainerImageVersion"] = image;
    if (!c.launcherImage.empty() && image != c.launcherImage) labels["kubevirt.io/outdatedLauncherImage"] = "";
    else labels.erase("kubevirt.io/outdatedLauncherImage");
    st["migrationState"]["completed"] = true;
    st["migrationState"]["endTimestamp"] = c.nowTs;
    st["activePods"] = {{str(pod, "/metadata/uid"), target}};
    if (st.contains("evacuationNodeName") && st["evacuationNodeName"] != target) st.erase("evacuationNodeName");
    // The hotplug changes the migration carried out are now applied.
    for (const char* cond : {"EvictionRequested", "HotVCPUChange", "HotMemoryChange", "MigrationRequired"})
      eraseCondition(o, cond);
  }, "migrated to " + target);
  if (!sourcePod.empty()) c.w.remove(kv::pods(), ns, sourcePod, "migration source pod");
  c.w.event(m, "Normal", "SuccessfulMigration", "Source node reported migration succeeded");
  setPhase(c, m, "Succeeded", "", [&](json& o) {
    o["status"]["migrationState"]["completed"] = true;
    o["status"]["migrationState"]["endTimestamp"] = c.nowTs;
  });
  gcDone_.insert(uid);
  garbageCollect(c, ns, vmiName);
}

void MigrationController::garbageCollect(Ctx& c, const std::string& ns, const std::string& vmiName) {
  std::vector<json> finals;
  for (const auto& o : c.s.store.all(kv::vmims(), ns))
    if (str(o, "/spec/vmiName") == vmiName && kv::isFinal(str(o, "/status/phase")) &&
        !o["metadata"].contains("deletionTimestamp"))
      finals.push_back(o);
  if (finals.size() <= static_cast<size_t>(kGcBuffer)) return;
  std::sort(finals.begin(), finals.end(), [](const json& a, const json& b) {
    return std::make_pair(str(a, "/metadata/creationTimestamp"), str(a, "/metadata/name")) <
           std::make_pair(str(b, "/metadata/creationTimestamp"), str(b, "/metadata/name"));
  });
  for (size_t i = 0; i + kGcBuffer < finals.size(); ++i) {
    const json& o = finals[i];
    std::string defunct;
    if (o.value("/status/migrationState/failed"_json_pointer, false)) defunct = str(o, "/status/migrationState/targetPod");
    else if (o.value("/status/migrationState/completed"_json_pointer, false)) defunct = str(o, "/status/migrationState/sourcePod");
    if (!defunct.empty()) c.w.remove(kv::pods(), ns, defunct, "defunct pod of garbage-collected migration");
    c.w.remove(kv::vmims(), ns, str(o, "/metadata/name"), "garbage collection");
  }
}

}  // namespace sim

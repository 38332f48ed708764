#include "rollout_controller.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>

#include "cluster_writer.hpp"
#include "durations.hpp"
#include "ids.hpp"
#include "kubevirt_model.hpp"
#include "resources.hpp"
#include "services.hpp"
#include "sim_clock.hpp"
#include "status_errors.hpp"

namespace sim {

using nlohmann::json;
using kv::str;

namespace {

const ResourceInfo& daemonsets() { return *findResource("apps", "v1", "daemonsets"); }

uint64_t fnv1a(const std::string& s, uint64_t h) {
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return h;
}

// A 40-hex deployment ID, a pure function of what is deployed (upstream hashes the deployment config).
std::string deploymentId(const std::string& config) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%016llx%016llx%08llx",
                static_cast<unsigned long long>(fnv1a(config, 14695981039346656037ULL)),
                static_cast<unsigned long long>(fnv1a(config, 1469598103934665603ULL)),
                static_cast<unsigned long long>(fnv1a(config, 0x9e3779b97f4a7c15ULL) & 0xffffffffULL));
  return buf;
}

// util.updateCondition: the condition of that type replaced; the transition time kept while the status is.
void setCondition(json& status, const std::string& type, const std::string& st, const std::string& reason,
                  const std::string& message, const std::string& now) {
  json& cs = status["conditions"];
  if (!cs.is_array()) cs = json::array();
  for (auto& c : cs)
    if (c.value("type", "") == type) {
      if (c.value("status", "") != st) c["lastTransitionTime"] = now;
      c["status"] = st;
      c["reason"] = reason;
      c["message"] = message;
      c["lastProbeTime"] = now;
      return;
    }
  cs.push_back({{"type", type}, {"status", st}, {"reason", reason}, {"message", message}, {"lastProbeTime", now},
                {"lastTransitionTime", now}});
}

void removeCondition(json& status, const std::string& type) {
  json& cs = status["conditions"];
  if (!cs.is_array()) return;
  cs.erase(std::remove_if(cs.begin(), cs.end(), [&](const json& c) { return c.value("type", "") == type; }), cs.end());
}

// image "registry/name:tag": the tag and the registry.
void splitImage(const std::string& image, std::string& registry, std::string& version) {
  const size_t slash = image.rfind('/');
  const size_t colon = image.rfind(':');
  registry = slash == std::string::npos ? "" : image.substr(0, slash);
  version = colon != std::string::npos && (slash == std::string::npos || colon > slash) ? image.substr(colon + 1) : "latest";
}

// The named workload of the KubeVirt install: in the KubeVirt CR's namespace, else anywhere.
ObjPtr findInstall(Services& s, const ResourceInfo& r, const std::string& ns, const std::string& name) {
  if (ObjPtr o = s.store.get(r, ns, name)) return o;
  for (const auto& o : s.store.list(r, {}).items)
    if (o->name == name) return o;
  return nullptr;
}

}  // namespace

json RolloutController::state() const {
  std::lock_guard lk(mu_);
  return {{"active", active_}, {"launcherImage", image_}, {"previousLauncherImage", oldImage_},
          {"targetDeploymentID", targetId_}, {"targetKubeVirtVersion", version_}, {"durationSeconds", duration_},
          {"stage", stage_ == 0 ? "virt-handler" : stage_ == 1 ? "virt-controller" : stage_ == 2 ? "finishing" : "done"},
          {"startedAt", started_ == time_point{} ? "" : rfc3339Millis(started_)}};
}

json RolloutController::start(Services& s, const json& body) {
  if (!body.is_object() || !body.contains("launcherImage") || !body["launcherImage"].is_string() ||
      body["launcherImage"].get<std::string>().empty())
    throw badRequest("expected {\"launcherImage\": IMAGE, \"durationSeconds\": N}");
  double duration = 60;
  if (body.contains("durationSeconds")) {
    auto d = parseDurationSeconds(body["durationSeconds"]);
    if (!d) throw badRequest("durationSeconds must be a non-negative number of seconds or a duration");
    duration = *d;
  }
  std::lock_guard lk(mu_);
  if (active_) throw ApiError(409, "Conflict", "a rollout to " + image_ + " is in progress");
  auto cr = kv::kubevirtCR(s.store);
  if (!cr) throw ApiError(409, "Conflict", "a rollout needs exactly one KubeVirt CR");
  image_ = body["launcherImage"].get<std::string>();
  duration_ = duration;
  oldImage_ = kv::currentLauncherImage(s.store);
  splitImage(image_, registry_, version_);
  kvNs_ = str(*cr, "/metadata/namespace");
  kvName_ = str(*cr, "/metadata/name");
  const json config = {{"id", ""}, {"namespace", kvNs_}, {"registry", registry_}, {"kubeVirtVersion", version_},
                       {"virtOperatorImage", registry_ + "/virt-operator:" + version_}, {"launcherImage", image_}};
  targetId_ = deploymentId(config.dump());
  json cfg = config;
  cfg["id"] = targetId_;
  const std::string nowTs = nowRfc3339();
  ClusterWriter w(s, "virt-operator");
  // syncInstallation: SetOperatorVersion, SetTargetDeploymentConfig, and - observed != target -
  // UpdateConditionsUpdating. The phase stays (it is only set to Deploying when empty): an update is
  // visible as observedDeploymentID != targetDeploymentID, which is what the workload updater gates on.
  const json phase = body.value("phase", json());
  w.modify(kv::kubevirts(), kvNs_, kvName_, [&](json& o) {
    json& st = o["status"];
    st["operatorVersion"] = version_;
    st["targetKubeVirtVersion"] = version_;
    st["targetKubeVirtRegistry"] = registry_;
    st["targetDeploymentID"] = targetId_;
    st["targetDeploymentConfig"] = cfg.dump();
    if (phase.is_string()) st["phase"] = phase;
    else if (st.value("phase", "").empty()) st["phase"] = "Deploying";
    removeCondition(st, "Created");
    removeCondition(st, "Synchronized");
    const std::string msg = "Transitioning from previous version " + st.value("observedKubeVirtVersion", "") +
                            " with registry " + st.value("observedKubeVirtRegistry", "") + " to target version " +
                            version_ + " using registry " + registry_;
    setCondition(st, "Available", "True", "UpdateInProgress", msg, nowTs);
    setCondition(st, "Progressing", "True", "UpdateInProgress", msg, nowTs);
    setCondition(st, "Degraded", "True", "UpdateInProgress", msg, nowTs);
  }, "rollout to " + version_ + ": targetDeploymentID=" + targetId_);
  // updateKubeVirtSystem step 1: the daemonsets (virt-handler) first.
  if (ObjPtr ds = findInstall(s, daemonsets(), kvNs_, "virt-handler")) {
    w.modify(daemonsets(), ds->ns, ds->name, [&](json& o) {
      const int gen = o["metadata"].value("generation", 1) + 1;
      o["metadata"]["generation"] = gen;
      o["metadata"]["labels"]["app.kubernetes.io/version"] = version_;
      for (auto& c : o["spec"]["template"]["spec"]["containers"])
        if (c.value("name", "") == "virt-handler") c["image"] = registry_ + "/virt-handler:" + version_;
      const int desired = o["status"].value("desiredNumberScheduled", 0);
      o["status"]["observedGeneration"] = gen;
      o["status"]["updatedNumberScheduled"] = 0;
      o["status"]["numberAvailable"] = std::max(0, desired - 1);
      o["status"]["numberReady"] = std::max(0, desired - 1);
      if (desired > 0) o["status"]["numberUnavailable"] = 1;
    }, "virt-handler rolling to " + version_, "");
  }
  active_ = true;
  stage_ = 0;
  started_ = simNow();
  json out = {{"launcherImage", image_}, {"previousLauncherImage", oldImage_}, {"targetDeploymentID", targetId_},
              {"targetKubeVirtVersion", version_}, {"durationSeconds", duration_}, {"startedAt", rfc3339Millis(started_)}};
  return out;
}

void RolloutController::tick(Services& s, time_point now) {
  auto k = s.knobs.snapshot();
  if (k.contains("rollout") && k["rollout"].is_object()) {
    bool fresh;
    {
      std::lock_guard lk(mu_);
      fresh = k["rollout"] != lastKnob_;
      if (fresh) lastKnob_ = k["rollout"];
    }
    if (fresh) {
      try {
        start(s, k["rollout"]);
      } catch (const ApiError& e) {
        std::cerr << "kubevirt-sim: knob rollout: " << e.what() << "\n";
      }
    }
  }
  std::lock_guard lk(mu_);
  if (active_) step(s, now);
}

void RolloutController::step(Services& s, time_point now) {
  const double elapsed = std::chrono::duration<double>(now - started_).count();
  const double f = duration_ <= 0 ? 1.0 : elapsed / duration_;
  ClusterWriter w(s, "virt-operator");
  const std::string nowTs = rfc3339(now);

  // virt-handler rolls over the first half, one node at a time (maxUnavailable 1).
  if (stage_ == 0)
    if (ObjPtr ds = findInstall(s, daemonsets(), kvNs_, "virt-handler")) {
      json o = ds->parse();
      const int desired = o["status"].value("desiredNumberScheduled", 0);
      const int updated = std::min(desired, static_cast<int>(std::floor(desired * std::min(1.0, f / 0.5))));
      if (updated != o["status"].value("updatedNumberScheduled", -1))
        w.modify(daemonsets(), ds->ns, ds->name, [&](json& d) {
          d["status"]["updatedNumberScheduled"] = updated;
          const int unavailable = updated < desired ? 1 : 0;
          d["status"]["numberAvailable"] = desired - unavailable;
          d["status"]["numberReady"] = desired - unavailable;
          if (unavailable) d["status"]["numberUnavailable"] = unavailable;
          else d["status"].erase("numberUnavailable");
        }, "virt-handler updated on " + std::to_string(updated) + "/" + std::to_string(desired) + " nodes");
    }

  // Step 3: once the daemonsets rolled over, the controller Deployments get the new version.
  if (stage_ == 0 && f >= 0.5) {
    if (ObjPtr d = findInstall(s, kv::deployments(), kvNs_, "virt-controller")) {
      w.modify(kv::deployments(), d->ns, d->name, [&](json& o) {
        const int gen = o["metadata"].value("generation", 1) + 1;
        o["metadata"]["generation"] = gen;
        o["metadata"]["labels"]["app.kubernetes.io/version"] = version_;
        o["metadata"]["annotations"][kRunningLauncherImageAnnotation] = oldImage_;
        for (auto& c : o["spec"]["template"]["spec"]["containers"]) {
          if (c.value("name", "") != "virt-controller") continue;
          c["image"] = registry_ + "/virt-controller:" + version_;
          bool replaced = false;
          for (const char* key : {"command", "args"}) {
            if (!c.contains(key) || !c[key].is_array()) continue;
            json& a = c[key];
            for (size_t i = 0; i < a.size(); ++i) {
              if (a[i] == "--launcher-image" && i + 1 < a.size()) {
                a[i + 1] = image_;
                replaced = true;
              } else if (a[i].is_string() && a[i].get<std::string>().rfind("--launcher-image=", 0) == 0) {
                a[i] = "--launcher-image=" + image_;
                replaced = true;
              }
            }
          }
          if (!replaced) c["args"].push_back("--launcher-image"), c["args"].push_back(image_);
        }
        o["status"]["observedGeneration"] = gen;
        o["status"]["updatedReplicas"] = 0;
        setCondition(o["status"], "Progressing", "True", "ReplicaSetUpdated",
                     "ReplicaSet \"virt-controller-" + targetId_.substr(0, 9) + "\" is progressing.", nowTs);
      }, "virt-controller rolling to " + version_ + " (--launcher-image " + image_ + ")", "");
    }
    if (ObjPtr ds = findInstall(s, daemonsets(), kvNs_, "virt-handler"))
      w.modify(daemonsets(), ds->ns, ds->name, [&](json& d) {
        const int desired = d["status"].value("desiredNumberScheduled", 0);
        d["status"]["updatedNumberScheduled"] = desired;
        d["status"]["numberAvailable"] = desired;
        d["status"]["numberReady"] = desired;
        d["status"].erase("numberUnavailable");
      }, "virt-handler rolled over");
    stage_ = 1;
  }

  // The new virt-controller pods are ready and one of them leads: its --launcher-image is the current one.
  if (stage_ == 1 && f >= 0.8) {
    if (ObjPtr d = findInstall(s, kv::deployments(), kvNs_, "virt-controller"))
      w.modify(kv::deployments(), d->ns, d->name, [&](json& o) {
        const int replicas = o.value("/spec/replicas"_json_pointer, 1);
        o["metadata"]["annotations"].erase(kRunningLauncherImageAnnotation);
        o["status"]["replicas"] = replicas;
        o["status"]["updatedReplicas"] = replicas;
        o["status"]["readyReplicas"] = replicas;
        o["status"]["availableReplicas"] = replicas;
        setCondition(o["status"], "Progressing", "True", "NewReplicaSetAvailable",
                     "ReplicaSet \"virt-controller-" + targetId_.substr(0, 9) + "\" has successfully progressed.", nowTs);
      }, "virt-controller rolled over", "");
    // The new virt-controller's VMI controller syncs every VMI: setLauncherContainerInfo (vmi/lifecycle.go)
    // sets kubevirt.io/outdatedLauncherImage when the pod's image is not its launcher image and removes it
    // otherwise; the dynamic labels are synced onto the launcher pod.
    ClusterWriter vw(s, "vmi");
    for (const auto& vmi : s.store.all(kv::vmis())) {
      const std::string version = str(vmi, "/status/launcherContainerImageVersion");
      if (version.empty() || kv::isFinal(str(vmi, "/status/phase"))) continue;
      const bool outdated = version != image_;
      const bool labelled = vmi["metadata"].contains("labels") && vmi["metadata"]["labels"].contains("kubevirt.io/outdatedLauncherImage");
      const std::string ns = str(vmi, "/metadata/namespace"), name = str(vmi, "/metadata/name");
      auto relabel = [&](json& o) {
        if (outdated) o["metadata"]["labels"]["kubevirt.io/outdatedLauncherImage"] = "";
        else if (o["metadata"].contains("labels")) o["metadata"]["labels"].erase("kubevirt.io/outdatedLauncherImage");
      };
      try {
        if (outdated != labelled)
          vw.modify(kv::vmis(), ns, name, relabel, outdated ? "outdated launcher image" : "launcher image up to date", "");
        if (auto pod = kv::currentPod(kv::podsOf(s.store, vmi), vmi)) {
          const bool podLabelled = (*pod)["metadata"].contains("labels") &&
                                   (*pod)["metadata"]["labels"].contains("kubevirt.io/outdatedLauncherImage");
          if (podLabelled != outdated)
            vw.modify(kv::pods(), ns, str(*pod, "/metadata/name"), relabel, "dynamic labels synced from the VMI", "");
        }
      } catch (const ApiError&) {
        // A conflicting client write; the label is corrected by the next sync upstream.
      }
    }
    stage_ = 2;
  }

  // syncInstallation, all components ready: SetObservedDeploymentConfig, phase Deployed, UpdateConditionsAvailable.
  if (stage_ == 2 && f >= 1) {
    w.modify(kv::kubevirts(), kvNs_, kvName_, [&](json& o) {
      json& st = o["status"];
      st["observedKubeVirtVersion"] = st.value("targetKubeVirtVersion", version_);
      st["observedKubeVirtRegistry"] = st.value("targetKubeVirtRegistry", registry_);
      st["observedDeploymentID"] = st.value("targetDeploymentID", targetId_);
      st["observedDeploymentConfig"] = st.value("targetDeploymentConfig", "");
      st["phase"] = "Deployed";
      setCondition(st, "Created", "True", "AllResourcesCreated", "All resources were created.", nowTs);
      setCondition(st, "Available", "True", "AllComponentsReady", "All components are ready.", nowTs);
      setCondition(st, "Progressing", "False", "AllComponentsReady", "All components are ready.", nowTs);
      setCondition(st, "Degraded", "False", "AllComponentsReady", "All components are ready.", nowTs);
      st["observedGeneration"] = o["metadata"].value("generation", 1);
    }, "rollout to " + version_ + " done: observedDeploymentID=" + targetId_);
    stage_ = 3;
    active_ = false;
  }
}

}  // namespace sim

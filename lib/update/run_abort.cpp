#include "update/run_abort.hpp"

#include <ctime>
#include <thread>

#include <nlohmann/json.hpp>

#include "cluster/config_objects.hpp"
#include "cluster/resources.hpp"
#include "kube/api_error.hpp"
#include "update/run_identity.hpp"
#include "update/run_lease.hpp"
#include "update/updater_pause.hpp"
#include "util/rfc3339.hpp"

namespace wu::update {

namespace {

nlohmann::json get_lease(kube::Client& client, const std::string& ns) {
  try {
    return client.get(cluster::kLeases.in(ns).named(kLeaseName));
  } catch (const kube::ApiError& e) {
    if (kube::is_not_found(e)) return nullptr;
    throw;
  }
}

// Deletes the run's VMIMs that have not finished (KubeVirt aborts each migration on deletion).
void cancel_migrations(kube::Client& client, const std::string& run_id, AbortReport& report) {
  kube::ListOptions o;
  o.label_selector = std::string(kRunLabel) + "=" + run_id;
  for (const auto& m : client.list(cluster::kVmims, o)) {  // every namespace: a run may span them
    const auto md = m.value("metadata", nlohmann::json::object());
    const std::string phase = m.value("status", nlohmann::json::object()).value("phase", "");
    if (phase == "Succeeded" || phase == "Failed" || md.contains("deletionTimestamp")) continue;
    const std::string ns = md.value("namespace", ""), name = md.value("name", "");
    try {
      client.remove(cluster::kVmims.in(ns).named(name));
      report.cancelled.push_back(ns + "/" + name);
    } catch (const kube::ApiError& e) {
      if (!kube::is_not_found(e)) report.cancel_failures.push_back(ns + "/" + name + ": " + e.what());
    }
  }
}

}  // namespace

std::optional<std::string> lease_namespace(kube::Client& client, std::stop_token stop) {
  const cluster::ConfigObjects config = cluster::fetch_config_objects(client, stop);
  if (config.kubevirts.empty()) return std::nullopt;
  return config.kubevirts.front().value("metadata", nlohmann::json::object()).value("namespace", "");
}

const char* abort_result_name(AbortResult r) {
  switch (r) {
    case AbortResult::NoRun: return "NoRun";
    case AbortResult::Stopped: return "Stopped";
    case AbortResult::HolderGone: return "HolderGone";
    case AbortResult::StillRunning: return "StillRunning";
  }
  return "NoRun";
}

AbortReport abort_run(kube::Client& client, const std::string& ns, const AbortOptions& options,
                      std::stop_token stop) {
  AbortReport report;
  nlohmann::json lease = get_lease(client, ns);
  if (!lease.is_object()) {
    report.message = "no run Lease in " + ns + ": no run has been started on this cluster";
    return report;
  }
  const LeaseRunState state = read_lease_state(lease);
  report.run_id = state.run_id;
  report.holder = state.holder;
  const auto ref = cluster::kLeases.in(ns).named(kLeaseName);
  const std::string request = util::format_rfc3339(std::time(nullptr)) + " by " + options.identity;

  if (report.holder.empty()) {
    report.result = AbortResult::NoRun;
    report.message = "no run holds the Lease" + (report.run_id.empty() ? std::string() : " (the last was run " + report.run_id + ")");
  } else if (!state.held_by_live_holder(std::time(nullptr))) {
    // Killed without a release (the Lease expired, or its pid on this machine is gone): nobody will
    // read a request, so abort releases the Lease itself, on
    // the version it read (a holder that comes back in between wins, and is asked below next time).
    lease["spec"]["holderIdentity"] = "";
    lease["metadata"]["annotations"][kRunStateAnnotation] = "Aborted";
    lease["metadata"]["annotations"][kAbortAnnotation] = request;
    client.update(ref, lease);
    report.result = AbortResult::HolderGone;
    report.message = "the run's holder " + report.holder + " stopped renewing the Lease (killed?); abort released it";
  } else {
    client.patch(ref, kube::PatchType::Merge, {{"metadata", {{"annotations", {{kAbortAnnotation, request}}}}}});
    const auto deadline = std::chrono::steady_clock::now() + options.timeout;
    report.result = AbortResult::StillRunning;
    while (std::chrono::steady_clock::now() < deadline && !stop.stop_requested()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      lease = get_lease(client, ns);
      if (read_lease_state(lease).holder != report.holder) {
        report.result = AbortResult::Stopped;
        break;
      }
    }
    report.message = report.result == AbortResult::Stopped
                         ? "run " + report.run_id + " (" + report.holder + ") stopped"
                         : "run " + report.run_id + " (" + report.holder + ") has not stopped within the timeout; it " +
                               "sees the request at once through its watch of the Lease (or, when it may not watch "
                               "Leases, at its next renewal, at least every 10 s)";
  }
  if (options.cancel_migrations && !report.run_id.empty() && report.result != AbortResult::StillRunning)
    cancel_migrations(client, report.run_id, report);
  // A run that stopped restores a paused updater itself; one that was killed left the record.
  if (report.result != AbortResult::StillRunning) {
    if (auto left = pause_from_annotation(read_lease_state(get_lease(client, ns)).paused_updater)) {
      const RestoreResult r = restore_pause(client, *left);
      report.updater_restore = r.message;
      report.updater_restore_failed = !r.settled();
      if (r.settled())
        client.patch(ref, kube::PatchType::Merge,
                     {{"metadata", {{"annotations", {{kPausedUpdaterAnnotation, nullptr}}}}}});
    }
  }
  return report;
}

}  // namespace wu::update

#include "update/status_reader.hpp"

#include <condition_variable>
#include <mutex>
#include <thread>

#include "cluster/plan_config_source.hpp"
#include "cluster/snapshot_loader.hpp"
#include "decide/plan.hpp"
#include "kube/api_error.hpp"
#include "update/run_identity.hpp"

namespace wu::update {

ProgressStatus read_status(kube::Client& client, const StatusQuery& query, std::stop_token stop) {
  cluster::Snapshot snapshot = cluster::load_live_snapshot(client, {query.namespace_, query.selector}, stop);
  const cluster::PlanConfigSource source = cluster::plan_config_from(snapshot, {});
  decide::PlanOptions options;
  options.in_scope = [&](const cluster::Vmi& v) { return query.namespace_.empty() || v.namespace_ == query.namespace_; };
  const decide::Plan plan = decide::make_plan(snapshot, source.config, options);

  nlohmann::json lease;  // null when there is none (or no KubeVirt CR to find its namespace)
  if (!snapshot.kubevirts.empty()) {
    const kube::ResourceRef leases{"coordination.k8s.io", "v1", "leases", snapshot.kubevirts.front().namespace_,
                                   kLeaseName, ""};
    try {
      lease = client.get(leases);
    } catch (const kube::ApiError& e) {
      if (!kube::is_not_found(e)) throw;
    }
  }
  return make_status(snapshot, plan, query.stuck_after, lease);
}

const char* wait_outcome_name(WaitOutcome o) {
  switch (o) {
    case WaitOutcome::Done: return "Done";
    case WaitOutcome::NotDone: return "NotDone";
    case WaitOutcome::TimedOut: return "TimedOut";
    case WaitOutcome::Interrupted: return "Interrupted";
  }
  return "Done";
}

WaitVerdict judge_wait(const ProgressStatus& st, bool lease_held_during_wait) {
  if (st.outdated == 0) return {WaitOutcome::Done, "no VMI in scope is outdated"};
  const std::string left = std::to_string(st.outdated) + " outdated VMI(s)";
  if (st.lease_holder) return {std::nullopt, left + "; run " + *st.lease_holder + " is updating them"};
  if (lease_held_during_wait)
    return {WaitOutcome::NotDone, "the run finished with " + left + " left (" + std::to_string(st.stuck) +
                                      " stuck; see its report or `status`)"};
  const int in_flight = st.in_flight_this_tool + st.in_flight_kubevirt + st.in_flight_other;
  if (st.updater.active) return {std::nullopt, left + ", " + std::to_string(in_flight) + " migrating; KubeVirt's updater is at work"};
  return {std::nullopt, left + ", " + std::to_string(in_flight) + " migrating; no run holds the Lease and KubeVirt's "
                            "updater is not active (" + st.updater.reason + ")"};
}

WaitOutcome wait_for_update(kube::Client& client, const StatusQuery& query, const WaitOptions& options,
                            const std::function<void(const ProgressStatus&, const WaitVerdict&)>& on_sample,
                            std::stop_token stop) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + options.timeout;
  bool lease_seen = false;
  std::mutex mu;
  std::condition_variable_any wake;
  for (;;) {
    const ProgressStatus st = read_status(client, query, stop);
    lease_seen = lease_seen || st.lease_holder.has_value();
    WaitVerdict verdict = judge_wait(st, lease_seen);
    if (!verdict.end && stop.stop_requested()) {
      verdict.end = WaitOutcome::Interrupted;
      verdict.why = "interrupted: " + verdict.why;
    } else if (!verdict.end && Clock::now() >= deadline) {
      verdict.end = WaitOutcome::TimedOut;
      verdict.why = "not done within --timeout: " + verdict.why;
    }
    on_sample(st, verdict);
    if (verdict.end) return *verdict.end;
    std::unique_lock lock(mu);
    wake.wait_until(lock, stop, std::min(deadline, Clock::now() + options.interval), [] { return false; });
  }
}

}  // namespace wu::update

#include "render/run_json.hpp"

#include <type_traits>

namespace wu::render {

namespace {

nlohmann::json details_json(const update::EventDetails& details) {
  return std::visit(
      [](const auto& d) -> nlohmann::json {
        using T = std::decay_t<decltype(d)>;
        if constexpr (std::is_same_v<T, update::RunStartedDetails>) {
          return {{"runId", d.run_id},
                  {"resumed", d.resumed},
                  {"namespace", d.namespace_},
                  {"selector", d.selector},
                  {"node", d.node},
                  {"methods", d.methods},
                  {"batchSize", d.batch_size},
                  {"batchIntervalSeconds", d.batch_interval_seconds},
                  {"maxParallel", d.max_parallel},
                  {"maxAttempts", d.max_attempts},
                  {"pendingTimeoutSeconds", d.pending_timeout_seconds},
                  {"coexist", d.coexist}};
        } else if constexpr (std::is_same_v<T, update::ImageChangeDetails>) {
          return {{"from", d.from}, {"to", d.to}};
        } else if constexpr (std::is_same_v<T, update::BatchDetails>) {
          return {{"size", d.size}, {"waiting", d.waiting}};
        } else {
          return nullptr;
        }
      },
      details);
}

nlohmann::json entries(const std::vector<update::ReportEntry>& list) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& e : list) {
    nlohmann::json attempts = nlohmann::json::array();
    for (const auto& a : e.failures)
      attempts.push_back({{"migration", a.migration}, {"result", a.result}, {"reason", a.reason}});
    out.push_back({{"namespace", e.namespace_},
                   {"name", e.name},
                   {"state", e.state},
                   {"action", e.action},
                   {"reason", e.reason},
                   {"message", e.message},
                   {"failedAttempts", attempts}});
  }
  return out;
}

}  // namespace

nlohmann::json event_json(const update::RunEvent& e) {
  nlohmann::json j = {{"event", update::event_name(e.type)}};
  auto put = [&](const char* k, const std::string& v) {
    if (!v.empty()) j[k] = v;
  };
  put("namespace", e.namespace_);
  put("vmi", e.vmi);
  put("migration", e.migration);
  put("pod", e.pod);
  if (e.attempt > 0) j["attempt"] = e.attempt;
  put("reason", e.reason);
  put("message", e.message);
  nlohmann::json data = details_json(e.details);
  if (!data.is_null()) j["data"] = std::move(data);
  return j;
}

nlohmann::json report_json(const update::RunReport& r) {
  nlohmann::json j = {{"kind", "WorkloadUpdateRunReport"},
                      {"result", update::outcome_name(r.outcome)},
                      {"runId", r.run_id},
                      {"dryRun", r.dry_run},
                      {"elapsedSeconds", static_cast<double>(r.elapsed.count()) / 1000.0},
                      {"counts",
                       {{"updated", r.updated.size()},
                        {"stuck", r.stuck.size()},
                        {"staysDown", r.stays_down.size()},
                        {"skipped", r.skipped.size()},
                        {"gone", r.gone.size()},
                        {"unfinished", r.unfinished.size()}}},
                      {"updated", entries(r.updated)},
                      {"stuck", entries(r.stuck)},
                      {"staysDown", entries(r.stays_down)},
                      {"skipped", entries(r.skipped)},
                      {"gone", entries(r.gone)},
                      {"unfinished", entries(r.unfinished)}};
  if (r.dry_run) j["actions"] = entries(r.dry_run_actions);
  return j;
}

nlohmann::json status_json(const update::ProgressStatus& st) {
  nlohmann::json vmis = nlohmann::json::array();
  for (const auto& v : st.vmis_with_attempts) {
    nlohmann::json attempts = nlohmann::json::array();
    for (const auto& a : v.attempts)
      attempts.push_back({{"name", a.name}, {"phase", a.phase}, {"failureReason", a.failure_reason},
                          {"creator", update::creator_name(a.creator)}});
    nlohmann::json blockers = nlohmann::json::array();
    for (const auto& b : v.controller_blockers) blockers.push_back({{"code", b.code}, {"message", b.message}});
    vmis.push_back({{"namespace", v.namespace_}, {"name", v.name}, {"stuck", v.stuck},
                    {"stuckReason", v.stuck_reason}, {"attempts", attempts},
                    {"schedulingMessage", v.scheduling_message.empty() ? nlohmann::json(nullptr) : nlohmann::json(v.scheduling_message)},
                    {"placementMessage", v.placement_message.empty() ? nlohmann::json(nullptr) : nlohmann::json(v.placement_message)},
                    {"controllerBlockers", blockers}});
  }
  return {{"kind", "WorkloadUpdateStatus"},
          {"vmis", st.vmis},
          {"outdated", st.outdated},
          {"inFlight",
           {{"workloadUpdate", st.in_flight_this_tool}, {"kubevirt", st.in_flight_kubevirt}, {"other", st.in_flight_other}}},
          {"stuck", st.stuck},
          {"blocked", st.blocked},
          {"leaseHolder", st.lease_holder ? nlohmann::json(*st.lease_holder) : nlohmann::json(nullptr)},
          {"updater", {{"active", st.updater.active}, {"reason", st.updater.reason}}},
          {"migrations", vmis}};
}

nlohmann::json status_wait_json(const update::ProgressStatus& status, const update::WaitVerdict& verdict) {
  nlohmann::json j = status_json(status);
  j["wait"] = {{"outcome", verdict.end ? nlohmann::json(update::wait_outcome_name(*verdict.end)) : nlohmann::json()},
               {"reason", verdict.why}};
  return j;
}

}  // namespace wu::render

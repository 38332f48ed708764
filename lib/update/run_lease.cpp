#include "update/run_lease.hpp"

#include <ctime>

#include "cluster/resources.hpp"
#include "kube/resource_path.hpp"
#include "update/run_identity.hpp"
#include "util/rfc3339.hpp"

namespace wu::update {

namespace {

cluster::Timestamp now_seconds() { return static_cast<cluster::Timestamp>(std::time(nullptr)); }

cluster::Timestamp parse_time(const std::string& text) {
  const auto t = util::parse_rfc3339(text);
  return t ? util::to_unix_seconds(*t) : 0;
}

std::string rfc3339(cluster::Timestamp at) { return util::format_rfc3339(static_cast<std::time_t>(at)); }

}  // namespace

std::string micro_time(cluster::Timestamp at) {
  std::string s = rfc3339(at);
  s.insert(s.size() - 1, ".000000");
  return s;
}

RunLease::RunLease(kube::Client& client, std::string ns, std::string identity, int duration_seconds)
    : client_(client), namespace_(std::move(ns)), identity_(std::move(identity)), duration_seconds_(duration_seconds) {}

nlohmann::json RunLease::desired(const std::string& holder, const std::string& run_id, const std::string& run_state,
                                 std::optional<cluster::Timestamp> last_batch, bool new_holder) const {
  nlohmann::json o = current_.is_object() ? current_ : nlohmann::json::object();
  o["apiVersion"] = "coordination.k8s.io/v1";
  o["kind"] = "Lease";
  o["metadata"]["name"] = kLeaseName;
  o["metadata"]["namespace"] = namespace_;
  auto& ann = o["metadata"]["annotations"];
  if (!ann.is_object()) ann = nlohmann::json::object();
  if (new_holder) ann.erase(kAbortAnnotation);  // an abort was for the previous holder
  if (pause_record_ && pause_record_->empty()) ann.erase(kPausedUpdaterAnnotation);
  else if (pause_record_) ann[kPausedUpdaterAnnotation] = *pause_record_;
  ann[kRunIdAnnotation] = run_id;
  ann[kRunStateAnnotation] = run_state;
  if (last_batch) ann[kLastEvictionBatchAnnotation] = rfc3339(*last_batch);
  auto& spec = o["spec"];
  if (!spec.is_object()) spec = nlohmann::json::object();
  spec["holderIdentity"] = holder;
  spec["leaseDurationSeconds"] = duration_seconds_;
  spec["renewTime"] = micro_time(now_seconds());
  if (new_holder && !holder.empty()) {
    spec["acquireTime"] = micro_time(now_seconds());
    spec["leaseTransitions"] = spec.value("leaseTransitions", 0) + (current_.is_object() ? 1 : 0);
  }
  return o;
}

bool RunLease::try_put(const nlohmann::json& object) {
  const auto ref = cluster::kLeases.in(namespace_).named(kLeaseName);
  try {
    current_ = client_.update(ref, object);
  } catch (const kube::ApiError& e) {
    if (kube::is_conflict(e)) return false;
    if (kube::is_not_found(e))
      throw LeaseLostError("the run Lease " + namespace_ + "/" + kLeaseName +
                           " was deleted by someone else; another run may start, so this one stops");
    throw;
  }
  renewed_at_ = std::chrono::steady_clock::now();
  return true;
}

void RunLease::put(nlohmann::json object) {
  if (!try_put(object))
    throw LeaseLostError("the run Lease " + namespace_ + "/" + kLeaseName +
                         " was changed by someone else; another run may have taken it over, so this one stops");
}

std::optional<std::string> RunLease::abort_requested() const {
  if (!current_.is_object()) return std::nullopt;
  const auto md = current_.value("metadata", nlohmann::json::object());
  const auto ann = md.value("annotations", nlohmann::json::object());
  const auto it = ann.find(kAbortAnnotation);
  if (it == ann.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

LeaseRunState RunLease::check_free() {
  const auto ref = cluster::kLeases.in(namespace_).named(kLeaseName);
  try {
    current_ = client_.get(ref);
  } catch (const kube::ApiError& e) {
    if (!kube::is_not_found(e)) throw;
    current_ = nullptr;
  }
  LeaseRunState previous;
  if (current_.is_object()) {
    const auto ann = current_["metadata"].value("annotations", nlohmann::json::object());
    previous.run_id = ann.value(kRunIdAnnotation, "");
    previous.run_state = ann.value(kRunStateAnnotation, "");
    previous.paused_updater = ann.value(kPausedUpdaterAnnotation, "");
    const std::string batch = ann.value(kLastEvictionBatchAnnotation, "");
    if (!batch.empty()) previous.last_eviction_batch = parse_time(batch);
    const auto spec = current_.value("spec", nlohmann::json::object());
    const std::string holder = spec.value("holderIdentity", "");
    const int duration = spec.value("leaseDurationSeconds", duration_seconds_);
    const cluster::Timestamp renewed = parse_time(spec.value("renewTime", ""));
    const cluster::Timestamp now = now_seconds();
    const bool expired = renewed == 0 || now > renewed + duration;
    if (!holder.empty() && !expired && !holder_process_gone(holder))
      throw LeaseHeldError("another run holds the Lease " + namespace_ + "/" + kLeaseName + ": " + holder +
                           ", renewed " + std::to_string(now - renewed) + " s ago; it expires in " +
                           std::to_string(renewed + duration - now) +
                           " s unless renewed. Wait for that run to end (or, if it was killed on another machine, "
                           "for the Lease to expire) and run again");
  }
  return previous;
}

LeaseRunState RunLease::acquire() {
  const auto ref = cluster::kLeases.in(namespace_).named(kLeaseName);
  const LeaseRunState previous = check_free();
  nlohmann::json want = desired(identity_, previous.run_id, "Running", previous.last_eviction_batch, true);
  if (!current_.is_object()) {
    // Sent again after a 500/503 or a dropped connection: if the first try did create it, the second
    // finds it (AlreadyExists) holding our own identity.
    kube::Request r;
    r.method = "POST";
    r.path = kube::resource_path(cluster::kLeases.in(namespace_));
    r.body = want.dump();
    r.idempotent = true;
    try {
      current_ = nlohmann::json::parse(client_.send(r).body);
    } catch (const kube::ApiError& e) {
      if (!kube::is_already_exists(e)) throw;
      current_ = client_.get(ref);
      if (current_["spec"].value("holderIdentity", "") != identity_)
        throw LeaseHeldError("another run created the Lease " + namespace_ + "/" + kLeaseName +
                             " at the same moment; run again once it has ended");
    }
    renewed_at_ = std::chrono::steady_clock::now();
  } else {
    try {
      put(want);
    } catch (const LeaseLostError&) {
      throw LeaseHeldError("another run took the Lease " + namespace_ + "/" + kLeaseName +
                           " at the same moment; run again once it has ended");
    }
  }
  return previous;
}

void RunLease::renew(const std::string& run_id, const std::string& run_state,
                     std::optional<cluster::Timestamp> last_batch) {
  write_as_holder(identity_, run_id, run_state, last_batch);
}

void RunLease::write_as_holder(const std::string& holder, const std::string& run_id, const std::string& run_state,
                               std::optional<cluster::Timestamp> last_batch) {
  if (try_put(desired(holder, run_id, run_state, last_batch, false))) return;
  // Written since we read it: still ours (`abort` annotated it, someone labelled it) → renew on top of
  // it, keeping what they wrote; taken over by another holder → this run stops.
  const auto ref = cluster::kLeases.in(namespace_).named(kLeaseName);
  nlohmann::json fresh;
  try {
    fresh = client_.get(ref);
  } catch (const kube::ApiError& e) {
    if (!kube::is_not_found(e)) throw;
  }
  if (!fresh.is_object() || fresh["spec"].value("holderIdentity", "") != identity_)
    throw LeaseLostError("the run Lease " + namespace_ + "/" + kLeaseName +
                         " was taken over by " + (fresh.is_object() ? fresh["spec"].value("holderIdentity", "nobody") : std::string("nobody (deleted)")) +
                         "; this run stops");
  current_ = std::move(fresh);
  put(desired(holder, run_id, run_state, last_batch, false));
}

void RunLease::release(const std::string& run_id, const std::string& run_state,
                       std::optional<cluster::Timestamp> last_batch) {
  try {
    write_as_holder("", run_id, run_state, last_batch);
  } catch (const std::exception&) {
    // It expires on its own; the next run can take it then.
  }
}

bool RunLease::renew_due(std::chrono::steady_clock::time_point now) const {
  return now - renewed_at_ >= std::chrono::seconds(duration_seconds_) / 3;
}

}  // namespace wu::update

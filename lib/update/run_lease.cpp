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

LeaseRunState read_lease_state(const nlohmann::json& lease) {
  LeaseRunState st;
  if (!lease.is_object()) return st;
  const auto md = lease.value("metadata", nlohmann::json::object());
  const auto ann = md.value("annotations", nlohmann::json::object());
  auto text = [&](const char* key) {
    const auto it = ann.find(key);
    return it != ann.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  st.run_id = text(kRunIdAnnotation);
  st.run_state = text(kRunStateAnnotation);
  st.paused_updater = text(kPausedUpdaterAnnotation);
  st.abort_request = text(kAbortAnnotation);
  if (const std::string batch = text(kLastEvictionBatchAnnotation); !batch.empty())
    st.last_eviction_batch = parse_time(batch);
  const auto spec = lease.value("spec", nlohmann::json::object());
  const auto holder = spec.find("holderIdentity");
  if (holder != spec.end() && holder->is_string()) st.holder = holder->get<std::string>();
  const auto renew = spec.find("renewTime");
  if (renew != spec.end() && renew->is_string()) st.renewed = parse_time(renew->get<std::string>());
  const auto duration = spec.find("leaseDurationSeconds");
  if (duration != spec.end() && duration->is_number_integer()) st.duration_seconds = duration->get<int>();
  return st;
}

bool LeaseRunState::held_by_live_holder(cluster::Timestamp now) const {
  const bool expired = renewed == 0 || now > renewed + duration_seconds;
  return !holder.empty() && !expired && !holder_process_gone(holder);
}

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

LeaseRunState RunLease::check_free() {
  const auto ref = cluster::kLeases.in(namespace_).named(kLeaseName);
  try {
    current_ = client_.get(ref);
  } catch (const kube::ApiError& e) {
    if (!kube::is_not_found(e)) throw;
    current_ = nullptr;
  }
  const LeaseRunState previous = read_lease_state(current_);
  const cluster::Timestamp now = now_seconds();
  if (previous.held_by_live_holder(now))
    throw LeaseHeldError("another run holds the Lease " + namespace_ + "/" + kLeaseName + ": " + previous.holder +
                         ", renewed " + std::to_string(now - previous.renewed) + " s ago; it expires in " +
                         std::to_string(previous.renewed + previous.duration_seconds - now) +
                         " s unless renewed. Wait for that run to end (or, if it was killed on another machine, "
                         "for the Lease to expire) and run again");
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

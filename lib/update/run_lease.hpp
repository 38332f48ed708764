#pragma once
// The coordination.k8s.io Lease that keeps two runs from acting at once (in the KubeVirt CR's
// namespace), and the run state that must survive the process: the run id, whether it finished, and
// when the last eviction batch started. Every write is a PUT with the resourceVersion last read, so a
// run that lost the Lease to another finds out (409) instead of overwriting it.
#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "cluster/snapshot.hpp"
#include "kube/client.hpp"

namespace wu::update {

class LeaseHeldError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class LeaseLostError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What a run Lease says (its annotations and holder), read by `run`, `status` and `abort` alike.
struct LeaseRunState {
  std::string run_id;     // "" when no earlier run left one
  std::string run_state;  // "Running", "Interrupted", "Finished", "Aborted", ""
  std::optional<cluster::Timestamp> last_eviction_batch;
  std::string paused_updater;  // a pause record a run left without restoring it (killed), "" none
  std::string abort_request;   // "<time> by <who>" while `abort` asks the holder to stop, "" none
  std::string holder;          // holderIdentity, "" when released
  cluster::Timestamp renewed = 0;  // renewTime (0: none)
  int duration_seconds = 30;       // leaseDurationSeconds
  // A holder that renews it: held, not expired, and not a process of this machine that is gone.
  bool held_by_live_holder(cluster::Timestamp now) const;
};

// Reads a Lease object (null: no Lease, everything empty).
LeaseRunState read_lease_state(const nlohmann::json& lease);

class RunLease {
 public:
  RunLease(kube::Client& client, std::string namespace_, std::string identity, int duration_seconds = 30);

  // Takes the Lease: creates it, or takes it over when it is free, expired, or held by a process of
  // this machine that no longer exists. Throws LeaseHeldError naming the holder otherwise. Returns what
  // the previous run left.
  LeaseRunState acquire();
  // Reads the Lease and throws LeaseHeldError when another live run holds it; changes nothing. Lets a
  // second run stop before it lists the cluster or asks anything.
  LeaseRunState check_free();
  // Renews, writing the run state; throws LeaseLostError when another holder took it.
  void renew(const std::string& run_id, const std::string& run_state, std::optional<cluster::Timestamp> last_batch);
  // Gives it up (holderIdentity cleared), keeping the run state for the next run. Never throws.
  void release(const std::string& run_id, const std::string& run_state, std::optional<cluster::Timestamp> last_batch);

  bool renew_due(std::chrono::steady_clock::time_point now) const;
  // The abort request on the Lease as last read ("<time> by <who>"), "" when none.
  std::string abort_requested() const { return read_lease_state(current_).abort_request; }
  // What the next writes put in the paused-updater annotation ("" removes it); written by the next
  // renew or release.
  void set_pause_record(std::string value) { pause_record_ = std::move(value); }
  const std::string& identity() const { return identity_; }

 private:
  nlohmann::json desired(const std::string& holder, const std::string& run_id, const std::string& run_state,
                         std::optional<cluster::Timestamp> last_batch, bool new_holder) const;
  void put(nlohmann::json object);
  bool try_put(const nlohmann::json& object);  // false on 409: someone else wrote the Lease since
  // Writes the Lease as its holder; on a conflict re-reads it and writes again on top while it is
  // still ours (an abort request or a label added), else throws LeaseLostError.
  void write_as_holder(const std::string& holder, const std::string& run_id, const std::string& run_state,
                       std::optional<cluster::Timestamp> last_batch);

  kube::Client& client_;
  std::string namespace_, identity_;
  int duration_seconds_;
  nlohmann::json current_;  // as last read or written
  std::optional<std::string> pause_record_;  // unset: keep what the Lease has
  std::chrono::steady_clock::time_point renewed_at_{};
};

// "2026-11-28T12:00:00.000000Z": the Lease's MicroTime format.
std::string micro_time(cluster::Timestamp at);

}  // namespace wu::update

// KubeVirt's own workload updater (kubevirt-workload-update.md §2), switched on
// with the knob inClusterUpdater: true. A pass runs every 5 simulated seconds:
// gates (§2.2), collection (§2.3), the outdated-count status patch (§2.4),
// migrations up to the cluster limit minus active ones, evictions in batches
// (§2.5, §2.7) and aborts (§2.8).
#pragma once

#include <chrono>

#include "controllers.hpp"

namespace sim {

class WorkloadUpdater : public Controller {
 public:
  const char* name() const override { return "workload-updater"; }
  void tick(Services& s, std::chrono::system_clock::time_point now) override;

 private:
  void pass(Services& s, std::chrono::system_clock::time_point now);
  std::chrono::system_clock::time_point nextPass_{};
  std::chrono::system_clock::time_point lastDeletionBatch_{};  // zero: the first batch goes at once
  uint64_t passes_ = 0;
};

}  // namespace sim

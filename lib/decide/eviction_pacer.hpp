#pragma once
// Eviction batches the way KubeVirt paces them (sync() in workload-updater.go): at most
// batchEvictionSize evictions per batch, and a new batch only once now is after the previous batch's
// start plus batchEvictionInterval (lastDeletionBatch is set when a batch starts). A batch's
// slot is used up even when its evictions fail. The last batch time is kept outside the process (a
// Lease annotation) so pacing survives a restart.
#include <cstddef>
#include <cstdint>
#include <optional>

#include "cluster/snapshot.hpp"

namespace wu::decide {

struct EvictionPacer {
  std::int64_t batch_size = 10;
  std::int64_t interval_seconds = 60;
  std::optional<cluster::Timestamp> last_batch;  // when the previous batch started

  // How many evictions may start at `now` (0 when the interval has not passed or size <= 0).
  std::int64_t allowed(cluster::Timestamp now) const;
  // Records that a batch started at `now`.
  void start_batch(cluster::Timestamp now) { last_batch = now; }
  // When the next batch may start; nullopt when one may start now (or never, with size <= 0).
  std::optional<cluster::Timestamp> next_batch_at(cluster::Timestamp now) const;
  // The 1-based batch of the eviction at 0-based `position` in the eviction list (plan's schedule).
  int batch_of(std::size_t position) const;
};

}  // namespace wu::decide

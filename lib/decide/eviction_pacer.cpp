#include "decide/eviction_pacer.hpp"

namespace wu::decide {

std::int64_t EvictionPacer::allowed(cluster::Timestamp now) const {
  if (batch_size <= 0) return 0;
  // KubeVirt starts a batch only when now is strictly after last + interval; an interval <= 0 means
  // no wait at all.
  if (last_batch && interval_seconds > 0 && now <= *last_batch + interval_seconds) return 0;
  return batch_size;
}

std::optional<cluster::Timestamp> EvictionPacer::next_batch_at(cluster::Timestamp now) const {
  if (batch_size <= 0 || allowed(now) > 0 || !last_batch) return std::nullopt;
  return *last_batch + interval_seconds + 1;
}

int EvictionPacer::batch_of(std::size_t position) const {
  if (batch_size <= 0) return 0;
  return static_cast<int>(position / static_cast<std::size_t>(batch_size)) + 1;
}

}  // namespace wu::decide

#include "kube/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace wu::kube {

TokenBucket::TokenBucket(double qps, int burst, Clock clock)
    : qps_(qps == 0 ? 5.0 : qps),
      burst_(burst <= 0 ? 10 : burst),
      clock_(clock ? std::move(clock) : Clock([] { return std::chrono::steady_clock::now(); })),
      tokens_(burst_),
      last_(clock_()) {}

std::chrono::nanoseconds TokenBucket::reserve() {
  if (qps_ < 0) return std::chrono::nanoseconds(0);
  std::lock_guard<std::mutex> lock(mu_);
  auto now = clock_();
  if (now > last_) {
    double elapsed = std::chrono::duration<double>(now - last_).count();
    tokens_ = std::min<double>(burst_, tokens_ + elapsed * qps_);
    last_ = now;
  }
  // Tokens may go negative: each waiter reserves the next free slot.
  tokens_ -= 1;
  if (tokens_ >= 0) return std::chrono::nanoseconds(0);
  double wait_s = -tokens_ / qps_;
  return std::chrono::nanoseconds(static_cast<long long>(std::ceil(wait_s * 1e9)));
}

}  // namespace wu::kube

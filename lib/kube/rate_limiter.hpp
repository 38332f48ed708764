#pragma once
// Client-side token bucket, as client-go's flowcontrol.NewTokenBucketRateLimiter:
// `burst` requests at once, then `qps` per second. QPS 0 means the default 5
// (burst default 10); a negative QPS disables limiting.
#include <chrono>
#include <functional>
#include <mutex>

namespace wu::kube {

class TokenBucket {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  TokenBucket(double qps, int burst, Clock clock = {});

  // Takes one token and returns how long the caller must wait before using
  // it (zero when a token was available). Thread-safe; callers waiting
  // concurrently get successive slots.
  std::chrono::nanoseconds reserve();

  bool enabled() const { return qps_ > 0; }
  double qps() const { return qps_; }
  int burst() const { return burst_; }

 private:
  double qps_;
  int burst_;
  Clock clock_;
  std::mutex mu_;
  double tokens_;
  std::chrono::steady_clock::time_point last_;
};

}  // namespace wu::kube

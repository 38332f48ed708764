#include "sim_clock.hpp"

#include <cstdio>
#include <ctime>

namespace sim {

SimClock::SimClock() : simAnchor_(std::chrono::system_clock::now()), realAnchor_(std::chrono::steady_clock::now()) {}

SimClock::time_point SimClock::now() const {
  std::lock_guard lk(mu_);
  const auto real = std::chrono::steady_clock::now() - realAnchor_;
  return simAnchor_ + std::chrono::duration_cast<std::chrono::system_clock::duration>(real * scale_);
}

double SimClock::scale() const {
  std::lock_guard lk(mu_);
  return scale_;
}

void SimClock::setScale(double s) {
  if (!(s > 0)) return;
  const auto current = now();
  std::lock_guard lk(mu_);
  // Re-anchor so that time already simulated is kept when the rate changes.
  simAnchor_ = current;
  realAnchor_ = std::chrono::steady_clock::now();
  scale_ = s;
}

SimClock& simClock() {
  static SimClock clock;
  return clock;
}

std::string rfc3339Millis(std::chrono::system_clock::time_point t) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  std::time_t tt = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03lldZ", buf, static_cast<long long>(ms % 1000));
  return out;
}

}  // namespace sim

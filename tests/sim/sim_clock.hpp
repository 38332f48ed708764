// Simulated time: starts at the real time of start-up and runs timeScale
// simulated seconds per real second (knob timeScale, changeable at run time).
// Every timestamp the simulator writes and every duration its controllers
// wait for is measured on this clock.
#pragma once

#include <chrono>
#include <mutex>
#include <string>

namespace sim {

class SimClock {
 public:
  using time_point = std::chrono::system_clock::time_point;
  SimClock();
  time_point now() const;
  double scale() const;
  void setScale(double simSecondsPerRealSecond);  // <= 0 is ignored

 private:
  mutable std::mutex mu_;
  mutable time_point simAnchor_;
  mutable std::chrono::steady_clock::time_point realAnchor_;
  double scale_ = 1;
};

// The process-wide clock (one simulated cluster per process).
SimClock& simClock();
inline std::chrono::system_clock::time_point simNow() { return simClock().now(); }

// RFC 3339 with milliseconds, for the migration history.
std::string rfc3339Millis(std::chrono::system_clock::time_point t);

}  // namespace sim

#pragma once
// SIGINT/SIGTERM for `run`, handled on a thread of their own (sigwait), so the run loop sees a
// stop request instead of being killed mid-call. Before the loop starts (while reading the cluster or
// asking for confirmation) a signal ends the process at once with 130: nothing has been changed yet.
// Once running, the first signal asks the loop to stop; a second one ends the process at once.
#include <atomic>
#include <stop_token>
#include <thread>

namespace wu::cmd {

class RunInterrupt {
 public:
  // Blocks SIGINT and SIGTERM in this thread (and every thread created after) and starts the waiter.
  // Construct it before any other thread exists.
  RunInterrupt();
  ~RunInterrupt();
  RunInterrupt(const RunInterrupt&) = delete;
  RunInterrupt& operator=(const RunInterrupt&) = delete;

  // From now on a signal asks for a clean stop instead of exiting.
  void arm() { armed_ = true; }
  std::stop_token token() const { return source_.get_token(); }

 private:
  std::stop_source source_;
  std::atomic<bool> armed_{false};
  std::atomic<bool> done_{false};
  std::thread waiter_;
};

}  // namespace wu::cmd

#include "run_interrupt.hpp"

#include <csignal>
#include <cstdlib>
#include <ctime>
#include <unistd.h>

namespace wu::cmd {

namespace {

sigset_t stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

void say(const char* text) {
  const ssize_t ignored = ::write(STDERR_FILENO, text, __builtin_strlen(text));
  (void)ignored;
}

}  // namespace

RunInterrupt::RunInterrupt() {
  const sigset_t set = stop_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  waiter_ = std::thread([this, set] {
    const timespec tick{0, 200 * 1000 * 1000};
    int received = 0;
    while (!done_) {
      if (sigtimedwait(&set, nullptr, &tick) < 0) continue;
      if (!armed_ || ++received > 1) {
        say("\ninterrupted\n");
        std::_Exit(130);
      }
      say("\nstopping: nothing new starts; migrations in flight are left to finish (Ctrl-C again to quit at once)\n");
      source_.request_stop();
    }
  });
}

RunInterrupt::~RunInterrupt() {
  done_ = true;
  if (waiter_.joinable()) waiter_.join();
  const sigset_t set = stop_signals();
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
}

}  // namespace wu::cmd

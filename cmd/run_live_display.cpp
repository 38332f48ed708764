#include "run_live_display.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <iostream>

#include "render/run_output.hpp"

namespace wu::cmd {

namespace {

int terminal_width() {
  winsize ws{};
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 80;
}

}  // namespace

void LiveDisplay::event(const std::string& line) {
  clear();
  std::cout << line << "\n";
  draw();
}

void LiveDisplay::progress(const update::RunProgress& p) {
  clear();
  frame_ = render::run_progress_frame(p, colour_, terminal_width());
  draw();
}

void LiveDisplay::clear() {
  if (lines_ > 0) std::cout << "\x1b[" << lines_ << "F\x1b[J";
  lines_ = 0;
}

void LiveDisplay::draw() {
  std::cout << frame_;
  lines_ = static_cast<int>(std::count(frame_.begin(), frame_.end(), '\n'));
  std::cout.flush();
}

}  // namespace wu::cmd

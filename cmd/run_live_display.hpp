#pragma once
// `run`'s live display on a terminal: event lines scroll above a progress block that is redrawn in
// place (cursor up, clear to the end) after every pass.
#include <string>

#include "render/colour.hpp"
#include "update/runner.hpp"

namespace wu::cmd {

class LiveDisplay {
 public:
  explicit LiveDisplay(render::Colour c) : colour_(c) {}
  void event(const std::string& line);
  void progress(const update::RunProgress& p);
  // Removes the block, so what follows (the report) starts on a clean line.
  void finish() { clear(); }

 private:
  void clear();
  void draw();
  render::Colour colour_;
  std::string frame_;
  int lines_ = 0;
};

}  // namespace wu::cmd

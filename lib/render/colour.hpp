#pragma once
// ANSI colour, only when asked for: the CLI enables it for a terminal unless NO_COLOR is set.
#include <string>
#include <string_view>

namespace wu::render {

struct Colour {
  bool enabled = false;
  std::string red(std::string_view s) const { return wrap("1;31", s); }
  std::string yellow(std::string_view s) const { return wrap("1;33", s); }
  std::string cyan(std::string_view s) const { return wrap("36", s); }
  std::string green(std::string_view s) const { return wrap("32", s); }
  std::string bold(std::string_view s) const { return wrap("1", s); }
  std::string dim(std::string_view s) const { return wrap("2", s); }

 private:
  std::string wrap(const char* code, std::string_view s) const;
};

// True when output to `fd` should be coloured: a terminal, NO_COLOR unset or empty, TERM not "dumb".
bool colour_wanted_for_fd(int fd);

}  // namespace wu::render

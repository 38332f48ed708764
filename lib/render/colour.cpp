#include "render/colour.hpp"

#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace wu::render {

std::string Colour::wrap(const char* code, std::string_view s) const {
  if (!enabled) return std::string(s);
  std::string out = "\x1b[";
  out += code;
  out += 'm';
  out += s;
  out += "\x1b[0m";
  return out;
}

bool colour_wanted_for_fd(int fd) {
  const char* no_colour = std::getenv("NO_COLOR");
  if (no_colour && *no_colour) return false;  // https://no-color.org: any non-empty value
  const char* term = std::getenv("TERM");
  if (term && std::strcmp(term, "dumb") == 0) return false;
  return isatty(fd) == 1;
}

}  // namespace wu::render

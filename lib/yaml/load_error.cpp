#include "yaml/load_error.hpp"

namespace wu::yaml {

Mark mark_at(std::string_view text, std::size_t offset) {
  Mark m{1, 1};
  if (offset > text.size()) offset = text.size();
  for (std::size_t i = 0; i < offset; ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++m.line;
      m.column = 1;
    } else if ((c & 0xC0) != 0x80) {
      ++m.column;  // count characters, not continuation bytes
    }
  }
  return m;
}

}  // namespace wu::yaml

#include "util/utf8_truncate.hpp"

namespace wu::util {

std::string_view utf8_prefix(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  std::size_t cut = max_bytes;
  // Back up over continuation bytes (10xxxxxx) to the start of the character that would be split.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut);
}

std::string utf8_truncate(std::string_view text, std::size_t max_bytes) {
  std::string out(utf8_prefix(text, max_bytes));
  if (out.size() < text.size()) out += "...";
  return out;
}

}  // namespace wu::util

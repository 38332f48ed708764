#include "kube/encoding.hpp"

#include <array>
#include <cctype>

namespace wu::kube {
namespace {
constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kHex[] = "0123456789ABCDEF";

int b64_value(unsigned char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

bool unreserved(unsigned char c) {
  return std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~';
}

void append_pct(std::string& out, unsigned char c) {
  out += '%';
  out += kHex[c >> 4];
  out += kHex[c & 15];
}
}  // namespace

std::string base64_encode(std::string_view raw) {
  std::string out;
  out.reserve((raw.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < raw.size(); i += 3) {
    unsigned v = (unsigned char)raw[i] << 16 | (unsigned char)raw[i + 1] << 8 | (unsigned char)raw[i + 2];
    out += kB64[v >> 18 & 63];
    out += kB64[v >> 12 & 63];
    out += kB64[v >> 6 & 63];
    out += kB64[v & 63];
  }
  if (i + 1 == raw.size()) {
    unsigned v = (unsigned char)raw[i] << 16;
    out += kB64[v >> 18 & 63];
    out += kB64[v >> 12 & 63];
    out += "==";
  } else if (i + 2 == raw.size()) {
    unsigned v = (unsigned char)raw[i] << 16 | (unsigned char)raw[i + 1] << 8;
    out += kB64[v >> 18 & 63];
    out += kB64[v >> 12 & 63];
    out += kB64[v >> 6 & 63];
    out += '=';
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view text, std::size_t* bad_offset) {
  // Go's decoder ignores \r and \n; everything else must be in the alphabet.
  std::string out;
  unsigned acc = 0;
  int bits = 0;
  std::size_t pad = 0, data = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    unsigned char c = text[i];
    if (c == '\r' || c == '\n') continue;
    if (c == '=') {
      ++pad;
      continue;
    }
    int v = b64_value(c);
    if (v < 0 || pad > 0) {
      if (bad_offset) *bad_offset = i;
      return std::nullopt;
    }
    ++data;
    acc = acc << 6 | unsigned(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += char(acc >> bits & 0xff);
    }
  }
  if ((data + pad) % 4 != 0 || pad > 2) {
    if (bad_offset) *bad_offset = text.size();
    return std::nullopt;
  }
  return out;
}

std::string query_escape(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (unreserved(c)) out += char(c);
    else if (c == ' ') out += '+';
    else append_pct(out, c);
  }
  return out;
}

std::string path_escape(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (unreserved(c) || c == ':' || c == '@' || c == '&' || c == '=' || c == '+' || c == '$') out += char(c);
    else append_pct(out, c);
  }
  return out;
}

std::string header_key_escape(std::string_view key) {
  // Legal header-key bytes per RFC 7230 token, minus '%' which marks escapes.
  auto legal = [](unsigned char c) {
    if (std::isalnum(c)) return true;
    switch (c) {
      case '!': case '#': case '$': case '&': case '\'': case '*': case '+':
      case '-': case '.': case '^': case '_': case '`': case '|': case '~':
        return true;
      default:
        return false;
    }
  };
  std::string out;
  for (unsigned char c : key) {
    if (legal(c)) out += char(c);
    else append_pct(out, c);
  }
  return out;
}

std::string trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && std::isspace((unsigned char)s[b])) ++b;
  while (e > b && std::isspace((unsigned char)s[e - 1])) --e;
  return std::string(s.substr(b, e - b));
}

}  // namespace wu::kube

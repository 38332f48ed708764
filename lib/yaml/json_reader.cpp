#include "yaml/json_reader.hpp"

#include <nlohmann/json.hpp>
#include <string>

namespace wu::yaml {

namespace {

using json = nlohmann::json;

// nlohmann's DOM builder with a depth guard, and errors recorded (with their byte position)
// instead of thrown. sax_parse calls these members statically, so hiding the base ones is enough.
class GuardedDomBuilder : public nlohmann::detail::json_sax_dom_parser<json> {
  using Base = nlohmann::detail::json_sax_dom_parser<json>;

 public:
  GuardedDomBuilder(json& root, int max_depth) : Base(root, false), max_depth_(max_depth) {}

  bool start_object(std::size_t n) { return enter() && Base::start_object(n); }
  bool start_array(std::size_t n) { return enter() && Base::start_array(n); }
  bool end_object() {
    --depth_;
    return Base::end_object();
  }
  bool end_array() {
    --depth_;
    return Base::end_array();
  }

  template <class Exception>
  bool parse_error(std::size_t position, const std::string& last_token, const Exception& ex) {
    failed_ = true;
    position_ = position;
    last_token_ = last_token;
    id_ = ex.id;
    message_ = ex.what();
    return false;
  }

  bool too_deep() const { return too_deep_; }
  bool failed() const { return failed_; }
  std::size_t position() const { return position_; }
  const std::string& last_token() const { return last_token_; }
  int id() const { return id_; }
  const std::string& message() const { return message_; }

 private:
  bool enter() {
    if (++depth_ > max_depth_) {
      too_deep_ = true;
      return false;
    }
    return true;
  }

  int max_depth_;
  int depth_ = 0;
  bool too_deep_ = false;
  bool failed_ = false;
  std::size_t position_ = 0;
  std::string last_token_;
  int id_ = 0;
  std::string message_;
};

// "[json.exception.parse_error.101] parse error at line 1, column 5: syntax error while parsing
// value - invalid literal; last read: '1x'" -> "syntax error while parsing value - invalid literal;
// last read: '1x'" (the position is reported separately, as for YAML).
std::string plain_message(std::string m) {
  if (auto close = m.find("] "); m.rfind("[json.exception.", 0) == 0 && close != std::string::npos) m.erase(0, close + 2);
  if (m.rfind("parse error at line ", 0) == 0)
    if (auto colon = m.find(": "); colon != std::string::npos) m.erase(0, colon + 2);
  if (m.rfind("parse error: ", 0) == 0) m.erase(0, 13);
  return m;
}

}  // namespace

std::size_t find_excess_json_depth(std::string_view text, int max_depth) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '[' || c == '{') {
      if (++depth > max_depth) return i;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::string_view::npos;
}

json parse_json(std::string_view text, const LoadLimits& limits) {
  json root;
  GuardedDomBuilder builder(root, limits.max_depth);
  const bool ok = json::sax_parse(text.begin(), text.end(), &builder, json::input_format_t::json, true, false);
  if (builder.too_deep()) {
    const std::size_t at = find_excess_json_depth(text, limits.max_depth);
    throw LoadError("nesting is deeper than " + std::to_string(limits.max_depth) + " levels",
                    mark_at(text, at == std::string_view::npos ? 0 : at),
                    "no Kubernetes object nests this deep; check that this is the file you meant");
  }
  if (builder.failed() || !ok) {
    // nlohmann reports the position just past the byte that failed.
    const Mark where = mark_at(text, builder.position() > 0 ? builder.position() - 1 : 0);
    if (builder.id() == 406)  // out_of_range.406: a number beyond a double; point at its first digit
      throw LoadError("number " + builder.last_token() + " is out of range (beyond a 64-bit floating-point number)",
                      mark_at(text, builder.position() >= builder.last_token().size()
                                        ? builder.position() - builder.last_token().size()
                                        : 0), "write a smaller number, or quote it if it is meant as a string");
    throw LoadError(builder.failed() ? plain_message(builder.message()) : "not valid JSON", where,
                    "fix the JSON syntax at that position");
  }
  return root;
}

std::optional<json> try_parse_json(std::string_view text, const LoadLimits& limits) {
  try {
    return parse_json(text, limits);
  } catch (const LoadError&) {
    return std::nullopt;
  }
}

}  // namespace wu::yaml

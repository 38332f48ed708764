#include "yaml/node.hpp"

#include "util/utf8_truncate.hpp"

namespace wu::yaml {

const char* kind_name(Kind k) {
  switch (k) {
    case Kind::Null: return "null";
    case Kind::Bool: return "boolean";
    case Kind::Int: return "integer";
    case Kind::Float: return "number";
    case Kind::String: return "string";
    case Kind::Seq: return "array";
    case Kind::Map: return "object";
  }
  return "unknown";
}

const Entry* Node::find_entry(std::string_view key) const {
  const Entry* found = nullptr;
  for (const auto& e : entries)
    if (e.key == key) found = &e;
  return found;
}

const Node* Node::find(std::string_view key) const {
  const Entry* e = find_entry(key);
  return e ? &e->value : nullptr;
}

std::string Node::string_at(std::string_view key) const {
  const Node* n = find(key);
  return n && n->kind == Kind::String ? n->text : std::string();
}

std::string describe_value(const Node& n) {
  switch (n.kind) {
    case Kind::Null: return "null";
    case Kind::Bool: return n.boolean ? "true" : "false";
    case Kind::Int:
    case Kind::Float: return n.text;
    case Kind::String: {
      std::string out = "\"";
      for (char c : util::utf8_prefix(n.text, 80)) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
      }
      if (n.text.size() > 80) out += "...";
      return out + "\"";
    }
    case Kind::Seq: return "an array";
    case Kind::Map: return "an object";
  }
  return "?";
}

}  // namespace wu::yaml

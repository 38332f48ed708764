#pragma once
// A YAML/JSON document as a JSON-typed tree that remembers where every node came from.
// Kubernetes turns YAML into JSON before anything looks at it, so nodes carry JSON types
// (null, bool, number, string, array, object), resolved the way kubectl resolves them.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wu::yaml {

struct Mark {
  int line = 0;    // 1-based; 0 = unknown
  int column = 0;  // 1-based
};

enum class Kind { Null, Bool, Int, Float, String, Seq, Map };

const char* kind_name(Kind k);  // JSON words: "null", "boolean", "integer", "number", "string", "array", "object"

struct Entry;

struct Node {
  Kind kind = Kind::Null;
  Mark mark;
  std::string text;              // scalars: the source text (for strings: the decoded value)
  bool boolean = false;          // Kind::Bool
  std::optional<std::int64_t> int_value;  // Kind::Int, or an integral Float that fits
  std::optional<std::uint64_t> uint_value;  // Kind::Int above INT64_MAX
  double float_value = 0;        // Kind::Float, and Kind::Int as a double
  bool integral_float = false;   // Kind::Float whose value is a whole number (YAML 10.0, 1e3)
  std::vector<Node> items;       // Kind::Seq
  std::vector<Entry> entries;    // Kind::Map, in source order; duplicates kept

  bool is_null() const { return kind == Kind::Null; }
  bool is_map() const { return kind == Kind::Map; }
  bool is_seq() const { return kind == Kind::Seq; }
  bool is_string() const { return kind == Kind::String; }
  bool is_scalar() const { return kind != Kind::Seq && kind != Kind::Map; }

  // The value for `key` (the last one when duplicated, as JSON decoders do), or nullptr.
  const Node* find(std::string_view key) const;
  const Entry* find_entry(std::string_view key) const;
  // Convenience for "kind", "apiVersion", metadata.name: the string value or "".
  std::string string_at(std::string_view key) const;
};

struct Entry {
  std::string key;
  Mark key_mark;
  Node value;
};

// A short rendering of a scalar for messages: strings quoted, others as written.
std::string describe_value(const Node& n);

}  // namespace wu::yaml

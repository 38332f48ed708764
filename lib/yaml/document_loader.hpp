#pragma once
// Streams the documents of a YAML (or JSON) text one at a time, as position-carrying JSON trees.
// Guards against hostile input: nesting depth, alias expansion ("billion laughs"), NUL bytes and
// invalid UTF-8 are refused with a LoadError that says where, instead of crashing or hanging.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "yaml/load_error.hpp"
#include "yaml/load_limits.hpp"
#include "yaml/node.hpp"

namespace wu::yaml {

struct DuplicateKey {
  std::string path;  // e.g. "spec.workloadUpdateStrategy.batchEvictionSize"
  std::string key;
  Mark mark;         // the repeated key
  Mark first_mark;   // where the key first appeared
};

struct Document {
  int index = 0;  // 0-based position in the stream, counting only non-empty documents
  Mark start;
  Node root;
  std::vector<DuplicateKey> duplicate_keys;
};

// Calls `on_document` for every non-empty document, in order. Throws LoadError on the first
// syntax error or guard violation; documents before it have already been delivered.
void load_documents(std::string_view text, const std::function<void(Document&&)>& on_document,
                    const LoadLimits& limits = {});

// Joins a path and a key the way field paths are written: "spec" + "x" -> "spec.x".
std::string join_path(std::string_view path, std::string_view key);

}  // namespace wu::yaml

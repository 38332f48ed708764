#pragma once
// Splits a Kubernetes list response ({"items": [...], "metadata": {...}}) into its items while the
// bytes arrive, so a page of any size is decoded one object at a time: memory stays at one object,
// and large pages (fewer requests under the client-side rate limit) cost nothing extra.
#include <functional>
#include <string>
#include <string_view>

#include "yaml/load_limits.hpp"

namespace wu::cluster {

class ListItemStream {
 public:
  // Items nesting deeper than max_depth levels are refused (the limit of every JSON and YAML input).
  explicit ListItemStream(std::function<void(std::string_view item_json)> on_item, int max_depth = yaml::kMaxDepth);

  // Feeds the next bytes of the response body. Throws DecodeError for an item nested too deep, and
  // whatever on_item throws.
  void feed(std::string_view bytes);
  // Items begun so far (the one being read included): names the item an error is about.
  std::size_t items_started() const { return items_started_; }

  // After the whole body: the list's metadata.continue and metadata.resourceVersion ("" when absent).
  std::string continue_token() const;
  std::string resource_version() const;
  // The list's top-level "kind" ("" when absent or not yet read), e.g. "List", "VirtualMachineInstanceList".
  const std::string& root_kind() const { return root_kind_; }
  // True when the body was one complete JSON object (every bracket closed, nothing after it).
  bool complete() const { return seen_root_ && depth_ == 0 && !trailing_; }
  // Bytes fed so far: where an error was found.
  std::size_t offset() const { return offset_; }
  // Where the text after the root object starts (offset() when there is none).
  std::size_t trailing_offset() const { return trailing_ ? trailing_offset_ : offset_; }

 private:
  std::function<void(std::string_view)> on_item_;
  int max_depth_;
  std::size_t items_started_ = 0;
  int depth_ = 0;
  bool seen_root_ = false;
  bool in_string_ = false;
  bool escaped_ = false;
  bool expect_key_ = false;   // at depth 1, the next string is a key
  bool reading_key_ = false;
  std::string key_;           // the top-level key being read / last read
  bool in_item_ = false;
  std::string item_;
  bool in_metadata_ = false;
  std::string metadata_;
  bool reading_root_kind_ = false;
  std::string root_kind_;
  bool trailing_ = false;     // something other than whitespace after the root object
  std::size_t trailing_offset_ = 0;
  std::size_t offset_ = 0;
};

}  // namespace wu::cluster

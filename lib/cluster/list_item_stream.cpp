#include "cluster/list_item_stream.hpp"

#include <simdjson.h>

#include "cluster/view_decoder.hpp"

namespace wu::cluster {

ListItemStream::ListItemStream(std::function<void(std::string_view)> on_item, int max_depth)
    : on_item_(std::move(on_item)), max_depth_(max_depth) {}

void ListItemStream::feed(std::string_view bytes) {
  for (const char c : bytes) {
    ++offset_;
    if (seen_root_ && depth_ == 0) {
      if (!trailing_ && c != ' ' && c != '\t' && c != '\r' && c != '\n') {
        trailing_ = true;
        trailing_offset_ = offset_ - 1;
      }
      continue;
    }
    if (in_item_) item_ += c;
    if (in_metadata_) metadata_ += c;
    if (in_string_) {
      if (escaped_) {
        escaped_ = false;
      } else if (c == '\\') {
        escaped_ = true;
      } else if (c == '"') {
        in_string_ = false;
        reading_key_ = false;
        reading_root_kind_ = false;
      } else if (reading_key_) {
        key_ += c;
      } else if (reading_root_kind_) {
        root_kind_ += c;
      }
      continue;
    }
    switch (c) {
      case '"':
        in_string_ = true;
        if (depth_ == 1 && expect_key_) {
          reading_key_ = true;
          expect_key_ = false;
          key_.clear();
        } else if (depth_ == 1 && key_ == "kind") {
          reading_root_kind_ = true;
          root_kind_.clear();
        }
        break;
      case '{':
      case '[':
        // The value of a top-level key starts at depth 1; an item starts at depth 2 inside "items".
        if (depth_ == 2 && key_ == "items" && c == '{' && !in_item_) {
          in_item_ = true;
          ++items_started_;
          item_.assign(1, c);
        } else if (depth_ == 1 && key_ == "metadata" && c == '{' && !in_metadata_) {
          in_metadata_ = true;
          metadata_.assign(1, c);
        }
        ++depth_;
        // An item starts at depth 2; simdjson's on-demand parser would skip an unread field of any depth.
        if (in_item_ && depth_ - 2 > max_depth_)
          throw DecodeError("nesting is deeper than " + std::to_string(max_depth_) + " levels");
        if (depth_ == 1) {
          seen_root_ = true;
          expect_key_ = true;
        }
        break;
      case '}':
      case ']':
        --depth_;
        if (in_item_ && depth_ == 2) {
          in_item_ = false;
          on_item_(item_);
          item_.clear();
        } else if (in_metadata_ && depth_ == 1) {
          in_metadata_ = false;
        }
        break;
      case ',':
        if (depth_ == 1) expect_key_ = true;
        break;
      default: break;
    }
  }
}

namespace {
std::string metadata_string(const std::string& metadata, std::string_view field) {
  if (metadata.empty()) return {};
  simdjson::ondemand::parser parser;
  simdjson::padded_string padded(metadata);
  simdjson::ondemand::document doc;
  if (parser.iterate(padded).get(doc)) return {};
  std::string_view value;
  if (doc[field].get_string().get(value)) return {};
  return std::string(value);
}
}  // namespace

std::string ListItemStream::continue_token() const { return metadata_string(metadata_, "continue"); }

std::string ListItemStream::resource_version() const { return metadata_string(metadata_, "resourceVersion"); }

}  // namespace wu::cluster

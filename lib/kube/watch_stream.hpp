#pragma once
// Watch responses: newline-delimited JSON events ({"type":...,"object":...})
// that arrive in arbitrary chunks from the network.
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace wu::kube {

enum class WatchEventType { Added, Modified, Deleted, Bookmark, Error };

struct WatchEvent {
  WatchEventType type = WatchEventType::Added;
  nlohmann::json object;
  std::string resource_version;  // object.metadata.resourceVersion ("" for ERROR)
};

// Reassembles complete lines from chunks; keeps at most one partial line.
class LineSplitter {
 public:
  void feed(std::string_view chunk, const std::function<void(std::string_view line)>& on_line);
  // Bytes of an unfinished line (non-empty when a stream ends mid-event).
  const std::string& pending() const { return partial_; }

 private:
  std::string partial_;
};

// Parses one event line. Throws KubeError for malformed events; returns
// nullopt for blank lines.
std::optional<WatchEvent> parse_watch_event(std::string_view line);

const char* to_string(WatchEventType type);

}  // namespace wu::kube

#include "kube/watch_stream.hpp"

#include "kube/errors.hpp"
#include "util/utf8_truncate.hpp"
#include "yaml/json_reader.hpp"

namespace wu::kube {

void LineSplitter::feed(std::string_view chunk, const std::function<void(std::string_view)>& on_line) {
  while (!chunk.empty()) {
    auto nl = chunk.find('\n');
    if (nl == std::string_view::npos) {
      partial_.append(chunk);
      return;
    }
    if (partial_.empty()) {
      on_line(chunk.substr(0, nl));
    } else {
      partial_.append(chunk.substr(0, nl));
      std::string line = std::move(partial_);
      partial_.clear();
      on_line(line);
    }
    chunk.remove_prefix(nl + 1);
  }
}

std::optional<WatchEvent> parse_watch_event(std::string_view line) {
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
  if (line.empty()) return std::nullopt;
  nlohmann::json j;
  try {
    j = yaml::parse_json(line);
  } catch (const yaml::LoadError& e) {
    throw KubeError("malformed watch event from the server (column " + std::to_string(e.mark().column) + ": " +
                    e.what() + "): " + util::utf8_truncate(line, 200));
  }
  if (!j.is_object()) throw KubeError("malformed watch event from the server: " + util::utf8_truncate(line, 200));
  const auto t = j.find("type");
  if (t == j.end() || !t->is_string())
    throw KubeError("malformed watch event from the server: \"type\" must be a string: " + util::utf8_truncate(line, 200));
  const std::string& type = t->get_ref<const std::string&>();
  WatchEvent ev;
  if (type == "ADDED") ev.type = WatchEventType::Added;
  else if (type == "MODIFIED") ev.type = WatchEventType::Modified;
  else if (type == "DELETED") ev.type = WatchEventType::Deleted;
  else if (type == "BOOKMARK") ev.type = WatchEventType::Bookmark;
  else if (type == "ERROR") ev.type = WatchEventType::Error;
  else throw KubeError("unknown watch event type \"" + util::utf8_truncate(type, 80) + "\" from the server");
  if (auto o = j.find("object"); o != j.end()) ev.object = std::move(*o);
  if (ev.type != WatchEventType::Error && ev.object.is_object()) {
    auto md = ev.object.find("metadata");
    if (md != ev.object.end() && md->is_object())
      if (auto rv = md->find("resourceVersion"); rv != md->end() && rv->is_string())
        ev.resource_version = rv->get<std::string>();
  }
  return ev;
}

const char* to_string(WatchEventType t) {
  switch (t) {
    case WatchEventType::Added: return "ADDED";
    case WatchEventType::Modified: return "MODIFIED";
    case WatchEventType::Deleted: return "DELETED";
    case WatchEventType::Bookmark: return "BOOKMARK";
    case WatchEventType::Error: return "ERROR";
  }
  return "";
}

}  // namespace wu::kube

#pragma once
// List-then-watch, as client-go's reflector: a full list gives the state and
// the resourceVersion to watch from; whenever the watch expires (410) the
// list is taken again and handed over as a fresh state.
#include <functional>
#include <stop_token>
#include <string>

#include <nlohmann/json.hpp>

#include "kube/client.hpp"

namespace wu::kube {

struct InformerOptions {
  ListOptions list;         // selectors are used for the watch too
  int watch_timeout_seconds = 0;  // 0 = random 5-10 min per connection
};

// Runs until `stop` is requested. `on_sync` receives every full list (items
// array and its resourceVersion): first at start, then after each expiry;
// `on_event` every watch event after it. Both run on the calling thread.
// Returns the last resourceVersion seen. Throws what list/watch throw.
std::string list_and_watch(Client& client, const ResourceRef& ref, const InformerOptions& options,
                           const std::function<void(const nlohmann::json& items, const std::string& rv)>& on_sync,
                           const std::function<void(const WatchEvent&)>& on_event, std::stop_token stop);

}  // namespace wu::kube

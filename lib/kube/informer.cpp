#include "kube/informer.hpp"

namespace wu::kube {

std::string list_and_watch(Client& client, const ResourceRef& ref, const InformerOptions& options,
                           const std::function<void(const nlohmann::json&, const std::string&)>& on_sync,
                           const std::function<void(const WatchEvent&)>& on_event, std::stop_token stop) {
  auto relist = [&] {
    ListSummary summary;
    nlohmann::json items = client.list(ref, options.list, &summary, stop);
    on_sync(items, summary.resource_version);
    return summary.resource_version;
  };
  WatchOptions w;
  w.resource_version = relist();
  w.label_selector = options.list.label_selector;
  w.field_selector = options.list.field_selector;
  w.timeout_seconds = options.watch_timeout_seconds;
  return client.watch(ref, w, on_event, stop, relist);
}

}  // namespace wu::kube

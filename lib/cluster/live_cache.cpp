#include "cluster/live_cache.hpp"

#include <ctime>

#include "cluster/resources.hpp"
#include "cluster/snapshot_loader.hpp"
#include "decide/vmi_facts.hpp"

namespace wu::cluster {

namespace {

using decide::key_of;

template <typename T>
void replace_from(std::map<std::string, T>& into, std::vector<T>& items) {
  into.clear();
  for (auto& item : items) into[key_of(item.namespace_, item.name)] = std::move(item);
}

template <typename T>
void upsert_from(std::map<std::string, T>& into, std::vector<T>& items) {
  for (auto& item : items) into[key_of(item.namespace_, item.name)] = std::move(item);
}

template <typename T>
std::vector<T> values_of(const std::map<std::string, T>& m) {
  std::vector<T> out;
  out.reserve(m.size());
  for (const auto& [k, v] : m) out.push_back(v);
  return out;
}

}  // namespace

LiveCache::LiveCache(kube::Client& client, LiveCacheScope scope, std::function<void()> on_change)
    : client_(client), scope_(std::move(scope)), on_change_(std::move(on_change)) {
  std::string pods = kLauncherSelector;
  if (!scope_.label_selector.empty()) pods += "," + scope_.label_selector;
  feeds_ = {{ViewKind::Vmi, kVmis.in(scope_.namespace_), scope_.label_selector, ""},
            {ViewKind::Vm, kVms.in(scope_.namespace_), "", ""},
            {ViewKind::Vmim, kVmims, "", ""},
            {ViewKind::Pod, kPods.in(scope_.namespace_), pods, ""}};
}

LiveCache::~LiveCache() { stop(); }

std::string LiveCache::relist(Feed& feed) {
  kube::ListOptions o;
  o.limit = scope_.chunk_size;
  o.label_selector = feed.selector;
  Snapshot fresh;
  const std::string rv = stream_list(client_, feed.ref, o, feed.kind, fresh);
  {
    std::lock_guard lock(mu_);
    switch (feed.kind) {
      case ViewKind::Vmi: replace_from(vmis_, fresh.vmis); break;
      case ViewKind::Vm: replace_from(vms_, fresh.vms); break;
      case ViewKind::Vmim: replace_from(vmims_, fresh.vmims); break;
      case ViewKind::Pod: replace_from(pods_, fresh.pods); break;
    }
  }
  feed.resource_version = rv;
  return rv;
}

void LiveCache::apply(const Feed& feed, const kube::WatchEvent& e) {
  if (e.type != kube::WatchEventType::Added && e.type != kube::WatchEventType::Modified &&
      e.type != kube::WatchEventType::Deleted)
    return;
  const auto& md = e.object.value("metadata", nlohmann::json::object());
  const std::string key = key_of(md.value("namespace", ""), md.value("name", ""));
  Snapshot one;
  if (e.type != kube::WatchEventType::Deleted) decode_object(e.object.dump(), feed.kind, one);
  std::lock_guard lock(mu_);
  auto update = [&](auto& map, auto& items) {
    if (e.type == kube::WatchEventType::Deleted || items.empty()) map.erase(key);
    else upsert_from(map, items);
  };
  switch (feed.kind) {
    case ViewKind::Vmi: update(vmis_, one.vmis); break;
    case ViewKind::Vm: update(vms_, one.vms); break;
    case ViewKind::Vmim: update(vmims_, one.vmims); break;
    case ViewKind::Pod: update(pods_, one.pods); break;
  }
}

void LiveCache::watch(Feed& feed, std::stop_token stop) {
  kube::WatchOptions w;
  w.resource_version = feed.resource_version;
  w.label_selector = feed.selector;
  try {
    client_.watch(
        feed.ref, w,
        [&](const kube::WatchEvent& e) {
          apply(feed, e);
          if (e.type != kube::WatchEventType::Bookmark) on_change_();
        },
        stop,
        [&] {
          const std::string rv = relist(feed);
          on_change_();
          return rv;
        });
  } catch (const std::exception& e) {
    if (stop.stop_requested()) return;
    {
      std::lock_guard lock(mu_);
      failure_ = "watching " + feed.ref.resource + " failed: " + e.what();
    }
    on_change_();
  }
}

void LiveCache::refresh_vmi(const std::string& ns, const std::string& name) {
  Snapshot one;
  try {
    decode_object(client_.get(kVmis.in(ns).named(name)).dump(), ViewKind::Vmi, one);
  } catch (const kube::ApiError& e) {
    if (!kube::is_not_found(e)) throw;
  }
  std::lock_guard lock(mu_);
  if (one.vmis.empty()) vmis_.erase(key_of(ns, name));
  else upsert_from(vmis_, one.vmis);
}

void LiveCache::start() {
  for (auto& feed : feeds_) relist(feed);
  for (auto& feed : feeds_) threads_.emplace_back([this, &feed](std::stop_token stop) { watch(feed, stop); });
}

void LiveCache::stop() {
  for (auto& t : threads_) t.request_stop();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

Snapshot LiveCache::snapshot() const {
  Snapshot s;
  s.keep_vmi_labels = false;
  s.now = static_cast<Timestamp>(std::time(nullptr));
  std::lock_guard lock(mu_);
  s.vmis = values_of(vmis_);
  s.vms = values_of(vms_);
  s.vmims = values_of(vmims_);
  s.pods = values_of(pods_);
  return s;
}

std::optional<std::string> LiveCache::failure() const {
  std::lock_guard lock(mu_);
  return failure_;
}

}  // namespace wu::cluster

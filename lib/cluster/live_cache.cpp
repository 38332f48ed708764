#include "cluster/live_cache.hpp"

#include <ctime>

#include "cluster/config_objects.hpp"
#include "cluster/object_views.hpp"
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
  feeds_ = {{Kind::Vmi, kVmis.in(scope_.namespace_), scope_.label_selector},
            {Kind::Vm, kVms.in(scope_.namespace_), ""},
            {Kind::Vmim, kVmims, ""},
            {Kind::Pod, kPods.in(scope_.namespace_), pods}};
  if (!scope_.kubevirt_namespace.empty()) {
    const std::string& kv_ns = scope_.kubevirt_namespace;
    feeds_.push_back({Kind::KubeVirt, kKubeVirts, "", "", true});
    feeds_.push_back({Kind::VirtController, kDeployments.in(kv_ns), "", "metadata.name=virt-controller", true});
    feeds_.push_back({Kind::VirtHandler, kDaemonSets.in(kv_ns), "", "metadata.name=virt-handler", true});
    if (!scope_.run_lease_name.empty())
      feeds_.push_back({Kind::RunLease, kLeases.in(kv_ns), "", "metadata.name=" + scope_.run_lease_name, true});
  }
  // Where target pods can go: nodes, and every pod for the capacity it takes (the launcher pods in scope
  // come on both pod feeds; the snapshot counts each once). Without the right to read them, not judged.
  feeds_.push_back({Kind::Node, kNodes, "", "", true});
  feeds_.push_back({Kind::NodePod, kPods, "", "", true});
}

namespace {

std::optional<ViewKind> view_kind(int kind) {
  switch (kind) {
    case 0: return ViewKind::Vmi;
    case 1: return ViewKind::Vm;
    case 2: return ViewKind::Vmim;
    case 3: return ViewKind::Pod;
    case 7: return ViewKind::Node;
    case 8: return ViewKind::Pod;
    default: return std::nullopt;
  }
}

// What the NodePod feed keeps of decoded pods: launcher pods come as LauncherPod views, the others as
// node_pods; terminal pods take nothing and are not kept.
void node_pods_from(Snapshot& decoded, std::map<std::string, NodePod>& into) {
  for (auto& p : decoded.pods)
    if (!p.node.empty() && p.phase != "Succeeded" && p.phase != "Failed")
      into[key_of(p.namespace_, p.name)] = NodePod{key_of(p.namespace_, p.name), p.node, p.placement};
  for (auto& p : decoded.node_pods) into[p.key] = std::move(p);
}

}  // namespace

std::optional<nlohmann::json>& LiveCache::single_object(Kind kind) {
  return kind == Kind::VirtController ? virt_controller_ : kind == Kind::VirtHandler ? virt_handler_ : run_lease_;
}

void LiveCache::relist_config(Feed& feed) {
  kube::ListOptions o;
  o.field_selector = feed.field_selector;
  kube::ListSummary summary;
  const nlohmann::json items = client_.list(feed.ref, o, &summary);
  {
    std::lock_guard lock(mu_);
    if (feed.kind == Kind::KubeVirt) {
      kubevirts_.clear();
      for (const auto& kv : items) kubevirts_[key_of(kv["metadata"].value("namespace", ""), kv["metadata"].value("name", ""))] = kv;
    } else {
      auto& slot = single_object(feed.kind);
      slot.reset();
      if (items.is_array() && !items.empty()) slot = items.front();
    }
  }
  feed.resource_version = summary.resource_version;
}

LiveCache::~LiveCache() { stop(); }

std::string LiveCache::relist(Feed& feed) {
  if (!view_kind(static_cast<int>(feed.kind))) {
    relist_config(feed);
    return feed.resource_version;
  }
  kube::ListOptions o;
  o.limit = scope_.chunk_size;
  o.label_selector = feed.selector;
  Snapshot fresh;
  fresh.keep_pod_labels = false;  // budgets are not followed here: pod labels are not needed
  const std::string rv = stream_list(client_, feed.ref, o, *view_kind(static_cast<int>(feed.kind)), fresh);
  {
    std::lock_guard lock(mu_);
    switch (feed.kind) {
      case Kind::Vmi: replace_from(vmis_, fresh.vmis); break;
      case Kind::Vm: replace_from(vms_, fresh.vms); break;
      case Kind::Vmim: replace_from(vmims_, fresh.vmims); break;
      case Kind::Pod: replace_from(pods_, fresh.pods); break;
      case Kind::Node:
        nodes_.clear();
        for (auto& n : fresh.nodes) nodes_[n.name] = std::move(n);
        nodes_followed_ = true;
        break;
      case Kind::NodePod:
        node_pods_.clear();
        node_pods_from(fresh, node_pods_);
        node_pods_followed_ = true;
        break;
      default: break;
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
  const bool deleted = e.type == kube::WatchEventType::Deleted;
  const auto view = view_kind(static_cast<int>(feed.kind));
  if (!view) {
    std::lock_guard lock(mu_);
    if (feed.kind == Kind::KubeVirt) {
      if (deleted) kubevirts_.erase(key);
      else kubevirts_[key] = e.object;
    } else {
      auto& slot = single_object(feed.kind);
      if (deleted) slot.reset();
      else slot = e.object;
    }
    return;
  }
  Snapshot one;
  one.keep_pod_labels = false;
  if (!deleted) decode_object(e.object.dump(), *view, one);
  std::lock_guard lock(mu_);
  auto update = [&](auto& map, auto& items) {
    if (e.type == kube::WatchEventType::Deleted || items.empty()) map.erase(key);
    else upsert_from(map, items);
  };
  switch (feed.kind) {
    case Kind::Vmi: update(vmis_, one.vmis); break;
    case Kind::Vm: update(vms_, one.vms); break;
    case Kind::Vmim: update(vmims_, one.vmims); break;
    case Kind::Pod: update(pods_, one.pods); break;
    case Kind::Node: {
      const std::string name = md.value("name", "");
      if (deleted || one.nodes.empty()) nodes_.erase(name);
      else nodes_[name] = std::move(one.nodes.front());
      break;
    }
    case Kind::NodePod:
      node_pods_.erase(key);
      if (!deleted) node_pods_from(one, node_pods_);
      break;
    default: break;
  }
}

void LiveCache::watch(Feed& feed, std::stop_token stop) {
  kube::WatchOptions w;
  w.resource_version = feed.resource_version;
  w.label_selector = feed.selector;
  w.field_selector = feed.field_selector;
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
  } catch (const kube::ApiError& e) {
    if (stop.stop_requested()) return;
    // Placement's feeds and the run Lease are optional: a watch refused with 403 (list allowed, watch
    // not) stops following that kind, rather than ending the run. The snapshot then says placement is not
    // judged; without the Lease, `run` reads an abort request when it renews the Lease.
    {
      std::lock_guard lock(mu_);
      if (e.code() == 403 && (feed.kind == Kind::Node || feed.kind == Kind::NodePod))
        (feed.kind == Kind::Node ? nodes_followed_ : node_pods_followed_) = false;
      else if (e.code() == 403 && feed.kind == Kind::RunLease)
        run_lease_.reset();
      else
        failure_ = "watching " + feed.ref.resource + " failed: " + e.what();
    }
    on_change_();
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
  std::vector<Feed> followed;
  for (auto& feed : feeds_) {
    try {
      relist(feed);
    } catch (const kube::ApiError& e) {
      if (!feed.optional || (!kube::is_not_found(e) && e.code() != 403)) throw;
      continue;  // not served, or not ours to read: this part of the cluster is not followed
    }
    followed.push_back(std::move(feed));
  }
  feeds_ = std::move(followed);
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
  s.nodes_known = nodes_followed_;
  s.capacity_known = nodes_followed_ && node_pods_followed_;
  for (const auto& [name, n] : nodes_) s.nodes.push_back(n);
  s.node_pods.reserve(node_pods_.size());
  for (const auto& [key, p] : node_pods_)
    if (!pods_.count(key)) s.node_pods.push_back(p);
  if (!nodes_followed_) {
    s.placement_gap = "no permission to list and watch nodes, so where migration target pods can go is not judged";
    s.placement_hint = "grant list and watch on nodes (and on pods in all namespaces) to judge placement";
  } else if (!node_pods_followed_) {
    s.placement_gap = "no permission to list and watch pods in all namespaces, so node capacity is not judged";
    s.placement_hint = "grant list and watch on pods in all namespaces to judge node capacity";
  }
  for (const auto& [key, kv] : kubevirts_) {
    edit_config_objects(s).kubevirts.push_back(kv);
    s.kubevirts.push_back(kubevirt_from_json(kv));
  }
  if (virt_controller_) s.launcher_image = launcher_image_from_deployment(*virt_controller_);
  if (virt_handler_) s.virt_handler = daemonset_rollout_from_json(*virt_handler_);
  // Not followed by `run`: its decisions do not depend on them (estimates and budget predictions are plan's).
  s.policies_read = {false, "run does not follow MigrationPolicies"};
  s.budgets_read = {false, "run does not follow PodDisruptionBudgets"};
  return s;
}

std::optional<nlohmann::json> LiveCache::run_lease() const {
  std::lock_guard lock(mu_);
  return run_lease_;
}

std::optional<std::string> LiveCache::failure() const {
  std::lock_guard lock(mu_);
  return failure_;
}

}  // namespace wu::cluster

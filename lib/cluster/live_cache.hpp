#pragma once
// The cluster as `run` follows it: VMIs, VMs and launcher pods in scope and every VMIM (migration limits
// are cluster-wide), each listed once and then kept current by a watch on its own thread (client-go's
// list-then-watch; a 410 re-lists). The loop reads consistent copies and is told of every change, so
// it reacts to events instead of polling.
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "cluster/snapshot.hpp"
#include "cluster/view_decoder.hpp"
#include "kube/client.hpp"

namespace wu::cluster {

struct LiveCacheScope {
  std::string namespace_;       // "" = all namespaces
  std::string label_selector;   // VMIs and their launcher pods
  int chunk_size = 10000;
  // Where KubeVirt runs: its CR, virt-controller's Deployment and virt-handler's DaemonSet are followed
  // too ("" = not followed). A kind the cluster does not serve or lets us read is left out.
  std::string kubevirt_namespace;
  // The run's own Lease there, followed so that `abort` from another process is seen at once ("" = not
  // followed; without the right to watch it, `run` reads the request when it renews the Lease).
  std::string run_lease_name;
};

class LiveCache {
 public:
  LiveCache(kube::Client& client, LiveCacheScope scope, std::function<void()> on_change);
  ~LiveCache();
  LiveCache(const LiveCache&) = delete;
  LiveCache& operator=(const LiveCache&) = delete;

  // Lists every kind (throws what the lists throw; an optional kind answering 403/404 is left out),
  // then starts the watches.
  void start();
  // Stops the watches and waits for their threads.
  void stop();
  // A copy of what the watches have shown so far, with the KubeVirt CR(s), the launcher image and
  // virt-handler's rollout when they are followed.
  Snapshot snapshot() const;
  // Reads one VMI directly (GET) into the cache, or drops it when it is gone: for a VMI the watch cannot
  // show, e.g. one restarted from a VM template whose labels the label selector does not match.
  void refresh_vmi(const std::string& namespace_, const std::string& name);
  // Why a watch ended for good (403, a malformed event, ...); the run cannot follow the cluster then.
  std::optional<std::string> failure() const;
  // The run Lease as the watch shows it now; nullopt when it is not followed or does not exist.
  std::optional<nlohmann::json> run_lease() const;

 private:
  // Node and NodePod (every pod, for what it takes of its node) feed the placement; both are optional.
  enum class Kind { Vmi, Vm, Vmim, Pod, KubeVirt, VirtController, VirtHandler, Node, NodePod, RunLease };
  struct Feed {
    Feed(Kind k, kube::ResourceRef r, std::string label_selector, std::string fields = "", bool is_optional = false)
        : kind(k), ref(std::move(r)), selector(std::move(label_selector)), field_selector(std::move(fields)),
          optional(is_optional) {}
    Kind kind;
    kube::ResourceRef ref;
    std::string selector;
    std::string field_selector;
    bool optional = false;  // 403/404 on the first list: not followed
    std::string resource_version;
  };
  // The slot of a kind followed as one object (virt-controller, virt-handler, the run Lease).
  std::optional<nlohmann::json>& single_object(Kind kind);
  std::string relist(Feed& feed);
  void relist_config(Feed& feed);
  void apply(const Feed& feed, const kube::WatchEvent& event);
  void watch(Feed& feed, std::stop_token stop);

  kube::Client& client_;
  LiveCacheScope scope_;
  std::function<void()> on_change_;
  std::vector<Feed> feeds_;
  mutable std::mutex mu_;
  std::map<std::string, Vmi> vmis_;
  std::map<std::string, Vm> vms_;
  std::map<std::string, Vmim> vmims_;
  std::map<std::string, LauncherPod> pods_;
  std::map<std::string, Node> nodes_;
  std::map<std::string, NodePod> node_pods_;  // by "ns/name"; launcher pods in scope included (skipped when read)
  bool nodes_followed_ = false, node_pods_followed_ = false;
  std::map<std::string, nlohmann::json> kubevirts_;
  std::optional<nlohmann::json> virt_controller_, virt_handler_, run_lease_;
  std::optional<std::string> failure_;
  std::vector<std::jthread> threads_;
};

}  // namespace wu::cluster

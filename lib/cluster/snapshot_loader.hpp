#pragma once
// Filling a Snapshot: from a live cluster (paginated lists, each page parsed into compact views and
// dropped) or from dump files (`oc get kubevirt,hyperconverged,vmi,vm,vmim,pods,nodes,pdb,deployments -A -o json`).
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/snapshot.hpp"
#include "cluster/view_decoder.hpp"
#include "kube/client.hpp"
#include "yaml/input_source.hpp"
#include "yaml/load_limits.hpp"

namespace wu::cluster {

struct LiveScope {
  std::string namespace_;       // "" = all namespaces
  std::string label_selector;   // applies to VMIs (and their launcher pods)
  int chunk_size = 10000;       // objects per list page (kubectl's --chunk-size)
};

// Lists one kind page by page, decoding each item as its bytes arrive (ListItemStream), so memory holds
// the compact views plus one object whatever the page size. A page that breaks midway is fetched again
// (its partial items dropped); an expired continue token restarts the whole list, as kubectl does.
// Appends to `snapshot`; returns the list's resourceVersion (to watch from).
std::string stream_list(kube::Client& client, const kube::ResourceRef& ref, const kube::ListOptions& options,
                        ViewKind kind, Snapshot& snapshot, std::stop_token stop = {});

// Reads the configuration objects into `snapshot`: the HyperConverged and KubeVirt CRs, and
// virt-controller's --launcher-image (left empty when its Deployment cannot be read).
void load_cluster_config(kube::Client& client, Snapshot& snapshot, std::stop_token stop = {});

// Reads the nodes and every pod bound to one (launcher pods in `namespace_` into snapshot.pods, the others
// as node_pods), for where a migration target pod can go. Without the right to list nodes, or pods in all
// namespaces, it reads the launcher pods in scope only and says why in snapshot.placement_gap.
void load_placement_inputs(kube::Client& client, const std::string& namespace_, const kube::ListOptions& paged,
                           Snapshot& snapshot, std::stop_token stop = {});

// Reads VMIs, VMs and launcher pods in scope (with nodes and their pods: load_placement_inputs); VMIMs and KubeVirt/HyperConverged CRs cluster-wide
// (migration limits are cluster-wide); virt-controller's Deployment for the current launcher image.
// Reads MigrationPolicies (and, when a policy selects namespaces, the namespaces' labels) and the
// PodDisruptionBudgets in `namespace_` ("" = all) into `snapshot`, and the label keys their selectors name,
// so the VMI and pod lists that follow keep those labels. A 403 leaves a kind unread (Coverage says so);
// a MigrationPolicy API the cluster does not serve means there are none.
void load_migration_context(kube::Client& client, const std::string& namespace_, Snapshot& snapshot,
                            std::stop_token stop = {});

// Marks which of the optional kinds a dump held (a dump cannot tell "none" from "not dumped").
void note_dump_coverage(Snapshot& snapshot);

Snapshot load_live_snapshot(kube::Client& client, const LiveScope& scope, std::stop_token stop = {});

// Reads dump files ("-" = stdin; directories recursively). Throws yaml::InputError or
// std::runtime_error naming the file when it cannot be read or parsed.
// Adds the objects of one dump text (JSON, or YAML with any number of documents) to `snapshot`.
// Throws std::runtime_error naming `name`, the position or the object, and what to do.
void load_dump_text(Snapshot& snapshot, const std::string& name, std::string_view bytes,
                    const yaml::LoadLimits& limits = {});

Snapshot load_dump_snapshot(const std::vector<std::string>& paths, const yaml::InputLimits& limits);

}  // namespace wu::cluster

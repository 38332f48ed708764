#pragma once
// Filling a Snapshot: from a live cluster (paginated lists, each page parsed into compact views and
// dropped) or from dump files (`oc get kubevirt,hyperconverged,vmi,vm,vmim,pods,pdb,deployments -A -o json`).
#include <stop_token>
#include <string>
#include <vector>

#include "cluster/snapshot.hpp"
#include "kube/client.hpp"
#include "yaml/input_source.hpp"

namespace wu::cluster {

struct LiveScope {
  std::string namespace_;       // "" = all namespaces
  std::string label_selector;   // applies to VMIs (and their launcher pods)
  int chunk_size = 10000;       // objects per list page (kubectl's --chunk-size)
};

// Reads VMIs, VMs and launcher pods in scope; VMIMs and KubeVirt/HyperConverged CRs cluster-wide
// (migration limits are cluster-wide); virt-controller's Deployment for the current launcher image.
Snapshot load_live_snapshot(kube::Client& client, const LiveScope& scope, std::stop_token stop = {});

// Reads dump files ("-" = stdin; directories recursively). Throws yaml::InputError or
// std::runtime_error naming the file when it cannot be read or parsed.
Snapshot load_dump_snapshot(const std::vector<std::string>& paths, const yaml::InputLimits& limits);

}  // namespace wu::cluster

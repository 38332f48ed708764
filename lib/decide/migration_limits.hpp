#pragma once
// KubeVirt's migration limits, counted the way its migration controller counts them, and the one
// admission rule that `plan`'s waves and `run`'s loop both use to start migrations within them.
#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "cluster/snapshot.hpp"

namespace wu::decide {

// VMIM phases IsRunning() (staging/.../core/v1/types.go) counts: Scheduling through Running; not
// Pending, unset, WaitingForSync, Synchronizing or final.
bool vmim_is_running(const cluster::Vmim& m);
bool vmim_is_final(const cluster::Vmim& m);

struct ActiveMigrations {
  // FilterRunningMigrations (pkg/util/migrations): what the workload updater subtracts from
  // parallelMigrationsPerCluster before it creates new VMIMs.
  int running = 0;
  // findRunningMigrations (migration.go): IsRunning, or unfinished with a target pod already; what the
  // migration controller compares with parallelMigrationsPerCluster before it creates a target pod.
  int in_flight = 0;
  // outboundMigrationsOnNode (migration.go) over those: a migration counts against a node when its
  // VMI's status.nodeName or its migrationState.sourceNode is that node.
  std::map<std::string, int> outbound;
  std::set<std::string> in_flight_vmims;  // "ns/name" of the in-flight VMIMs

  int outbound_on(const std::string& node) const;
};

ActiveMigrations active_migrations(const cluster::Snapshot& snapshot);

// The nodes a migration of this VMI counts against (outboundMigrationsOnNode): its node, and its
// migrationState.sourceNode when that differs.
std::vector<std::string> outbound_nodes(const cluster::Vmi& vmi);

// Room for new migrations now.
struct MigrationSlots {
  int cluster_free = 0;                 // migrations that may start, cluster-wide
  int node_limit = 0;                   // parallelOutboundMigrationsPerNode
  std::map<std::string, int> node_used; // outbound migrations already counted per node
};

// Migration candidates, each under its source node, in plan order. `admit` takes what fits now, in
// plan order: at most cluster_free, and per node at most node_limit minus what it already uses. Work
// per call is bounded by the nodes still waiting, so waves over 100,000 VMIs stay fast.
class MigrationQueue {
 public:
  void add(const std::string& node, std::size_t position);
  std::vector<std::size_t> admit(const MigrationSlots& slots);  // positions, ascending
  bool empty() const { return waiting_ == 0; }

 private:
  struct NodeQueue {
    std::vector<std::size_t> items;
    std::size_t next = 0;
  };
  std::map<std::string, NodeQueue> queues_;
  std::size_t waiting_ = 0;
};

}  // namespace wu::decide

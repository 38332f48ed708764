#pragma once
// `status`: how far the workload update has got: outdated VMIs, migrations in flight by who started
// them (this tool, KubeVirt itself, anyone else), the last attempts per VMI, VMIs that keep failing,
// and who holds the run Lease. Pure: snapshot + plan (+ the Lease) in, report out.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cluster/snapshot.hpp"
#include "decide/plan.hpp"

namespace wu::update {

enum class Creator { ThisTool, KubeVirt, Other };
const char* creator_name(Creator c);  // "workload-update", "kubevirt", "other"
Creator creator_of(const cluster::Vmim& m);

struct StatusAttempt {
  std::string name;
  std::string phase;
  std::string failure_reason;
  cluster::Timestamp created = 0;
  Creator creator = Creator::Other;
};

struct VmiAttempts {
  std::string namespace_, name;
  std::vector<StatusAttempt> attempts;  // newest first, at most 5 (KubeVirt keeps no more)
  bool stuck = false;             // still outdated; its last `stuck_after` finished attempts all failed
  std::string stuck_reason;
  // Why its newest migration's target pod is not scheduled (the scheduler's message), and where the
  // plan says its next one can go when that is nowhere (NoTargetNode); "" when neither applies.
  std::string scheduling_message;
  std::string placement_message;
  // What stalls or fails its migrations in KubeVirt's migration controller (the plan's controller_blockers):
  // listed for an outdated VMI even without attempts, and named in stuck_reason.
  std::vector<decide::MigrationBlocker> controller_blockers;
};

struct ProgressStatus {
  int vmis = 0, outdated = 0;
  int in_flight_this_tool = 0, in_flight_kubevirt = 0, in_flight_other = 0;
  std::vector<VmiAttempts> vmis_with_attempts;  // ordered by namespace, name
  int stuck = 0;
  int blocked = 0;                              // outdated VMIs with controller_blockers
  std::optional<std::string> lease_holder;      // the run Lease's holderIdentity, if held
  decide::UpdaterState updater;
};

// `lease` is the run Lease object, or null when there is none.
ProgressStatus make_status(const cluster::Snapshot& snapshot, const decide::Plan& plan, int stuck_after,
                           const nlohmann::json& lease);

}  // namespace wu::update

#pragma once
// virt-api's pod-eviction webhook (KubeVirt reference §4.1) as a pure decision: what an eviction of
// a VMI's launcher pod turns into.
#include <string>

namespace wu::decide {

enum class EvictionOutcome {
  Allowed,             // the pod is deleted: the VM shuts down
  TriggersMigration,   // evacuationNodeName is marked and 429 returned; the evacuation controller migrates it
  DeniedNotMigratable, // 429 for ever: LiveMigrate strategy but not migratable
  LeftToExternal,      // External: marked for an external actor; KubeVirt never migrates it
};

// `strategy` is the effective evictionStrategy ("" = none set anywhere).
EvictionOutcome eviction_webhook_outcome(const std::string& strategy, bool migratable);

}  // namespace wu::decide

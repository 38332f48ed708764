#include "decide/eviction_webhook.hpp"

namespace wu::decide {

EvictionOutcome eviction_webhook_outcome(const std::string& strategy, bool migratable) {
  if (strategy == "LiveMigrate") return migratable ? EvictionOutcome::TriggersMigration : EvictionOutcome::DeniedNotMigratable;
  if (strategy == "LiveMigrateIfPossible") return migratable ? EvictionOutcome::TriggersMigration : EvictionOutcome::Allowed;
  if (strategy == "External") return EvictionOutcome::LeftToExternal;
  return EvictionOutcome::Allowed;  // None, unset, or a value the webhook does not know
}

}  // namespace wu::decide

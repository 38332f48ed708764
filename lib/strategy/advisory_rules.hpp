#pragma once
// Advisory checks: values the API server and HCO accept but that silently break, or do not do what
// the user most likely wants from, workload updates. Each is a small named rule with a stable code.
// The default configuration and [LiveMigrate, Evict] with default values raise none of them, so
// `validate --strict` can gate a pre-upgrade script.
#include "strategy/decode_context.hpp"
#include "strategy/effective_strategy.hpp"
#include "strategy/stanza_decoder.hpp"

namespace wu::strategy {

struct AdvisoryInput {
  const StrategyStanza& strategy;
  const MigrationStanza& migrations;
  const EvictionStrategyField& eviction;
  const EffectiveStrategy& effective;
};

void run_advisory_rules(const AdvisoryInput& in, DecodeContext& ctx);

}  // namespace wu::strategy

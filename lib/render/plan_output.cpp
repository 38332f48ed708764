#include "render/plan_output.hpp"

#include <algorithm>
#include <vector>

#include "util/go_duration.hpp"

namespace wu::render {

using decide::Action;
using decide::Decision;

std::string seconds_as_duration(std::int64_t seconds) {
  return util::format_go_duration(seconds * 1000000000LL);
}

namespace {

nlohmann::json strategy_json(const decide::Plan& plan, const PlanHeader& header) {
  const auto& c = plan.config;
  return {{"from", header.from},
          {"workloadUpdateMethods", c.methods},
          {"batchEvictionSize", c.batch_eviction_size},
          {"batchEvictionInterval", util::format_go_duration(c.batch_eviction_interval_ns)},
          {"parallelMigrationsPerCluster", c.parallel_migrations_per_cluster},
          {"parallelOutboundMigrationsPerNode", c.parallel_outbound_migrations_per_node},
          {"evictionStrategy", c.cluster_eviction_strategy.empty() ? nlohmann::json(nullptr)
                                                                    : nlohmann::json(c.cluster_eviction_strategy)},
          {"preUpgrade", c.pre_upgrade}};
}

nlohmann::json summary_json(const decide::Summary& s) {
  return {{"vmis", s.vmis},   {"outdated", s.outdated}, {"LiveMigrate", s.live_migrate},
          {"Evict", s.evict}, {"Skip", s.skip},         {"None", s.none},
          {"staysDown", s.stays_down}, {"noTargetNode", s.no_target}};
}

nlohmann::json schedule_json(const decide::Schedule& s) {
  return {{"migrationWaves", s.migration_waves},
          {"evictionBatches", s.eviction_batches},
          {"evictionBatchesLowerBound", s.eviction_batches_lower_bound},
          {"evictionBatchesNote", s.lower_bound_why.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.lower_bound_why)},
          {"estimatedDuration", seconds_as_duration(s.estimated_duration_seconds)},
          {"estimatedDurationSeconds", s.estimated_duration_seconds}};
}

nlohmann::json or_null(const std::string& s) { return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s); }

nlohmann::json warnings_json(const std::vector<decide::PlanWarning>& warnings) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& w : warnings)
    out.push_back({{"code", w.code}, {"path", or_null(w.path)}, {"message", w.message}, {"hint", or_null(w.hint)}});
  return out;
}

nlohmann::json blockers_json(const std::vector<decide::MigrationBlocker>& blockers) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& b : blockers) out.push_back({{"code", b.code}, {"message", b.message}});
  return out;
}

nlohmann::json decision_core_json(const Decision& d);

nlohmann::json estimate_json(const std::optional<decide::MigrationEstimate>& e) {
  if (!e) return nullptr;
  return {{"seconds", e->seconds},
          {"worstCaseSeconds", e->worst_case_seconds},
          {"completionTimeoutSeconds", e->completion_timeout_seconds},
          {"memoryBytes", e->memory_bytes},
          {"bytesPerSecond", static_cast<std::int64_t>(e->bytes_per_second)},
          {"assumedLinkSpeed", e->assumed_link},
          {"migrationPolicy", or_null(e->settings.policy)},
          {"allowPostCopy", e->settings.allow_post_copy},
          {"allowWorkloadDisruption", e->settings.allow_workload_disruption}};
}

nlohmann::json timeout_json(const std::optional<decide::MigrationEstimate>& e) {
  if (!e || !e->timeout) return nullptr;
  return {{"code", e->timeout->code}, {"message", e->timeout->message}, {"abortedAtTimeout", e->aborted_at_timeout}};
}

// The fields of issue 11's controller, estimate and budget predictions, added after the others.
void add_prediction_fields(nlohmann::json& j, const Decision& d) {
  j["controllerBlockers"] = blockers_json(d.controller_blockers);
  j["evictionBlockers"] = blockers_json(d.eviction_blockers);
  j["estimatedMigrationSeconds"] = d.estimate ? nlohmann::json(d.estimate->seconds) : nlohmann::json(nullptr);
  j["migrationEstimate"] = estimate_json(d.estimate);
  j["migrationTimeoutRisk"] = timeout_json(d.estimate);
}

nlohmann::json decision_json(const Decision& d) {
  nlohmann::json j = decision_core_json(d);
  add_prediction_fields(j, d);
  return j;
}

std::string dash(const std::string& s) { return s.empty() ? "-" : s; }

std::string codes_text(const std::vector<decide::MigrationBlocker>& blockers) {
  std::string out;
  for (const auto& b : blockers) out += (out.empty() ? "" : ", ") + b.code + " (" + b.message + ")";
  return out;
}

// After the table: each VMI that KubeVirt's migration controller will stall, whose eviction the API
// server refuses, or whose migration may run into its completion timeout.
void write_prediction_sections(std::ostream& out, const decide::Plan& plan) {
  auto section = [&](const char* heading, auto&& text_of) {
    bool first = true;
    for (const auto& d : plan.decisions) {
      const std::string text = text_of(d);
      if (text.empty()) continue;
      if (first) out << heading << "\n";
      first = false;
      out << "  " << d.vmi->namespace_ << "/" << d.vmi->name << ": " << text << "\n";
    }
  };
  section("Blocked in KubeVirt's migration controller:", [](const Decision& d) {
    return d.outdated ? codes_text(d.controller_blockers) : std::string();
  });
  section("Evictions refused:", [](const Decision& d) { return codes_text(d.eviction_blockers); });
  section("Migration timeouts:", [](const Decision& d) {
    return d.estimate && d.estimate->timeout ? d.estimate->timeout->code + " (" + d.estimate->timeout->message + ")"
                                             : std::string();
  });
}

nlohmann::json decision_core_json(const Decision& d) {
  const auto& v = *d.vmi;
  return {{"namespace", v.namespace_},
          {"name", v.name},
          {"node", v.node},
          {"phase", v.phase},
          {"outdated", d.outdated},
          {"trigger", or_null(decide::trigger_name(d.trigger))},
          {"action", decide::action_name(d.action)},
          {"reason", decide::reason_name(d.reason)},
          {"message", d.message},
          {"migratable", d.migratable},
          {"migratableReason", or_null(v.live_migratable_reason)},
          {"blockers", blockers_json(d.blockers)},
          {"evictionStrategy", or_null(d.eviction_strategy)},
          {"runStrategy", or_null(d.run_strategy)},
          {"afterEviction", or_null(decide::after_eviction_name(d.after_eviction))},
          {"execution", decide::execution_name(d.execution)},
          {"wave", d.wave == 0 ? nlohmann::json(nullptr) : nlohmann::json(d.wave)},
          {"batch", d.batch == 0 ? nlohmann::json(nullptr) : nlohmann::json(d.batch)},
          {"outcome", d.outcome == decide::Outcome::NotJudged ? nlohmann::json(nullptr)
                                                                : nlohmann::json(decide::outcome_name(d.outcome))},
          {"targets", d.targets < 0 ? nlohmann::json(nullptr) : nlohmann::json(d.targets)},
          {"placementMessage", or_null(d.placement_message)}};
}

// For the table: why a VMI whose decision turns on it cannot live-migrate, every blocker named.
std::string blockers_text(const Decision& d) {
  if (d.blockers.empty())
    return d.vmi->live_migratable.empty() ? "no LiveMigratable condition, and no blocker in its spec and status"
                                          : "LiveMigratable is " + d.vmi->live_migratable +
                                                ", and no blocker in its spec and status";
  std::string out;
  for (const auto& b : d.blockers) out += (out.empty() ? "" : ", ") + b.code + " (" + b.message + ")";
  return out;
}

}  // namespace

nlohmann::json plan_json(const decide::Plan& plan, const PlanHeader& header) {
  nlohmann::json vmis = nlohmann::json::array();
  for (const auto& d : plan.decisions) vmis.push_back(decision_json(d));
  return {{"kind", "WorkloadUpdatePlan"},
          {"strategy", strategy_json(plan, header)},
          {"updater", {{"active", plan.updater.active}, {"reason", plan.updater.reason}}},
          {"summary", summary_json(plan.summary)},
          {"warnings", warnings_json(plan.warnings)},
          {"vmis", vmis},
          {"schedule", schedule_json(plan.schedule)}};
}

void write_plan_json(std::ostream& out, const decide::Plan& plan, const PlanHeader& header) {
  auto field = [&](const char* key, const nlohmann::json& value, bool last = false) {
    out << "  \"" << key << "\": " << value.dump() << (last ? "\n" : ",\n");
  };
  out << "{\n";
  field("kind", "WorkloadUpdatePlan");
  field("strategy", strategy_json(plan, header));
  field("updater", {{"active", plan.updater.active}, {"reason", plan.updater.reason}});
  field("summary", summary_json(plan.summary));
  field("schedule", schedule_json(plan.schedule));
  field("warnings", warnings_json(plan.warnings));
  out << "  \"vmis\": [";
  bool first = true;
  for (const auto& d : plan.decisions) {
    out << (first ? "\n    " : ",\n    ") << decision_json(d).dump();
    first = false;
  }
  out << (first ? "]\n" : "\n  ]\n") << "}\n";
}

void write_plan_table(std::ostream& out, const decide::Plan& plan, const PlanHeader& header, bool wide,
                      const Colour& colour) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> head{"NAMESPACE", "NAME", "NODE", "ACTION", "REASON"};
  if (wide)
    for (const char* h :
         {"TRIGGER", "MIGRATABLE", "EVICTION-STRATEGY", "RUN-STRATEGY", "AFTER-EVICTION", "WAVE", "BATCH", "TARGETS"})
      head.push_back(h);
  rows.push_back(head);
  for (const auto& d : plan.decisions) {
    const auto& v = *d.vmi;
    std::vector<std::string> row{v.namespace_, v.name, dash(v.node), decide::action_name(d.action),
                                 decide::reason_name(d.reason)};
    if (wide) {
      std::string migratable = d.migratable ? "True" : (v.live_migratable.empty() ? "Unknown" : "False");
      if (!d.migratable && !v.live_migratable_reason.empty()) migratable += " (" + v.live_migratable_reason + ")";
      row.push_back(dash(decide::trigger_name(d.trigger)));
      row.push_back(migratable);
      row.push_back(dash(d.eviction_strategy));
      row.push_back(dash(d.run_strategy));
      row.push_back(dash(decide::after_eviction_name(d.after_eviction)));
      row.push_back(d.wave ? std::to_string(d.wave) : "-");
      row.push_back(d.batch ? std::to_string(d.batch) : "-");
      row.push_back(d.targets >= 0 ? std::to_string(d.targets) : "-");
    }
    rows.push_back(std::move(row));
  }
  std::vector<std::size_t> widths(head.size(), 0);
  for (const auto& r : rows)
    for (std::size_t i = 0; i < r.size(); ++i) widths[i] = std::max(widths[i], r[i].size());
  auto colour_action = [&](const std::string& a, const std::string& padded) {
    if (a == "Evict") return colour.yellow(padded);
    if (a == "Skip") return colour.red(padded);
    if (a == "LiveMigrate") return colour.green(padded);
    return padded;
  };
  for (std::size_t r = 0; r < rows.size(); ++r) {
    std::string line;
    for (std::size_t i = 0; i < rows[r].size(); ++i) {
      std::string cell = rows[r][i];
      const bool last = i + 1 == rows[r].size();
      if (!last) cell.resize(widths[i] + 3, ' ');
      line += (r > 0 && i == 3) ? colour_action(rows[r][i], cell) : cell;
    }
    out << line << "\n";
  }
  const auto& s = plan.summary;
  const auto& sc = plan.schedule;
  out << "\n"
      << s.vmis << " VMIs, " << s.outdated << " outdated: " << s.live_migrate << " LiveMigrate, " << s.evict
      << " Evict (" << s.stays_down << " stay down), " << s.skip << " Skip, " << s.none << " None"
      << (s.no_target > 0 ? "; " + std::to_string(s.no_target) + " migration(s) with no target node" : std::string())
      << ". "
      << sc.migration_waves << " migration wave(s), " << (sc.eviction_batches_lower_bound ? "at least " : "")
      << sc.eviction_batches << " eviction batch(es), about "
      << seconds_as_duration(sc.estimated_duration_seconds) << ".\n";
  std::string methods;
  for (const auto& m : plan.config.methods) methods += (methods.empty() ? "" : ", ") + m;
  out << "Strategy from " << header.from << ": methods [" << methods << "], batchEvictionSize "
      << plan.config.batch_eviction_size << ", batchEvictionInterval "
      << util::format_go_duration(plan.config.batch_eviction_interval_ns) << ", parallelMigrationsPerCluster "
      << plan.config.parallel_migrations_per_cluster << ", parallelOutboundMigrationsPerNode "
      << plan.config.parallel_outbound_migrations_per_node << ".\n";
  if (!plan.updater.active) out << colour.yellow("KubeVirt's workload updater is not active: ") << plan.updater.reason << ".\n";
  if (sc.eviction_batches_lower_bound) out << "Eviction batches: " << sc.lower_bound_why << ".\n";
  for (const auto& w : plan.warnings) {
    out << colour.yellow("Warning (" + w.code + "): ") << w.message << ".";
    if (!w.hint.empty()) out << " Hint: " << w.hint << ".";
    out << "\n";
  }
  bool heading = false;
  for (const auto& d : plan.decisions) {
    if (d.migratable || (d.reason != decide::Reason::NotLiveMigratable && d.reason != decide::Reason::EvictionBlocked))
      continue;
    if (!heading) out << "Not live-migratable:\n";
    heading = true;
    out << "  " << d.vmi->namespace_ << "/" << d.vmi->name << ": " << blockers_text(d) << "\n";
  }
  heading = false;
  for (const auto& d : plan.decisions) {
    if (d.outcome != decide::Outcome::NoTargetNode) continue;
    if (!heading) out << colour.red("No target node") << " (the migration will be created and fail):\n";
    heading = true;
    out << "  " << d.vmi->namespace_ << "/" << d.vmi->name << ": " << d.placement_message << "\n";
  }
  write_prediction_sections(out, plan);
}

}  // namespace wu::render

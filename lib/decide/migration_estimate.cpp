#include "decide/migration_estimate.hpp"

#include <algorithm>
#include <cmath>

#include "util/size_parse.hpp"

namespace wu::decide {

namespace {

struct Score {
  int vmi = 0, ns = 0;
  bool greater_than(const Score& o) const { return vmi + ns != o.vmi + o.ns ? vmi + ns > o.vmi + o.ns : vmi > o.vmi; }
  bool equals(const Score& o) const { return vmi == o.vmi && ns == o.ns; }
};

using cluster::label;

// countMatchingLabels (migrationpolicy.go): every key of a selector must be present with its value.
// Upstream checks a selector only when it is set and the labels are not nil, and guards the namespace
// selector with the VMI's labels: a VMI without labels passes both unchecked. Kept as upstream does it.
std::optional<Score> score_of(const cluster::MigrationPolicy& p, const cluster::Vmi& vmi,
                              const cluster::Labels* ns_labels) {
  const cluster::Labels& vmi_labels = vmi.labels;
  if (!p.has_selectors) return std::nullopt;
  Score score;
  auto count = [](const cluster::Labels& selector, const cluster::Labels& labels) -> std::optional<int> {
    int n = 0;
    for (const auto& [k, v] : selector) {
      const std::string* have = label(labels, k);
      if (!have || *have != v) return std::nullopt;
      ++n;
    }
    return n;
  };
  const bool vmi_has_labels = vmi.has_labels || !vmi_labels.empty();
  if (p.has_vmi_selector && vmi_has_labels) {
    auto n = count(p.vmi_selector, vmi_labels);
    if (!n) return std::nullopt;
    score.vmi = *n;
  }
  if (p.has_namespace_selector && vmi_has_labels) {
    static const cluster::Labels none;
    auto n = count(p.namespace_selector, ns_labels ? *ns_labels : none);
    if (!n) return std::nullopt;
    score.ns = *n;
  }
  return score;
}

// Seconds from a double, saturated: configured values can be absurd (a bandwidth of 1m bytes/s).
constexpr double kMaxSeconds = 1e15;
std::int64_t whole_seconds(double seconds) {
  if (!(seconds > 0)) return 0;
  return static_cast<std::int64_t>(std::ceil(std::min(seconds, kMaxSeconds)));
}

std::string rate_text(double bytes_per_second) {
  return util::format_byte_size(static_cast<std::uint64_t>(bytes_per_second)) + "/s";
}

}  // namespace

MigrationSettings cluster_migration_settings(const cluster::KubeVirtCr* kv) {
  MigrationSettings s;
  if (!kv) return s;
  if (kv->bandwidth_per_migration) s.bandwidth_bytes_per_second = std::max(0.0, *kv->bandwidth_per_migration);
  if (kv->completion_timeout_per_gib) s.completion_timeout_per_gib = *kv->completion_timeout_per_gib;
  if (kv->allow_post_copy) s.allow_post_copy = *kv->allow_post_copy;
  if (kv->allow_auto_converge) s.allow_auto_converge = *kv->allow_auto_converge;
  // GetMigrationConfiguration (virt-config.go): an unset allowWorkloadDisruption follows allowPostCopy.
  s.allow_workload_disruption = kv->allow_workload_disruption.value_or(s.allow_post_copy);
  return s;
}

const cluster::MigrationPolicy* matching_policy(const std::vector<cluster::MigrationPolicy>& policies,
                                                const cluster::Vmi& vmi, const cluster::Labels* ns_labels) {
  std::vector<const cluster::MigrationPolicy*> matching;
  Score best;  // upstream starts from a zero score, so a match with no labels counts too
  for (const auto& p : policies) {
    const auto score = score_of(p, vmi, ns_labels);
    if (!score || (!score->equals(best) && !score->greater_than(best))) continue;
    if (score->greater_than(best)) {
      best = *score;
      matching.clear();
    }
    matching.push_back(&p);
  }
  if (matching.empty()) return nullptr;
  // Equally specific policies: the first name in lexicographic order.
  return *std::min_element(matching.begin(), matching.end(),
                           [](const auto* a, const auto* b) { return a->name < b->name; });
}

MigrationSettings apply_policy(const MigrationSettings& cluster, const cluster::MigrationPolicy* p) {
  MigrationSettings s = cluster;
  if (!p) return s;
  s.policy = p->name;
  // For backward compatibility, allowWorkloadDisruption follows the policy's allowPostCopy when only that is set.
  if (!p->allow_workload_disruption && p->allow_post_copy) s.allow_workload_disruption = *p->allow_post_copy;
  if (p->allow_auto_converge) s.allow_auto_converge = *p->allow_auto_converge;
  if (p->bandwidth_per_migration) s.bandwidth_bytes_per_second = std::max(0.0, *p->bandwidth_per_migration);
  if (p->completion_timeout_per_gib) s.completion_timeout_per_gib = *p->completion_timeout_per_gib;
  if (p->allow_post_copy) s.allow_post_copy = *p->allow_post_copy;
  if (p->allow_workload_disruption) s.allow_workload_disruption = *p->allow_workload_disruption;
  return s;
}

MigrationEstimate estimate_migration(const cluster::Vmi& vmi, const MigrationSettings& settings,
                                     const EstimateModel& model) {
  MigrationEstimate e;
  e.settings = settings;
  e.memory_bytes = vmi.memory_bytes;
  const double shared_link = model.link_bytes_per_second / std::max<std::uint32_t>(1, model.outbound_per_node);
  e.assumed_link = settings.bandwidth_bytes_per_second <= 0 || settings.bandwidth_bytes_per_second > shared_link;
  e.bytes_per_second = e.assumed_link ? shared_link : settings.bandwidth_bytes_per_second;
  const double copy = e.bytes_per_second > 0 ? static_cast<double>(e.memory_bytes) / e.bytes_per_second : 0;
  e.seconds = model.setup_seconds + whole_seconds(copy);
  e.worst_case_seconds = model.setup_seconds + whole_seconds(2 * copy);
  // getVMIMigrationDataSize: memory.ScaledValue(resource.Giga), i.e. GB rounded up (not GiB).
  const std::int64_t gigabytes = (e.memory_bytes + 999999999) / 1000000000;
  e.completion_timeout_seconds =
      whole_seconds(static_cast<double>(std::max<std::int64_t>(0, settings.completion_timeout_per_gib)) *
                    static_cast<double>(gigabytes));
  if (e.completion_timeout_seconds <= 0 || e.memory_bytes <= 0) return e;

  const bool once = copy > static_cast<double>(e.completion_timeout_seconds);
  if (!once && 2 * copy <= static_cast<double>(e.completion_timeout_seconds)) return e;
  e.aborted_at_timeout = !settings.allow_post_copy && !settings.allow_workload_disruption;
  const std::string speed = rate_text(e.bytes_per_second) +
                            (e.assumed_link ? " (the assumed link speed: bandwidthPerMigration is unlimited)"
                                            : " (bandwidthPerMigration)");
  const std::string deadline = "the completion timeout of " + std::to_string(e.completion_timeout_seconds) + "s (" +
                               std::to_string(settings.completion_timeout_per_gib) + "s per GB x " +
                               std::to_string(gigabytes) + ")";
  const std::string what =
      once ? "one copy of its " + util::format_byte_size(static_cast<std::uint64_t>(e.memory_bytes)) + " of memory at " +
                 speed + " takes " + std::to_string(whole_seconds(copy)) + "s, more than " + deadline
           : "a guest that rewrites its memory while it is sent needs a second copy: two copies of its " +
                 util::format_byte_size(static_cast<std::uint64_t>(e.memory_bytes)) + " at " + speed + " take " +
                 std::to_string(whole_seconds(2 * copy)) + "s, more than " + deadline;
  std::string then;
  if (settings.allow_post_copy)
    then = "at the timeout it switches to post-copy (allowPostCopy), so it completes with a slower guest";
  else if (settings.allow_workload_disruption)
    then = "at the timeout KubeVirt raises the allowed downtime to force the switchover (allowWorkloadDisruption): "
           "the guest pauses while the rest is copied";
  else
    then = "the migration is aborted at the timeout and retried";
  e.timeout = MigrationBlocker{once ? "CompletionTimeoutExceeded" : "CompletionTimeoutRisk", what + ": " + then};
  // An attempt that cannot finish in time ends, failed, at the timeout: that is how long it holds its slot.
  if (once && e.aborted_at_timeout) e.seconds = model.setup_seconds + e.completion_timeout_seconds;
  return e;
}

}  // namespace wu::decide

#include "decide/placement.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <utility>

namespace wu::decide {

namespace {

using cluster::Labels;

// Label keys KubeVirt's node labeller and migration controller use (staging/src/kubevirt.io/api/core/v1/types.go).
constexpr std::string_view kHostModelCpu = "host-model-cpu.node.kubevirt.io/";
constexpr std::string_view kHostModelRequiredFeatures = "host-model-required-features.node.kubevirt.io/";
constexpr std::string_view kCpuFeature = "cpu-feature.node.kubevirt.io/";
constexpr std::string_view kSupportedHostModelMigrationCpu = "cpu-model-migration.node.kubevirt.io/";
constexpr std::string_view kCpuVendor = "cpu-vendor.node.kubevirt.io/";

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

const std::string* label_of(const Labels& labels, std::string_view key) {
  for (const auto& [k, v] : labels)
    if (k == key) return &v;
  return nullptr;
}

void set_label(Labels& labels, const std::string& key, const std::string& value) {
  for (auto& [k, v] : labels)
    if (k == key) {
      v = value;
      return;
    }
  labels.emplace_back(key, value);
}

// ToleratesTaint (k8s.io/api/core/v1/toleration.go).
bool tolerates(const cluster::Toleration& t, const cluster::Taint& taint) {
  if (!t.effect.empty() && t.effect != taint.effect) return false;
  if (!t.key.empty() && t.key != taint.key) return false;
  if (t.op == "Exists") return true;
  if (t.op.empty() || t.op == "Equal") return t.value == taint.value;
  return false;
}

bool tolerated(const std::vector<cluster::Toleration>& tolerations, const cluster::Taint& taint) {
  return std::any_of(tolerations.begin(), tolerations.end(), [&](const auto& t) { return tolerates(t, taint); });
}

std::optional<std::int64_t> integer(const std::string& s) {
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// One requirement against a label set (labels.Requirement.Matches, as nodeaffinity builds it); a requirement
// that does not parse (In without values, Gt with a non-integer) matches nothing, as its term then errs.
bool matches(const cluster::NodeSelectorRequirement& r, const Labels& labels) {
  const std::string* have = label_of(labels, r.key);
  const auto& vs = r.values;
  if (r.op == "In") return !vs.empty() && have && std::find(vs.begin(), vs.end(), *have) != vs.end();
  if (r.op == "NotIn") return !vs.empty() && (!have || std::find(vs.begin(), vs.end(), *have) == vs.end());
  if (r.op == "Exists") return vs.empty() && have;
  if (r.op == "DoesNotExist") return vs.empty() && !have;
  if (r.op == "Gt" || r.op == "Lt") {
    if (vs.size() != 1 || !have) return false;
    auto want = integer(vs[0]), got = integer(*have);
    if (!want || !got) return false;
    return r.op == "Gt" ? *got > *want : *got < *want;
  }
  return false;
}

// nodeSelectorTerm.match (component-helpers scheduling/corev1/nodeaffinity/nodeaffinity.go): expressions
// and fields ANDed; an empty term is dropped by NewLazyErrorNodeSelector, so it never matches.
bool term_matches(const cluster::NodeSelectorTerm& term, const cluster::Node& node) {
  if (term.match_expressions.empty() && term.match_fields.empty()) return false;
  for (const auto& r : term.match_expressions)
    if (!matches(r, node.labels)) return false;
  const Labels fields{{"metadata.name", node.name}};  // the only node field a selector may use
  for (const auto& r : term.match_fields)
    if (r.key != "metadata.name" || !matches(r, fields)) return false;
  return true;
}

std::int64_t amount(const cluster::ResourceList& list, const std::string& name) {
  for (const auto& r : list)
    if (r.name == name) return r.milli;
  return 0;
}

std::string format_amount(const std::string& resource, std::int64_t milli) {
  if (resource == "cpu") return milli % 1000 == 0 ? std::to_string(milli / 1000) : std::to_string(milli) + "m";
  if (resource == "pods" || milli % 1000 != 0 || (resource != "memory" && !starts_with(resource, "hugepages-") &&
                                                  resource != "ephemeral-storage"))
    return milli % 1000 == 0 ? std::to_string(milli / 1000) : std::to_string(milli) + "m";
  std::int64_t bytes = milli / 1000;
  static const char* units[] = {"", "Ki", "Mi", "Gi", "Ti", "Pi"};
  int u = 0;
  while (u < 5 && bytes != 0 && bytes % 1024 == 0) bytes /= 1024, ++u;
  return std::to_string(bytes) + units[u];
}

std::string selector_text(const std::string& k, const std::string& v) { return k + "=" + v; }

std::string taint_text(const cluster::Taint& t) {
  return t.key + (t.value.empty() ? "" : "=" + t.value) + ":" + t.effect;
}

// The node's free room: allocatable minus what its pods request (the scheduler's NodeInfo.Requested).
void subtract(cluster::ResourceList& free, const cluster::ResourceList& requests) {
  for (const auto& r : requests) {
    bool found = false;
    for (auto& f : free)
      if (f.name == r.name) {
        f.milli -= r.milli;
        found = true;
      }
    if (!found) free.push_back({r.name, -r.milli});
  }
}

bool terminal(const std::string& phase) { return phase == "Succeeded" || phase == "Failed"; }

// "are" -> "is" etc. for a count of one: details are written for several nodes.
std::string singular(const std::string& plural) {
  for (auto [from, to] : {std::pair{"are ", "is "}, {"do ", "does "}, {"have ", "has "}, {"lack ", "lacks "}})
    if (plural.rfind(from, 0) == 0) return to + plural.substr(std::string_view(from).size());
  return plural;
}

}  // namespace

const char* outcome_name(Outcome o) {
  switch (o) {
    case Outcome::NotJudged: return "NotJudged";
    case Outcome::Migrates: return "Migrates";
    case Outcome::NoTargetNode: return "NoTargetNode";
  }
  return "NotJudged";
}

const std::vector<NodeFilter>& node_filters() {
  static const std::vector<NodeFilter> filters = {
      // A NotReady node carries node.kubernetes.io/not-ready:NoSchedule (TaintNodesByCondition), which
      // launcher pods do not tolerate; a dump may lack the taint, so readiness is judged directly.
      {"NodeReady",
       [](const TargetPod&, const NodeRoom& n) -> std::optional<Rejection> {
         if (n.node->ready) return std::nullopt;
         return Rejection{"NodeReady", "are not Ready"};
       }},
      // NodeUnschedulable plugin (pkg/scheduler/framework/plugins/nodeunschedulable): a cordoned node takes
      // only pods tolerating node.kubernetes.io/unschedulable:NoSchedule.
      {"NodeUnschedulable",
       [](const TargetPod& pod, const NodeRoom& n) -> std::optional<Rejection> {
         if (!n.node->unschedulable) return std::nullopt;
         if (tolerated(pod.source->tolerations, {"node.kubernetes.io/unschedulable", "", "NoSchedule"})) return std::nullopt;
         return Rejection{"NodeUnschedulable", "are cordoned (spec.unschedulable)"};
       }},
      // TaintToleration plugin: every NoSchedule and NoExecute taint must be tolerated
      // (FindMatchingUntoleratedTaint, component-helpers scheduling/corev1/helpers.go).
      {"TaintToleration",
       [](const TargetPod& pod, const NodeRoom& n) -> std::optional<Rejection> {
         for (const auto& taint : n.node->taints) {
           if (taint.effect != "NoSchedule" && taint.effect != "NoExecute") continue;
           if (!tolerated(pod.source->tolerations, taint))
             return Rejection{"TaintToleration", "have the untolerated taint " + taint_text(taint)};
         }
         return std::nullopt;
       }},
      // NodeAffinity plugin, part 1: spec.nodeSelector, every pair.
      {"NodeSelector",
       [](const TargetPod& pod, const NodeRoom& n) -> std::optional<Rejection> {
         for (const auto& [k, v] : pod.node_selector) {
           const std::string* have = label_of(n.node->labels, k);
           if (!have || *have != v) return Rejection{"NodeSelector", "do not match nodeSelector " + selector_text(k, v)};
         }
         return std::nullopt;
       }},
      // NodeAffinity plugin, part 2: requiredDuringSchedulingIgnoredDuringExecution, terms ORed.
      {"NodeAffinity",
       [](const TargetPod& pod, const NodeRoom& n) -> std::optional<Rejection> {
         if (!pod.source->required_affinity) return std::nullopt;
         for (const auto& term : pod.source->required_terms)
           if (term_matches(term, *n.node)) return std::nullopt;
         return Rejection{"NodeAffinity", "do not match its required node affinity"};
       }},
      // NodeResourcesFit plugin (fitsRequest, noderesources/fit.go): each requested resource within what is
      // left of allocatable; a resource the node does not offer has nothing left.
      {"NodeResourcesFit",
       [](const TargetPod& pod, const NodeRoom& n) -> std::optional<Rejection> {
         if (!n.capacity_judged) return std::nullopt;
         for (const auto& r : pod.source->requests) {
           if (r.milli <= 0) continue;
           const std::int64_t free = amount(n.free, r.name);
           if (r.milli > free)
             return Rejection{"NodeResourcesFit", "lack free " + r.name + " (it needs " + format_amount(r.name, r.milli) + ")"};
         }
         return std::nullopt;
       }},
  };
  return filters;
}

// createTargetPod (migration.go): the rendered pod's nodeSelector over addedNodeSelector, then for a
// host-model CPU the labels of prepareNodeSelectorForHostCpuModel, then the source node's CPU vendor.
// The rendered selector is taken from the current launcher pod (RenderMigrationManifest renders the same
// VMI), without what an earlier migration added to it (the model and vendor labels, re-derived here).
TargetPod target_pod_for(const cluster::Vmi& vmi, const cluster::LauncherPod& launcher,
                         const std::vector<const cluster::LauncherPod*>& pods_of_vmi, const cluster::Node* source_node,
                         const Labels& added) {
  TargetPod pod;
  pod.source = launcher.placement.get();
  const Labels& rendered = pod.source->node_selector;
  pod.node_selector = added;
  for (const auto& [k, v] : rendered)
    if (!starts_with(k, kSupportedHostModelMigrationCpu) && !starts_with(k, kCpuVendor)) set_label(pod.node_selector, k, v);

  if (vmi.host_model_cpu) {
    // prepareNodeSelectorForHostCpuModel: a VMI that migrated before keeps its source pod's model labels.
    bool migrated_before = false;
    for (const auto& [k, v] : rendered)
      if (k.find(kCpuFeature) != std::string::npos || k.find(kSupportedHostModelMigrationCpu) != std::string::npos) {
        set_label(pod.node_selector, k, v);
        migrated_before = true;
      }
    if (!migrated_before) {
      // getHostCpuModelFromMap on the source node's labels.
      std::string model_key, model_value;
      Labels features;
      if (source_node)
        for (const auto& [k, v] : source_node->labels) {
          if (starts_with(k, kHostModelCpu)) model_key = std::string(kSupportedHostModelMigrationCpu) + k.substr(kHostModelCpu.size()), model_value = v;
          if (starts_with(k, kHostModelRequiredFeatures))
            features.emplace_back(std::string(kCpuFeature) + k.substr(kHostModelRequiredFeatures.size()), v);
        }
      if (!source_node) {
        pod.render_error = "its node " + vmi.node + " is not in the node list, and KubeVirt reads the host-model CPU from it";
      } else if (model_key.empty()) {
        pod.render_error = "its node " + source_node->name + " has no " + std::string(kHostModelCpu) +
                           " label, so KubeVirt cannot render the target pod of its host-model CPU";
      } else {
        for (const auto& [k, v] : features) set_label(pod.node_selector, k, v);
        set_label(pod.node_selector, model_key, model_value);
      }
    }
  }
  // getCPUVendorLabelKey: keep migrations between nodes of one CPU vendor.
  const bool has_vendor = std::any_of(pod.node_selector.begin(), pod.node_selector.end(),
                                      [](const auto& kv) { return starts_with(kv.first, kCpuVendor); });
  if (!has_vendor && source_node)
    for (const auto& [k, v] : source_node->labels)
      if (starts_with(k, kCpuVendor)) {
        set_label(pod.node_selector, k, "true");
        break;
      }
  std::sort(pod.node_selector.begin(), pod.node_selector.end());

  // createMigrationPodAntiAffinityRule: no node with a pod labelled kubevirt.io/created-by=<VMI UID>;
  // the scheduler sees every non-final pod bound to a node.
  if (!launcher.node.empty()) pod.own_nodes.push_back(launcher.node);
  for (const auto* p : pods_of_vmi)
    if (p && !p->node.empty() && !terminal(p->phase)) pod.own_nodes.push_back(p->node);
  if (!vmi.node.empty()) pod.own_nodes.push_back(vmi.node);
  std::sort(pod.own_nodes.begin(), pod.own_nodes.end());
  pod.own_nodes.erase(std::unique(pod.own_nodes.begin(), pod.own_nodes.end()), pod.own_nodes.end());
  return pod;
}

PlacementModel::PlacementModel(const cluster::Snapshot& s, Labels added) : judged_(s.nodes_known), added_(std::move(added)) {
  rooms_.reserve(s.nodes.size());
  for (const auto& n : s.nodes) {
    index_.emplace(n.name, rooms_.size());
    rooms_.push_back(NodeRoom{&n, n.allocatable, s.capacity_known && !n.allocatable.empty()});
  }
  auto charge = [&](const std::string& node, const cluster::PodPlacement* p) {
    if (!p) return;
    if (auto it = index_.find(node); it != index_.end()) subtract(rooms_[it->second].free, p->requests);
  };
  for (const auto& p : s.pods)
    if (!p.node.empty() && !terminal(p.phase)) charge(p.node, p.placement.get());
  for (const auto& p : s.node_pods) charge(p.node, p.placement.get());
}

const PlacementModel::Scan& PlacementModel::scan(const TargetPod& pod) const {
  std::string key = std::to_string(reinterpret_cast<std::uintptr_t>(pod.source));
  for (const auto& [k, v] : pod.node_selector) key += '\n' + k + '=' + v;
  if (auto it = scans_.find(key); it != scans_.end()) return it->second;
  Scan scan;
  scan.fits.assign(rooms_.size(), false);
  std::vector<std::vector<std::pair<std::string, int>>> by_filter(node_filters().size());
  for (std::size_t i = 0; i < rooms_.size(); ++i) {
    std::size_t f = 0;
    std::optional<Rejection> rejected;
    for (; f < node_filters().size(); ++f)
      if ((rejected = node_filters()[f].apply(pod, rooms_[i]))) break;
    if (!rejected) {
      scan.fits[i] = true;
      ++scan.fit_count;
      continue;
    }
    auto& counts = by_filter[f];
    auto it = std::find_if(counts.begin(), counts.end(), [&](const auto& c) { return c.first == rejected->detail; });
    if (it == counts.end()) counts.emplace_back(std::move(rejected->detail), 1);
    else ++it->second;
  }
  for (auto& counts : by_filter)
    for (auto& c : counts) scan.rejections.push_back(std::move(c));
  return scans_.emplace(std::move(key), std::move(scan)).first->second;
}

Placement PlacementModel::place(const cluster::Vmi& vmi, const cluster::LauncherPod& launcher,
                                const std::vector<const cluster::LauncherPod*>& pods_of_vmi) const {
  Placement out;
  if (!judged_ || !launcher.placement) return out;
  const cluster::Node* source_node = nullptr;
  if (auto it = index_.find(vmi.node.empty() ? launcher.node : vmi.node); it != index_.end())
    source_node = rooms_[it->second].node;
  const TargetPod pod = target_pod_for(vmi, launcher, pods_of_vmi, source_node, added_);
  const std::string total = std::to_string(rooms_.size());
  if (!pod.render_error.empty()) {
    out.outcome = Outcome::NoTargetNode;
    out.targets = 0;
    out.message = "0/" + total + " nodes can take it: " + pod.render_error;
    return out;
  }
  const Scan& s = scan(pod);
  // The VMI's own node(s) come last, as the scheduler's InterPodAffinity filter runs after the others.
  int own = 0;
  for (const auto& name : pod.own_nodes)
    if (auto it = index_.find(name); it != index_.end() && s.fits[it->second]) ++own;
  out.targets = s.fit_count - own;
  out.outcome = out.targets > 0 ? Outcome::Migrates : Outcome::NoTargetNode;
  out.message = std::to_string(out.targets) + "/" + total + " nodes can take it";
  auto part = [&, first = true](int c, const std::string& detail) mutable {
    out.message += (first ? ": " : ", ") + std::to_string(c) + " " + (c == 1 ? singular(detail) : detail);
    first = false;
  };
  for (const auto& [detail, c] : s.rejections) part(c, detail);
  if (own == 1) part(1, "is its own node");
  else if (own > 1) part(own, "run a pod of this VMI already");
  return out;
}

}  // namespace wu::decide

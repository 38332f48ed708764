#include "cluster/object_views.hpp"

#include "cluster/config_objects.hpp"
#include "cluster/view_decoder.hpp"
#include "strategy/quantity.hpp"


namespace wu::cluster {

namespace {

using nlohmann::json;

const json& field(const json& j, const char* key) {
  static const json null_value;
  if (!j.is_object()) return null_value;
  auto it = j.find(key);
  return it == j.end() ? null_value : *it;
}

std::string str(const json& j, const char* key) {
  const json& v = field(j, key);
  return v.is_string() ? v.get<std::string>() : std::string();
}


std::optional<bool> opt_bool(const json& j, const char* key) {
  const json& v = field(j, key);
  return v.is_boolean() ? std::optional<bool>(v.get<bool>()) : std::nullopt;
}

std::optional<std::int64_t> opt_int(const json& j, const char* key) {
  const json& v = field(j, key);
  return v.is_number_integer() ? std::optional<std::int64_t>(v.get<std::int64_t>()) : std::nullopt;
}

std::int64_t int_or_zero(const json& j, const char* key) { return opt_int(j, key).value_or(0); }

// A quantity field (bandwidthPerMigration): a string, or a bare number as YAML may give it.
std::optional<double> opt_quantity(const json& j, const char* key) {
  const json& v = field(j, key);
  if (v.is_number()) return v.get<double>();
  if (v.is_string()) return strategy::quantity_value(v.get<std::string>());
  return std::nullopt;
}

Labels string_map(const json& j) {
  Labels out;
  if (j.is_object())
    for (auto it = j.begin(); it != j.end(); ++it)
      if (it->is_string()) out.emplace_back(it.key(), it->get<std::string>());
  return out;
}

}  // namespace

MigrationPolicy migration_policy_from_json(const json& o) {
  MigrationPolicy p;
  p.name = str(field(o, "metadata"), "name");
  const json& spec = field(o, "spec");
  const json& selectors = field(spec, "selectors");
  p.has_selectors = selectors.is_object();
  const json& vmi = field(selectors, "virtualMachineInstanceSelector");
  const json& ns = field(selectors, "namespaceSelector");
  p.has_vmi_selector = vmi.is_object();
  p.has_namespace_selector = ns.is_object();
  p.vmi_selector = string_map(vmi);
  p.namespace_selector = string_map(ns);
  p.bandwidth_per_migration = opt_quantity(spec, "bandwidthPerMigration");
  p.completion_timeout_per_gib = opt_int(spec, "completionTimeoutPerGiB");
  p.allow_post_copy = opt_bool(spec, "allowPostCopy");
  p.allow_workload_disruption = opt_bool(spec, "allowWorkloadDisruption");
  p.allow_auto_converge = opt_bool(spec, "allowAutoConverge");
  return p;
}

DisruptionBudget disruption_budget_from_json(const json& o) {
  DisruptionBudget b;
  const json& md = field(o, "metadata");
  b.namespace_ = str(md, "namespace");
  b.name = str(md, "name");
  b.generation = int_or_zero(md, "generation");
  const json& owners = field(md, "ownerReferences");
  if (owners.is_array())
    for (const auto& ref : owners)
      if (field(ref, "controller").is_boolean() && field(ref, "controller").get<bool>() &&
          str(ref, "kind") == "VirtualMachineInstance")
        b.owner_vmi = str(ref, "name");
  const json& st = field(o, "status");
  b.disruptions_allowed = int_or_zero(st, "disruptionsAllowed");
  b.desired_healthy = int_or_zero(st, "desiredHealthy");
  b.current_healthy = int_or_zero(st, "currentHealthy");
  b.observed_generation = int_or_zero(st, "observedGeneration");
  // metav1.LabelSelectorAsSelector: matchLabels, then matchExpressions; a bad operator or value list
  // makes the selector invalid, and eviction.go treats an invalid one as matching nothing.
  const json& sel = field(field(o, "spec"), "selector");
  for (const auto& [k, v] : string_map(field(sel, "matchLabels")))
    b.selector.push_back({k, SelectorRequirement::Op::In, {v}});
  const json& exprs = field(sel, "matchExpressions");
  if (exprs.is_array())
    for (const auto& e : exprs) {
      SelectorRequirement r;
      r.key = str(e, "key");
      const std::string op = str(e, "operator");
      const json& values = field(e, "values");
      if (values.is_array())
        for (const auto& v : values)
          if (v.is_string()) r.values.push_back(v.get<std::string>());
      if (op == "In" || op == "NotIn") {
        r.op = op == "In" ? SelectorRequirement::Op::In : SelectorRequirement::Op::NotIn;
        if (r.values.empty()) b.selector_valid = false;
      } else if (op == "Exists" || op == "DoesNotExist") {
        r.op = op == "Exists" ? SelectorRequirement::Op::Exists : SelectorRequirement::Op::DoesNotExist;
        if (!r.values.empty()) b.selector_valid = false;
      } else {
        b.selector_valid = false;
      }
      if (r.key.empty()) b.selector_valid = false;
      b.selector.push_back(std::move(r));
    }
  return b;
}

std::pair<std::string, Labels> namespace_labels_from_json(const json& o) {
  const json& md = field(o, "metadata");
  return {str(md, "name"), string_map(field(md, "labels"))};
}

KubeVirtCr kubevirt_from_json(const json& o) {
  KubeVirtCr kv;
  const json& md = field(o, "metadata");
  const json& st = field(o, "status");
  kv.namespace_ = str(md, "namespace");
  kv.name = str(md, "name");
  kv.phase = str(st, "phase");
  kv.observed_deployment_id = str(st, "observedDeploymentID");
  kv.target_deployment_id = str(st, "targetDeploymentID");
  kv.observed_version = str(st, "observedKubeVirtVersion");
  const json& outdated = field(st, "outdatedVirtualMachineInstanceWorkloads");
  if (outdated.is_number_integer()) kv.outdated_count = outdated.get<int>();
  const json& methods = field(field(field(o, "spec"), "workloadUpdateStrategy"), "workloadUpdateMethods");
  if (methods.is_array())
    for (const auto& m : methods)
      if (m.is_string()) kv.update_methods.push_back(m.get<std::string>());
  const json& config = field(field(o, "spec"), "configuration");
  const json& gates = field(field(config, "developerConfiguration"), "featureGates");
  if (gates.is_array())
    for (const auto& g : gates)
      if (g.is_string()) kv.feature_gates.push_back(g.get<std::string>());
  const json& mdevs = field(field(config, "permittedHostDevices"), "mediatedDevices");
  if (mdevs.is_array())
    for (const auto& m : mdevs)
      if (std::string r = str(m, "resourceName"); !r.empty()) kv.mediated_devices.push_back(std::move(r));
  // GetNetworkBindings (pkg/virt-config/virt-config.go): a plugin with `migration` set is migratable.
  const json& bindings = field(field(config, "network"), "binding");
  if (bindings.is_object())
    for (auto it = bindings.begin(); it != bindings.end(); ++it)
      if (field(*it, "migration").is_object()) kv.migratable_bindings.push_back(it.key());
  const json& migrations = field(config, "migrations");
  kv.bandwidth_per_migration = opt_quantity(migrations, "bandwidthPerMigration");
  kv.completion_timeout_per_gib = opt_int(migrations, "completionTimeoutPerGiB");
  kv.allow_post_copy = opt_bool(migrations, "allowPostCopy");
  kv.allow_workload_disruption = opt_bool(migrations, "allowWorkloadDisruption");
  kv.allow_auto_converge = opt_bool(migrations, "allowAutoConverge");
  kv.utility_volumes_timeout = opt_int(migrations, "utilityVolumesTimeout");
  return kv;
}

DaemonSetRollout daemonset_rollout_from_json(const json& o) {
  DaemonSetRollout d;
  const json& md = field(o, "metadata");
  const json& st = field(o, "status");
  d.namespace_ = str(md, "namespace");
  d.name = str(md, "name");
  auto num = [](const json& j, const char* key) -> std::int64_t {
    const json& v = field(j, key);
    return v.is_number_integer() ? v.get<std::int64_t>() : 0;
  };
  d.generation = num(md, "generation");
  d.observed_generation = num(st, "observedGeneration");
  d.desired = static_cast<int>(num(st, "desiredNumberScheduled"));
  d.updated = static_cast<int>(num(st, "updatedNumberScheduled"));
  d.available = static_cast<int>(num(st, "numberAvailable"));
  return d;
}

std::string launcher_image_from_deployment(const json& d) {
  const json& containers = field(field(field(field(d, "spec"), "template"), "spec"), "containers");
  if (!containers.is_array()) return {};
  const std::string flag = "--launcher-image";
  for (const auto& c : containers) {
    for (const char* list : {"command", "args"}) {
      const json& args = field(c, list);
      if (!args.is_array()) continue;
      for (std::size_t i = 0; i < args.size(); ++i) {
        if (!args[i].is_string()) continue;
        const std::string a = args[i].get<std::string>();
        if (a == flag && i + 1 < args.size() && args[i + 1].is_string()) return args[i + 1].get<std::string>();
        if (a.rfind(flag + "=", 0) == 0) return a.substr(flag.size() + 1);
      }
    }
  }
  return {};
}

bool add_object(Snapshot& s, const json& o, const std::string& kind_hint) {
  const std::string kind = kind_hint.empty() ? str(o, "kind") : kind_hint;
  if (kind.size() >= 4 && kind.compare(kind.size() - 4, 4, "List") == 0 && field(o, "items").is_array()) {
    const std::string item_kind = kind == "List" ? std::string() : kind.substr(0, kind.size() - 4);
    bool any = false;
    for (const auto& item : field(o, "items")) any = add_object(s, item, str(item, "kind").empty() ? item_kind : "") || any;
    return any;
  }
  // The bulk kinds go through the one decoder the live path uses, so a dump and a cluster give the
  // same snapshot.
  if (kind == "VirtualMachineInstance") decode_object(o.dump(), ViewKind::Vmi, s);
  else if (kind == "VirtualMachine") decode_object(o.dump(), ViewKind::Vm, s);
  else if (kind == "VirtualMachineInstanceMigration") decode_object(o.dump(), ViewKind::Vmim, s);
  else if (kind == "Pod") decode_object(o.dump(), ViewKind::Pod, s);
  else if (kind == "Node") decode_object(o.dump(), ViewKind::Node, s);
  else if (kind == "KubeVirt") {
    s.kubevirts.push_back(kubevirt_from_json(o));
    edit_config_objects(s).kubevirts.push_back(o);
  } else if (kind == "MigrationPolicy") {
    s.migration_policies.push_back(migration_policy_from_json(o));
  } else if (kind == "PodDisruptionBudget") {
    s.disruption_budgets.push_back(disruption_budget_from_json(o));
  } else if (kind == "Namespace") {
    s.namespace_labels.push_back(namespace_labels_from_json(o));
  } else if (kind == "HyperConverged") {
    edit_config_objects(s).hyperconvergeds.push_back(o);
  } else if (kind == "DaemonSet") {
    if (str(field(o, "metadata"), "name") != "virt-handler") return false;
    s.virt_handler = daemonset_rollout_from_json(o);
  } else if (kind == "Deployment") {
    if (str(field(o, "metadata"), "name") != "virt-controller") return false;
    const std::string image = launcher_image_from_deployment(o);
    if (!image.empty()) s.launcher_image = image;
  } else {
    return false;
  }
  return true;
}

}  // namespace wu::cluster

#include "cluster/snapshot_loader.hpp"

#include <algorithm>
#include <ctime>
#include <optional>
#include <stdexcept>
#include <vector>

#include "cluster/config_objects.hpp"
#include "cluster/list_item_stream.hpp"
#include "cluster/object_views.hpp"
#include "cluster/resources.hpp"
#include "kube/api_error.hpp"
#include "cluster/view_decoder.hpp"
#include "yaml/document_loader.hpp"
#include "yaml/json_reader.hpp"
#include "yaml/to_json.hpp"

namespace wu::cluster {

namespace {

struct Sizes {
  std::size_t vmis, vms, vmims, pods, nodes, node_pods;
};
Sizes sizes_of(const Snapshot& s) {
  return {s.vmis.size(), s.vms.size(), s.vmims.size(), s.pods.size(), s.nodes.size(), s.node_pods.size()};
}
void truncate_to(Snapshot& s, const Sizes& z) {
  s.vmis.resize(z.vmis);
  s.vms.resize(z.vms);
  s.vmims.resize(z.vmims);
  s.pods.resize(z.pods);
  s.nodes.resize(z.nodes);
  s.node_pods.resize(z.node_pods);
}

}  // namespace

std::string stream_list(kube::Client& client, const kube::ResourceRef& ref, const kube::ListOptions& o, ViewKind kind,
                        Snapshot& s, std::stop_token stop) {
  const Sizes start = sizes_of(s);
  std::string continue_token;
  int restarts = 0, page_retries = 0;
  for (;;) {
    kube::Request r;
    r.path = kube::resource_path(ref);
    r.stop = stop;
    if (!o.label_selector.empty()) r.query.emplace_back("labelSelector", o.label_selector);
    if (o.limit > 0) r.query.emplace_back("limit", std::to_string(o.limit));
    if (!continue_token.empty()) r.query.emplace_back("continue", continue_token);
    const Sizes before = sizes_of(s);
    ListItemStream stream([&](std::string_view item) { decode_object(item, kind, s); });
    r.on_body = [&](std::string_view chunk) { stream.feed(chunk); };
    try {
      client.send(r);
    } catch (const DecodeError& e) {
      // Name the item: a real API server never sends this, so it is a proxy or a broken server.
      throw DecodeError("item " + std::to_string(stream.items_started()) + " of the list of " + ref.resource +
                        (continue_token.empty() ? "" : " (a later page)") + " is malformed (" + e.what() +
                        "); the API server or a proxy in between sent it: retry, and report it if it persists");
    } catch (const kube::ApiError& e) {
      if (continue_token.empty() || !kube::is_resource_expired(e) || restarts >= 3) throw;
      truncate_to(s, start);  // a consistent snapshot rather than an inconsistent remainder
      continue_token.clear();
      ++restarts;
      continue;
    } catch (const kube::TransportError&) {
      if (++page_retries > 3) throw;
      truncate_to(s, before);
      continue;
    }
    if (!stream.complete())
      throw DecodeError("the list of " + ref.resource + " ended before the response was complete");
    page_retries = 0;
    continue_token = stream.continue_token();
    if (continue_token.empty()) return stream.resource_version();
  }
}

void load_cluster_config(kube::Client& client, Snapshot& s, std::stop_token stop) {
  s.config_objects = std::make_shared<ConfigObjects>(fetch_config_objects(client, stop));
  for (const auto& kv : s.config_objects->kubevirts) s.kubevirts.push_back(kubevirt_from_json(kv));
  for (const auto& kv : s.kubevirts) {
    try {
      s.launcher_image = launcher_image_from_deployment(
          client.get(kDeployments.in(kv.namespace_).named("virt-controller"), stop));
    } catch (const kube::ApiError& e) {
      if (!kube::is_not_found(e) && e.code() != 403) throw;
      // Unknown launcher image: outdatedness falls back to the kubevirt.io/outdatedLauncherImage label.
    }
    if (!s.launcher_image.empty()) break;
  }
}

namespace {

// A small optional kind, listed whole; 403 (and 404 where `absent_means_none`) leave it unread.
template <typename Each>
Coverage list_optional(kube::Client& client, const kube::ResourceRef& ref, bool absent_means_none, Each&& each,
                       std::stop_token stop) {
  nlohmann::json items;
  try {
    items = client.list(ref, {}, nullptr, stop);
  } catch (const kube::ApiError& e) {
    if (absent_means_none && kube::is_not_found(e)) return {true, ""};
    if (e.code() == 403)
      return {false, "no permission to list " + ref.resource + (ref.namespace_.empty() ? "" : " in " + ref.namespace_)};
    if (kube::is_not_found(e)) return {false, "the cluster does not serve " + ref.resource};
    throw;
  }
  if (items.is_array())
    for (const auto& o : items) each(o);
  return {true, ""};
}

void add_key(std::vector<std::string>& keys, const std::string& key) {
  if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
}

}  // namespace

void load_migration_context(kube::Client& client, const std::string& ns, Snapshot& s, std::stop_token stop) {
  s.policies_read = list_optional(
      client, kMigrationPolicies, true, [&](const nlohmann::json& o) { s.migration_policies.push_back(migration_policy_from_json(o)); },
      stop);
  bool namespaces_needed = false;
  for (const auto& p : s.migration_policies) {
    for (const auto& [k, v] : p.vmi_selector) add_key(s.vmi_label_keys, k);
    namespaces_needed = namespaces_needed || !p.namespace_selector.empty();
  }
  if (namespaces_needed)
    s.namespaces_read = list_optional(
        client, kNamespaces, false, [&](const nlohmann::json& o) { s.namespace_labels.push_back(namespace_labels_from_json(o)); },
        stop);
  else
    s.namespaces_read = {true, ""};
  s.budgets_read = list_optional(
      client, kDisruptionBudgets.in(ns), false,
      [&](const nlohmann::json& o) { s.disruption_budgets.push_back(disruption_budget_from_json(o)); }, stop);
  for (const auto& b : s.disruption_budgets)
    for (const auto& r : b.selector) add_key(s.pod_label_keys, r.key);
  s.keep_pod_labels = false;
}

void note_dump_coverage(Snapshot& s) {
  auto mark = [](Coverage& c, bool any, const char* what) {
    c.known = any;
    c.why_not = any ? "" : std::string("the input has no ") + what;
  };
  mark(s.policies_read, !s.migration_policies.empty(), "MigrationPolicy objects");
  mark(s.budgets_read, !s.disruption_budgets.empty(), "PodDisruptionBudget objects");
  mark(s.vmims_read, !s.vmims.empty(), "VirtualMachineInstanceMigration objects");
  bool namespaces_needed = false;
  for (const auto& p : s.migration_policies) namespaces_needed = namespaces_needed || !p.namespace_selector.empty();
  if (namespaces_needed) mark(s.namespaces_read, !s.namespace_labels.empty(), "Namespace objects");
  else s.namespaces_read = {true, ""};
}

void load_placement_inputs(kube::Client& client, const std::string& namespace_, const kube::ListOptions& paged,
                           Snapshot& s, std::stop_token stop) {
  kube::ListOptions launchers = paged;
  launchers.label_selector = kLauncherSelector;
  try {
    stream_list(client, kNodes, paged, ViewKind::Node, s, stop);
    s.nodes_known = true;
  } catch (const kube::ApiError& e) {
    if (e.code() != 403) throw;
    s.placement_gap = "no permission to list nodes, so where migration target pods can go is not judged";
    s.placement_hint = "grant list on nodes (and on pods in all namespaces) to judge placement";
    stream_list(client, kPods.in(namespace_), launchers, ViewKind::Pod, s, stop);
    return;
  }
  // Capacity needs every pod bound to a node, in every namespace: one list, split by the decoder into
  // launcher pods and the rest. Launcher pods outside the namespace in scope count as the rest.
  try {
    stream_list(client, kPods, paged, ViewKind::Pod, s, stop);
    s.capacity_known = true;
  } catch (const kube::ApiError& e) {
    if (e.code() != 403 || namespace_.empty()) throw;
    s.placement_gap = "no permission to list pods in all namespaces, so node capacity is not judged";
    s.placement_hint = "grant list on pods in all namespaces to judge node capacity";
    s.node_pods.clear();
    stream_list(client, kPods.in(namespace_), launchers, ViewKind::Pod, s, stop);
    return;
  }
  if (namespace_.empty()) return;
  auto out_of_scope = std::stable_partition(s.pods.begin(), s.pods.end(),
                                            [&](const LauncherPod& p) { return p.namespace_ == namespace_; });
  for (auto it = out_of_scope; it != s.pods.end(); ++it)
    if (!it->node.empty() && it->phase != "Succeeded" && it->phase != "Failed")
      s.node_pods.push_back({it->namespace_ + "/" + it->name, it->node, it->placement});
  s.pods.erase(out_of_scope, s.pods.end());
}

Snapshot load_live_snapshot(kube::Client& client, const LiveScope& scope, std::stop_token stop) {
  Snapshot s;
  s.now = static_cast<Timestamp>(std::time(nullptr));
  s.keep_vmi_labels = false;  // the server applies the label selector
  kube::ListOptions paged;
  paged.limit = scope.chunk_size;
  kube::ListOptions in_scope = paged;
  in_scope.label_selector = scope.label_selector;
  const kube::ResourceRef vmis = kVmis.in(scope.namespace_);

  load_migration_context(client, scope.namespace_, s, stop);  // first: it says which labels to keep
  stream_list(client, vmis, in_scope, ViewKind::Vmi, s, stop);
  stream_list(client, kVms.in(scope.namespace_), paged, ViewKind::Vm, s, stop);
  stream_list(client, kVmims, paged, ViewKind::Vmim, s, stop);
  s.vmims_read = {true, ""};
  load_placement_inputs(client, scope.namespace_, paged, s, stop);

  load_cluster_config(client, s, stop);
  return s;
}

namespace {

// One object of a dump; a decoding error names the file and the object.
void add_dump_object(Snapshot& s, const std::string& file, const nlohmann::json& o, const std::string& kind = {}) {
  try {
    add_object(s, o, kind);
  } catch (const DecodeError& e) {
    std::string what = o.is_object() && o.contains("kind") && o["kind"].is_string() ? o["kind"].get<std::string>()
                                                                                     : std::string("object");
    if (o.is_object())
      if (auto md = o.find("metadata"); md != o.end() && md->is_object()) {
        if (auto ns = md->find("namespace"); ns != md->end() && ns->is_string()) what += " " + ns->get<std::string>() + "/";
        else what += " ";
        if (auto n = md->find("name"); n != md->end() && n->is_string()) what += n->get<std::string>();
      }
    throw std::runtime_error(file + ": " + what + ": " + e.what() + "; fix or remove this object");
  }
}

}  // namespace

namespace {

std::optional<ViewKind> bulk_kind(const std::string& kind) {
  if (kind == "VirtualMachineInstance") return ViewKind::Vmi;
  if (kind == "VirtualMachine") return ViewKind::Vm;
  if (kind == "VirtualMachineInstanceMigration") return ViewKind::Vmim;
  if (kind == "Pod") return ViewKind::Pod;
  if (kind == "Node") return ViewKind::Node;
  return std::nullopt;
}

// "line:column" of a byte offset, for messages.
std::string position_of(std::string_view bytes, std::size_t offset) {
  offset = std::min(offset, bytes.size());
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < offset; ++i) {
    if (bytes[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return std::to_string(line) + ":" + std::to_string(column);
}

// A JSON List (what `oc get ... -o json` prints), decoded item by item the way the API path decodes
// pages: memory follows the snapshot's compact views and the largest object, not the file. False
// when the text is not a List with items (a single object, an array): the caller parses it whole.
bool load_json_list(Snapshot& s, const std::string& name, std::string_view bytes, const yaml::LoadLimits& limits) {
  std::vector<std::string> kindless;  // items without "kind": the list's kind says what they are
  auto add_item = [&](std::string_view item, const std::string& kind) {
    if (const auto view = bulk_kind(kind)) {
      try {
        decode_object(item, *view, s);
        return;
      } catch (const DecodeError&) {
        // Named below by the whole-object path, which reports the object and the cause.
      }
    }
    nlohmann::json o;
    try {
      o = yaml::parse_json(item, limits);
    } catch (const yaml::LoadError& e) {
      throw DecodeError(std::string("not valid JSON: ") + e.what());
    }
    add_dump_object(s, name, o, kind);
  };
  ListItemStream stream(
      [&](std::string_view item) {
        std::string kind = checked_object_kind(item);
        if (kind.empty()) kindless.emplace_back(item);
        else add_item(item, kind);
      },
      limits.max_depth);
  try {
    stream.feed(bytes);
  } catch (const DecodeError& e) {
    throw std::runtime_error(name + ":" + position_of(bytes, stream.offset()) + ": item " +
                             std::to_string(stream.items_started()) + " of the list: " + e.what() +
                             "; fix or remove this object");
  }
  if (stream.items_started() == 0) return false;
  if (!stream.complete())
    throw std::runtime_error(name + ":" + position_of(bytes, stream.trailing_offset()) +
                             ": the list is not one complete JSON object (truncated, or text after it); "
                             "dump it again with `oc get ... -o json`");
  const std::string& list_kind = stream.root_kind();
  const std::string item_kind = list_kind.size() > 4 && list_kind.compare(list_kind.size() - 4, 4, "List") == 0
                                    ? list_kind.substr(0, list_kind.size() - 4)
                                    : std::string();
  for (std::size_t i = 0; i < kindless.size(); ++i) {
    try {
      add_item(kindless[i], item_kind);
    } catch (const DecodeError& e) {
      throw std::runtime_error(name + ": item " + std::to_string(i + 1) + " without a kind of the " +
                               (list_kind.empty() ? std::string("list") : list_kind) + ": " + e.what() +
                               "; fix or remove this object");
    }
  }
  return true;
}

}  // namespace

void load_dump_text(Snapshot& s, const std::string& name, std::string_view bytes, const yaml::LoadLimits& limits) {
  const auto first = bytes.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && bytes[first] == '{' && load_json_list(s, name, bytes, limits)) return;
  if (first != std::string_view::npos && (bytes[first] == '{' || bytes[first] == '[')) {
    // JSON (what `oc get -o json` prints): parsed directly, much faster than through YAML. The same
    // depth limit as YAML; every parser error (number overflow included) names the file and position.
    nlohmann::json doc;
    try {
      doc = yaml::parse_json(bytes, limits);
    } catch (const yaml::LoadError& e) {
      throw std::runtime_error(name + ":" + std::to_string(e.mark().line) + ":" + std::to_string(e.mark().column) +
                               ": not valid JSON: " + e.what() + "; " + e.hint());
    }
    if (doc.is_array())
      for (const auto& o : doc) add_dump_object(s, name, o);
    else
      add_dump_object(s, name, doc);
    return;
  }
  try {
    yaml::load_documents(
        bytes, [&](yaml::Document&& d) { add_dump_object(s, name, yaml::to_json(d.root)); }, limits);
  } catch (const yaml::LoadError& e) {
    throw std::runtime_error(name + ":" + std::to_string(e.mark().line) + ":" + std::to_string(e.mark().column) +
                             ": cannot parse as YAML or JSON: " + e.what() + "; " + e.hint());
  }
}

Snapshot load_dump_snapshot(const std::vector<std::string>& paths, const yaml::InputLimits& limits) {
  Snapshot s;
  s.now = static_cast<Timestamp>(std::time(nullptr));
  for (const auto& path : yaml::expand_paths(paths)) {
    yaml::InputFile in = yaml::read_input(path, limits);
    load_dump_text(s, in.name, in.bytes);
  }
  note_dump_coverage(s);
  // Capacity is judged from the pods the dump holds: a dump with nodes is taken to hold their pods.
  s.capacity_known = s.nodes_known;
  if (!s.nodes_known) {
    s.placement_gap = "the dump has no Node objects, so where migration target pods can go is not judged";
    s.placement_hint = "add `oc get nodes,pods -A -o json` to the dump";
  }
  return s;
}

}  // namespace wu::cluster

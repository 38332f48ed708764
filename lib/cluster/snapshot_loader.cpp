#include "cluster/snapshot_loader.hpp"

#include <ctime>
#include <stdexcept>

#include "cluster/config_objects.hpp"
#include "cluster/object_views.hpp"
#include "yaml/document_loader.hpp"
#include "yaml/to_json.hpp"

namespace wu::cluster {

namespace {

const kube::ResourceRef kVmis{"kubevirt.io", "v1", "virtualmachineinstances", "", "", ""};
const kube::ResourceRef kVms{"kubevirt.io", "v1", "virtualmachines", "", "", ""};
const kube::ResourceRef kVmims{"kubevirt.io", "v1", "virtualmachineinstancemigrations", "", "", ""};
const kube::ResourceRef kPods{"", "v1", "pods", "", "", ""};
const kube::ResourceRef kDeployments{"apps", "v1", "deployments", "", "", ""};

// Lists page by page; each page is parsed, its items handed over, and the page dropped, so memory
// holds only the compact views plus one page.
template <typename OnItem>
void for_each_item(kube::Client& client, const kube::ResourceRef& ref, const kube::ListOptions& options,
                   std::stop_token stop, const std::function<void()>& on_restart, OnItem on_item) {
  client.list_pages(
      ref, options,
      [&](std::string_view body) {
        nlohmann::json page = nlohmann::json::parse(body);
        auto it = page.find("items");
        if (it == page.end() || !it->is_array()) return;
        for (const auto& item : *it) on_item(item);
      },
      on_restart, stop);
}

}  // namespace

Snapshot load_live_snapshot(kube::Client& client, const LiveScope& scope, std::stop_token stop) {
  Snapshot s;
  s.now = static_cast<Timestamp>(std::time(nullptr));
  kube::ListOptions in_scope;
  in_scope.label_selector = scope.label_selector;
  const kube::ResourceRef vmis = kVmis.in(scope.namespace_);

  for_each_item(client, vmis, in_scope, stop, [&] { s.vmis.clear(); },
                [&](const nlohmann::json& o) { s.vmis.push_back(vmi_from_json(o)); });
  for_each_item(client, kVms.in(scope.namespace_), {}, stop, [&] { s.vms.clear(); },
                [&](const nlohmann::json& o) { s.vms.push_back(vm_from_json(o)); });
  for_each_item(client, kVmims, {}, stop, [&] { s.vmims.clear(); },
                [&](const nlohmann::json& o) { s.vmims.push_back(vmim_from_json(o)); });
  kube::ListOptions launchers;
  launchers.label_selector = "kubevirt.io=virt-launcher";
  for_each_item(client, kPods.in(scope.namespace_), launchers, stop, [&] { s.pods.clear(); },
                [&](const nlohmann::json& o) {
                  LauncherPod p;
                  if (launcher_pod_from_json(o, p)) s.pods.push_back(std::move(p));
                });

  ConfigObjects config = fetch_config_objects(client, stop);
  s.hyperconverged_objects = std::move(config.hyperconvergeds);
  s.kubevirt_objects = std::move(config.kubevirts);
  for (const auto& kv : s.kubevirt_objects) s.kubevirts.push_back(kubevirt_from_json(kv));
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
  return s;
}

Snapshot load_dump_snapshot(const std::vector<std::string>& paths, const yaml::InputLimits& limits) {
  Snapshot s;
  s.now = static_cast<Timestamp>(std::time(nullptr));
  for (const auto& path : yaml::expand_paths(paths)) {
    yaml::InputFile in = yaml::read_input(path, limits);
    const auto first = in.bytes.find_first_not_of(" \t\r\n");
    if (first != std::string::npos && (in.bytes[first] == '{' || in.bytes[first] == '[')) {
      // JSON (what `oc get -o json` prints): parsed directly, much faster than through YAML.
      nlohmann::json doc;
      try {
        doc = nlohmann::json::parse(in.bytes);
      } catch (const nlohmann::json::parse_error& e) {
        throw std::runtime_error(in.name + ": not valid JSON: " + e.what());
      }
      if (doc.is_array())
        for (const auto& o : doc) add_object(s, o);
      else
        add_object(s, doc);
      continue;
    }
    try {
      yaml::load_documents(in.bytes, [&](yaml::Document&& d) { add_object(s, yaml::to_json(d.root)); });
    } catch (const yaml::LoadError& e) {
      throw std::runtime_error(in.name + ":" + std::to_string(e.mark().line) + ":" + std::to_string(e.mark().column) +
                               ": cannot parse as YAML or JSON: " + e.what());
    }
  }
  return s;
}

}  // namespace wu::cluster

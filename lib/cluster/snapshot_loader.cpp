#include "cluster/snapshot_loader.hpp"

#include <ctime>
#include <stdexcept>

#include "cluster/config_objects.hpp"
#include "cluster/object_views.hpp"
#include "cluster/view_decoder.hpp"
#include "yaml/document_loader.hpp"
#include "yaml/to_json.hpp"

namespace wu::cluster {

namespace {

const kube::ResourceRef kVmis{"kubevirt.io", "v1", "virtualmachineinstances", "", "", ""};
const kube::ResourceRef kVms{"kubevirt.io", "v1", "virtualmachines", "", "", ""};
const kube::ResourceRef kVmims{"kubevirt.io", "v1", "virtualmachineinstancemigrations", "", "", ""};
const kube::ResourceRef kPods{"", "v1", "pods", "", "", ""};
const kube::ResourceRef kDeployments{"apps", "v1", "deployments", "", "", ""};

// Lists page by page; each page is decoded into compact views and dropped, so memory holds only the
// views plus one page.
void decode_pages(kube::Client& client, const kube::ResourceRef& ref, const kube::ListOptions& options,
                  ViewKind kind, Snapshot& s, const std::function<void()>& on_restart, std::stop_token stop) {
  client.list_pages(
      ref, options, [&](std::string_view body) { decode_list_page(body, kind, s); }, on_restart, stop);
}

}  // namespace

Snapshot load_live_snapshot(kube::Client& client, const LiveScope& scope, std::stop_token stop) {
  Snapshot s;
  s.now = static_cast<Timestamp>(std::time(nullptr));
  s.keep_vmi_labels = false;  // the server applies the label selector
  kube::ListOptions paged;
  paged.limit = scope.chunk_size;
  kube::ListOptions in_scope = paged;
  in_scope.label_selector = scope.label_selector;
  const kube::ResourceRef vmis = kVmis.in(scope.namespace_);

  decode_pages(client, vmis, in_scope, ViewKind::Vmi, s, [&] { s.vmis.clear(); }, stop);
  decode_pages(client, kVms.in(scope.namespace_), paged, ViewKind::Vm, s, [&] { s.vms.clear(); }, stop);
  decode_pages(client, kVmims, paged, ViewKind::Vmim, s, [&] { s.vmims.clear(); }, stop);
  kube::ListOptions launchers = paged;
  launchers.label_selector = "kubevirt.io=virt-launcher";
  decode_pages(client, kPods.in(scope.namespace_), launchers, ViewKind::Pod, s, [&] { s.pods.clear(); }, stop);

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

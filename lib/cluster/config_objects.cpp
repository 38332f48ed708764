#include "cluster/config_objects.hpp"

#include "cluster/resources.hpp"
#include "cluster/snapshot.hpp"
#include "kube/client.hpp"

namespace wu::cluster {

namespace {

std::vector<nlohmann::json> items_of(const nlohmann::json& list) {
  std::vector<nlohmann::json> out;
  if (list.is_array())
    for (const auto& item : list) out.push_back(item);
  else if (list.is_object() && list.contains("items"))
    for (const auto& item : list["items"]) out.push_back(item);
  return out;
}

const std::vector<nlohmann::json> kNoObjects;

}  // namespace

const std::vector<nlohmann::json>& hyperconverged_objects(const Snapshot& s) {
  return s.config_objects ? s.config_objects->hyperconvergeds : kNoObjects;
}

const std::vector<nlohmann::json>& kubevirt_objects(const Snapshot& s) {
  return s.config_objects ? s.config_objects->kubevirts : kNoObjects;
}

ConfigObjects& edit_config_objects(Snapshot& s) {
  // Only this snapshot holds it (use_count 1 cannot grow behind our back): change it in place.
  if (!s.config_objects) s.config_objects = std::make_shared<ConfigObjects>();
  else if (s.config_objects.use_count() > 1) s.config_objects = std::make_shared<ConfigObjects>(*s.config_objects);
  return *s.config_objects;
}

ConfigObjects fetch_config_objects(kube::Client& client, std::stop_token stop) {
  ConfigObjects objects;
  try {
    objects.hyperconvergeds.push_back(client.get(kHyperConvergeds.in(kHcoNamespace).named(kHcoName), stop));
  } catch (const kube::ApiError& e) {
    if (!kube::is_not_found(e)) throw;
    // Not at the usual place: another namespace (upstream HCO installs), or no HCO at all.
    try {
      objects.hyperconvergeds = items_of(client.list(kHyperConvergeds, {}, nullptr, stop));
    } catch (const kube::ApiError& list_error) {
      if (!kube::is_not_found(list_error)) throw;
      objects.hco_api_present = false;  // the cluster does not serve hco.kubevirt.io
    }
  }
  try {
    objects.kubevirts = items_of(client.list(kKubeVirts, {}, nullptr, stop));
  } catch (const kube::ApiError& e) {
    if (!kube::is_not_found(e)) throw;
  }
  // Lists carry no apiVersion/kind per item; validation needs them.
  for (auto& hco : objects.hyperconvergeds) {
    if (!hco.contains("apiVersion")) hco["apiVersion"] = "hco.kubevirt.io/v1beta1";
    if (!hco.contains("kind")) hco["kind"] = "HyperConverged";
  }
  for (auto& kv : objects.kubevirts) {
    if (!kv.contains("apiVersion")) kv["apiVersion"] = "kubevirt.io/v1";
    if (!kv.contains("kind")) kv["kind"] = "KubeVirt";
  }
  return objects;
}

std::string object_label(const nlohmann::json& object, const std::string& kind_word) {
  std::string label = kind_word + "/";
  const auto& md = object.value("metadata", nlohmann::json::object());
  const std::string ns = md.value("namespace", "");
  if (!ns.empty()) label += ns + "/";
  return label + md.value("name", "");
}

}  // namespace wu::cluster

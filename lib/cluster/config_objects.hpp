#pragma once
// Reads the objects that hold the workload-update configuration from a live cluster: the
// HyperConverged CR (openshift-cnv/kubevirt-hyperconverged, otherwise whatever a list finds) and the
// KubeVirt CR(s).
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace wu::kube {
class Client;
}  // namespace wu::kube

namespace wu::cluster {

struct Snapshot;

struct ConfigObjects {
  std::vector<nlohmann::json> hyperconvergeds;  // usually one; none on plain KubeVirt
  std::vector<nlohmann::json> kubevirts;        // exactly one on a healthy cluster
  bool hco_api_present = true;                  // false when the cluster does not serve hyperconvergeds
};

// A snapshot's configuration objects (Snapshot::config_objects); empty when it has none.
const std::vector<nlohmann::json>& hyperconverged_objects(const Snapshot& s);
const std::vector<nlohmann::json>& kubevirt_objects(const Snapshot& s);
// For changing them: the snapshot's own copy (copies of a snapshot share theirs until one changes it).
ConfigObjects& edit_config_objects(Snapshot& s);

// Throws kube errors (403, connection, ...) as they come; a missing HyperConverged API is not an error.
ConfigObjects fetch_config_objects(kube::Client& client, std::stop_token stop = {});

// "hyperconverged/openshift-cnv/kubevirt-hyperconverged": how findings name a live object.
std::string object_label(const nlohmann::json& object, const std::string& kind_word);

}  // namespace wu::cluster

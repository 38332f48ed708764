#pragma once
// Reads the objects that hold the workload-update configuration from a live cluster: the
// HyperConverged CR (openshift-cnv/kubevirt-hyperconverged, otherwise whatever a list finds) and the
// KubeVirt CR(s).
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kube/client.hpp"

namespace wu::cluster {

struct ConfigObjects {
  std::vector<nlohmann::json> hyperconvergeds;  // usually one; none on plain KubeVirt
  std::vector<nlohmann::json> kubevirts;        // exactly one on a healthy cluster
  bool hco_api_present = true;                  // false when the cluster does not serve hyperconvergeds
};

// Throws kube errors (403, connection, ...) as they come; a missing HyperConverged API is not an error.
ConfigObjects fetch_config_objects(kube::Client& client, std::stop_token stop = {});

// "hyperconverged/openshift-cnv/kubevirt-hyperconverged": how findings name a live object.
std::string object_label(const nlohmann::json& object, const std::string& kind_word);

}  // namespace wu::cluster

// Discovery documents: legacy (/api, /apis, group and group-version resource
// lists), aggregated discovery (apidiscovery.k8s.io v2 and v2beta1, what
// kubectl 1.32 asks for first), and /version.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace sim {

nlohmann::json versionInfo();
nlohmann::json coreVersions(const std::string& serverAddress);
nlohmann::json resourceList(const std::string& group, const std::string& version);  // null if not served
nlohmann::json groupList();
nlohmann::json groupInfo(const std::string& group);  // null if not served

// Which aggregated discovery version an Accept header asks for: "v2", "v2beta1" or "" (legacy).
std::string aggregatedVersionRequested(const std::string& accept);
// The aggregated document for /api (core == true) or /apis.
nlohmann::json aggregatedDiscovery(bool core, const std::string& discoveryVersion);
std::string aggregatedContentType(const std::string& discoveryVersion);

}  // namespace sim

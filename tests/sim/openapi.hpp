// Minimal OpenAPI v3 documents: for every served kind, the PATCH operation with
// its x-kubernetes-group-version-kind and the fieldValidation query parameter.
// That is what kubectl's --validate=strict probes; seeing it, kubectl leaves
// validation to the server instead of downloading full schemas.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace sim {

nlohmann::json openApiV3Root();
// path: "api/v1" or "apis/<group>/<version>"; null when not served.
nlohmann::json openApiV3Document(const std::string& path);

}  // namespace sim

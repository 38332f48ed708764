#pragma once
// Writes JSON as block-style YAML, quoting strings that would otherwise read back as another type
// ("10", "true", "null"), so `-o yaml` round-trips to the same data as `-o json`.
#include <nlohmann/json.hpp>
#include <string>

namespace wu::yaml {

std::string json_to_yaml(const nlohmann::json& value);

}  // namespace wu::yaml

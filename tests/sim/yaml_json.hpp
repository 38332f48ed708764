// YAML to JSON with the scalar resolution kubectl uses (go-yaml v2, YAML 1.1:
// yes/no/on/off are booleans; quoted scalars always stay strings).
#pragma once

#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>
#include <string>

namespace sim {

nlohmann::json yamlToJson(const YAML::Node& node);

}  // namespace sim

#pragma once
// A position-carrying tree as plain JSON (positions dropped), the way kubectl sends it.
#include <nlohmann/json.hpp>

#include "yaml/node.hpp"

namespace wu::yaml {

nlohmann::json to_json(const Node& node);

}  // namespace wu::yaml

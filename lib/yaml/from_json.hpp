#pragma once
// A JSON value (e.g. an object read from the API server) as a Node tree, so the same validation
// rules apply to live objects as to files. Nodes carry no source position.
#include <nlohmann/json.hpp>

#include "yaml/node.hpp"

namespace wu::yaml {

Node from_json(const nlohmann::json& value);

}  // namespace wu::yaml

// Request bodies: JSON, YAML, or (for the few kinds kubectl sends that way) protobuf.
#pragma once

#include <httplib.h>

#include <nlohmann/json.hpp>

namespace sim {

// Throws ApiError: 400 for undecodable bodies, 415 for unsupported media types.
// An empty body is an error unless allowEmpty (then {}).
nlohmann::json readBody(const httplib::Request& req, bool allowEmpty = false);

}  // namespace sim

#pragma once
// Parsing JSON text (dumps, kubeconfig extensions, exec plugin output, API bodies) under the same
// guards as YAML: nesting depth (LoadLimits), and every parser error, number overflow included,
// as a LoadError with the line and column instead of a raw library exception.
#include <cstddef>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string_view>

#include "yaml/load_error.hpp"
#include "yaml/load_limits.hpp"

namespace wu::yaml {

// Throws LoadError (message, position, what to do).
nlohmann::json parse_json(std::string_view text, const LoadLimits& limits = {});

// parse_json for callers that report malformed bodies in their own words: nullopt on any LoadError.
std::optional<nlohmann::json> try_parse_json(std::string_view text, const LoadLimits& limits = {});

// Byte offset of the first '[' or '{' (outside strings) that opens level max_depth + 1, or npos.
// A byte scan: linear, no allocation, meaningful on any input (valid JSON or not).
std::size_t find_excess_json_depth(std::string_view text, int max_depth);

}  // namespace wu::yaml

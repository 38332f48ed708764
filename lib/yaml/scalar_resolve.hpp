#pragma once
// Resolving a YAML scalar to a JSON type exactly as kubectl does: sigs.k8s.io/yaml decodes with
// go-yaml v2 (YAML 1.1 rules: yes/no/on/off are booleans, 0x1F is an integer, 1_000 is 1000) and
// re-encodes with encoding/json, so a whole float such as 10.0 or 1e3 reaches the server as 10 / 1000.
#include <string_view>

#include "yaml/node.hpp"

namespace wu::yaml {

enum class ScalarStyle { Plain, Quoted };

// Fills kind/text/boolean/int_value/uint_value/float_value/integral_float of `out`.
// `tag` is the YAML tag as yaml-cpp reports it ("?" plain, "!" quoted, or a resolved tag URI).
void resolve_scalar(std::string_view value, std::string_view tag, Node& out);

// True when `s`, written as a plain YAML scalar, would not read back as the same string.
// Used by the YAML writer to decide when to quote.
bool plain_scalar_would_change_type(std::string_view s);

}  // namespace wu::yaml

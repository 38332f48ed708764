#include "yaml/to_json.hpp"

#include <cmath>

namespace wu::yaml {

nlohmann::json to_json(const Node& n) {
  switch (n.kind) {
    case Kind::Null: return nullptr;
    case Kind::Bool: return n.boolean;
    case Kind::Int:
      if (n.int_value) return *n.int_value;
      return *n.uint_value;
    case Kind::Float:
      if (n.integral_float && n.int_value) return *n.int_value;
      if (!std::isfinite(n.float_value)) return n.text;  // JSON has no Inf/NaN
      return n.float_value;
    case Kind::String: return n.text;
    case Kind::Seq: {
      auto arr = nlohmann::json::array();
      for (const auto& item : n.items) arr.push_back(to_json(item));
      return arr;
    }
    case Kind::Map: {
      auto obj = nlohmann::json::object();
      for (const auto& e : n.entries) obj[e.key] = to_json(e.value);
      return obj;
    }
  }
  return nullptr;
}

}  // namespace wu::yaml

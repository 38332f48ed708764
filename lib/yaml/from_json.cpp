#include "yaml/from_json.hpp"

#include <cmath>

namespace wu::yaml {

Node from_json(const nlohmann::json& v) {
  Node n;
  switch (v.type()) {
    case nlohmann::json::value_t::null: n.kind = Kind::Null; break;
    case nlohmann::json::value_t::boolean:
      n.kind = Kind::Bool;
      n.boolean = v.get<bool>();
      n.text = n.boolean ? "true" : "false";
      break;
    case nlohmann::json::value_t::number_integer:
      n.kind = Kind::Int;
      n.int_value = v.get<std::int64_t>();
      n.float_value = static_cast<double>(*n.int_value);
      n.text = v.dump();
      break;
    case nlohmann::json::value_t::number_unsigned: {
      const auto u = v.get<std::uint64_t>();
      n.kind = Kind::Int;
      if (u <= static_cast<std::uint64_t>(INT64_MAX)) n.int_value = static_cast<std::int64_t>(u);
      else n.uint_value = u;
      n.float_value = static_cast<double>(u);
      n.text = v.dump();
      break;
    }
    case nlohmann::json::value_t::number_float: {
      const double d = v.get<double>();
      n.kind = Kind::Float;
      n.float_value = d;
      n.integral_float = std::isfinite(d) && std::floor(d) == d && std::fabs(d) < 1e21;
      if (n.integral_float && d >= -9223372036854775808.0 && d < 9223372036854775808.0)
        n.int_value = static_cast<std::int64_t>(d);
      n.text = v.dump();
      break;
    }
    case nlohmann::json::value_t::string:
      n.kind = Kind::String;
      n.text = v.get<std::string>();
      break;
    case nlohmann::json::value_t::array:
      n.kind = Kind::Seq;
      for (const auto& item : v) n.items.push_back(from_json(item));
      break;
    case nlohmann::json::value_t::object:
      n.kind = Kind::Map;
      for (const auto& [key, value] : v.items()) n.entries.push_back(Entry{key, {}, from_json(value)});
      break;
    default: n.kind = Kind::Null; break;
  }
  return n;
}

}  // namespace wu::yaml

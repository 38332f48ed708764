#include "yaml_json.hpp"

#include <cerrno>
#include <cstdlib>
#include <regex>

namespace sim {

using nlohmann::json;

namespace {

json resolveScalar(const YAML::Node& n) {
  const std::string& s = n.Scalar();
  if (n.Tag() == "!") return s;  // quoted or block scalar
  if (n.Tag() == "tag:yaml.org,2002:str") return s;
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  static const char* trues[] = {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"};
  static const char* falses[] = {"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"};
  for (auto* t : trues)
    if (s == t) return true;
  for (auto* f : falses)
    if (s == f) return false;
  static const std::regex intRe(R"([-+]?(0|[1-9][0-9_]*))");
  static const std::regex hexRe(R"(0x[0-9a-fA-F_]+)");
  static const std::regex floatRe(R"([-+]?([0-9][0-9_]*)?\.[0-9.]*([eE][-+][0-9]+)?)");
  if (std::regex_match(s, intRe)) {
    std::string digits;
    for (char c : s)
      if (c != '_') digits += c;
    errno = 0;
    long long v = std::strtoll(digits.c_str(), nullptr, 10);
    if (errno == 0) return v;
    return std::strtod(digits.c_str(), nullptr);
  }
  if (std::regex_match(s, hexRe)) return std::strtoll(s.c_str(), nullptr, 16);
  if (std::regex_match(s, floatRe) && s != "." ) return std::strtod(s.c_str(), nullptr);
  if (s == ".inf" || s == ".Inf" || s == ".INF" || s == ".nan" || s == ".NaN" || s == ".NAN") return s;
  return s;
}

}  // namespace

json yamlToJson(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return nullptr;
    case YAML::NodeType::Scalar:
      return resolveScalar(node);
    case YAML::NodeType::Sequence: {
      json a = json::array();
      for (const auto& item : node) a.push_back(yamlToJson(item));
      return a;
    }
    case YAML::NodeType::Map: {
      json o = json::object();
      for (const auto& kv : node) o[kv.first.as<std::string>()] = yamlToJson(kv.second);
      return o;
    }
  }
  return nullptr;
}

}  // namespace sim

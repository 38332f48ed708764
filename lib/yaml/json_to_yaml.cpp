#include "yaml/json_to_yaml.hpp"

#include <yaml-cpp/emitter.h>

#include "yaml/scalar_resolve.hpp"

namespace wu::yaml {

namespace {

void emit(YAML::Emitter& out, const nlohmann::json& v) {
  switch (v.type()) {
    case nlohmann::json::value_t::null: out << YAML::Null; break;
    case nlohmann::json::value_t::boolean: out << v.get<bool>(); break;
    case nlohmann::json::value_t::number_integer: out << v.get<long long>(); break;
    case nlohmann::json::value_t::number_unsigned: out << v.get<unsigned long long>(); break;
    case nlohmann::json::value_t::number_float: out << v.dump(); break;
    case nlohmann::json::value_t::string: {
      const auto& s = v.get_ref<const std::string&>();
      if (s.empty() || plain_scalar_would_change_type(s)) out << YAML::DoubleQuoted << s;
      else out << s;
      break;
    }
    case nlohmann::json::value_t::array:
      if (v.empty()) {
        out << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
        break;
      }
      out << YAML::BeginSeq;
      for (const auto& item : v) emit(out, item);
      out << YAML::EndSeq;
      break;
    case nlohmann::json::value_t::object:
      if (v.empty()) {
        out << YAML::Flow << YAML::BeginMap << YAML::EndMap;
        break;
      }
      out << YAML::BeginMap;
      for (const auto& [key, value] : v.items()) {
        out << YAML::Key;
        if (plain_scalar_would_change_type(key)) out << YAML::DoubleQuoted;
        out << key << YAML::Value;
        emit(out, value);
      }
      out << YAML::EndMap;
      break;
    default: out << YAML::Null; break;
  }
}

}  // namespace

std::string json_to_yaml(const nlohmann::json& value) {
  YAML::Emitter out;
  out.SetIndent(2);
  out.SetSeqFormat(YAML::Block);
  emit(out, value);
  std::string text = out.c_str();
  if (text.empty() || text.back() != '\n') text += '\n';
  return text;
}

}  // namespace wu::yaml

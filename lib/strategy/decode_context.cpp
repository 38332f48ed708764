#include "strategy/decode_context.hpp"

#include "util/did_you_mean.hpp"
#include "yaml/document_loader.hpp"

namespace wu::strategy {

void DecodeContext::report(Severity severity, std::string code, std::string path, yaml::Mark mark,
                           std::string message, std::string hint, bool advisory) {
  Finding f;
  f.severity = severity;
  f.code = std::move(code);
  f.path = std::move(path);
  f.line = mark.line;
  f.column = mark.column;
  f.message = std::move(message);
  f.hint = std::move(hint);
  f.advisory = advisory;
  findings.push_back(std::move(f));
}

std::string DecodeContext::decode_rejection() const {
  if (flavor == Flavor::Hco)
    return "HCO's mutating webhook rejects the whole object with \"failed to parse the HyperConverged\"";
  return "the KubeVirt CR cannot be decoded, so virt-operator rejects it and virt-controller cannot read it";
}

std::string DecodeContext::schema_rejection(std::string_view schema_message) const {
  return "the API server rejects it: " + std::string(schema_message);
}

void DecodeContext::check_unknown_fields(const yaml::Node& map, std::string_view path,
                                         const std::vector<std::string>& known) {
  if (field_validation == FieldValidation::Ignore) return;
  for (const auto& e : map.entries) {
    bool ok = false;
    for (const auto& k : known) ok = ok || k == e.key;
    if (ok) continue;
    const std::string full = yaml::join_path(path, e.key);
    std::string hint;
    if (auto near = util::did_you_mean(e.key, known)) hint = "did you mean \"" + *near + "\"?";
    else hint = "known fields here: " + [&] {
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
      return list;
    }();
    if (field_validation == FieldValidation::Strict)
      error("UnknownField", full, e.key_mark,
            "unknown field \"" + full + "\"; the API server rejects it under strict field validation "
            "(kubectl's default): strict decoding error: unknown field \"" + full + "\"",
            hint);
    else
      report(Severity::Warning, "UnknownField", full, e.key_mark,
             "unknown field \"" + full + "\"; the API server drops it and warns", hint);
  }
}

}  // namespace wu::strategy

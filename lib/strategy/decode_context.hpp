#pragma once
// Shared state while decoding one document's stanzas: who would reject a bad value (HCO's webhooks
// or the KubeVirt CRD), the field-validation policy, and where findings go.
#include <string>
#include <string_view>
#include <vector>

#include "strategy/field_validation.hpp"
#include "strategy/finding.hpp"
#include "yaml/node.hpp"

namespace wu::strategy {

enum class Flavor { Hco, KubeVirt };

struct DecodeContext {
  Flavor flavor = Flavor::Hco;
  FieldValidation field_validation = FieldValidation::Strict;
  std::vector<Finding> findings;

  void report(Severity severity, std::string code, std::string path, yaml::Mark mark, std::string message,
              std::string hint = {}, bool advisory = false);
  void error(std::string code, std::string path, yaml::Mark mark, std::string message, std::string hint = {}) {
    report(Severity::Error, std::move(code), std::move(path), mark, std::move(message), std::move(hint));
  }
  void advise(std::string code, std::string path, yaml::Mark mark, std::string message, std::string hint = {}) {
    report(Severity::Warning, std::move(code), std::move(path), mark, std::move(message), std::move(hint), true);
  }

  // How the cluster rejects a value that fails Go decoding, e.g. for HCO:
  // `HCO's webhook rejects the object with "failed to parse the HyperConverged"`.
  std::string decode_rejection() const;
  // How the API server reports a schema violation; `schema_message` is its text.
  std::string schema_rejection(std::string_view schema_message) const;

  // Reports keys of `map` not in `known`, per the field-validation policy.
  void check_unknown_fields(const yaml::Node& map, std::string_view path, const std::vector<std::string>& known);
};

}  // namespace wu::strategy

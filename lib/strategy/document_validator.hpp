#pragma once
// Validates every document of one input text: recognises the kind (HyperConverged v1 / v1beta1,
// KubeVirt, a bare stanza, a List of those), decodes the stanzas, runs the advisory rules and
// computes the effective configuration.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "strategy/effective_strategy.hpp"
#include "strategy/field_validation.hpp"
#include "strategy/finding.hpp"
#include "yaml/document_loader.hpp"

namespace wu::strategy {

struct ValidateOptions {
  FieldValidation field_validation = FieldValidation::Strict;
  yaml::LoadLimits load_limits;
};

struct DocumentReport {
  std::string file;
  int index = 0;               // document index in the file
  std::optional<int> item;     // index inside a kind: List
  int line = 0;                // where the document (or List item) starts
  std::string kind;            // "HyperConverged", "KubeVirt", "WorkloadUpdateStrategy" for a bare stanza, or the kind
  std::string api_version;
  std::string name;
  std::string name_space;
  bool checked = false;        // false for kinds that were skipped
  std::optional<EffectiveStrategy> effective;
};

struct FileReport {
  std::string file;
  std::vector<DocumentReport> documents;
  std::vector<Finding> findings;
  // Set when the input could not be read as YAML/JSON at all (syntax error, NUL byte, too deep…):
  // validation is incomplete and the exit status is 2.
  std::optional<Finding> input_error;
};

FileReport validate_text(const std::string& file, std::string_view text, const ValidateOptions& options);

// Validates one already-decoded object (e.g. fetched from a cluster) under a display name.
FileReport validate_object(const std::string& source, const yaml::Document& document, const ValidateOptions& options);

}  // namespace wu::strategy

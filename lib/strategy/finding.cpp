#include "strategy/finding.hpp"

#include "strategy/field_validation.hpp"

namespace wu::strategy {

const char* severity_name(Severity s) {
  switch (s) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Info: return "info";
  }
  return "error";
}

std::optional<FieldValidation> parse_field_validation(std::string_view text) {
  if (text == "Strict") return FieldValidation::Strict;
  if (text == "Warn") return FieldValidation::Warn;
  if (text == "Ignore") return FieldValidation::Ignore;
  return std::nullopt;
}

}  // namespace wu::strategy

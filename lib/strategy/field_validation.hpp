#pragma once
// kubectl's --field-validation: what to do with unknown and duplicate fields.
#include <optional>
#include <string_view>

namespace wu::strategy {

enum class FieldValidation { Strict, Warn, Ignore };

std::optional<FieldValidation> parse_field_validation(std::string_view text);  // "Strict" | "Warn" | "Ignore"

}  // namespace wu::strategy

#pragma once
// `validate` over a set of inputs: reads each file, validates it, and decides the verdict and the
// exit status (0 valid, 1 invalid, 2 could not validate).
#include <string>
#include <vector>

#include "strategy/document_validator.hpp"
#include "yaml/input_source.hpp"

namespace wu::strategy {

struct ValidationRun {
  std::vector<FileReport> files;
  bool strict = false;  // warnings count as failures

  int errors() const;
  int warnings() const;
  int infos() const;
  int documents() const;
  bool complete() const;  // every input was read and parsed
  bool valid() const;     // no errors (and, with strict, no warnings); false when incomplete
  int exit_status() const;
};

struct ValidateInputsOptions {
  ValidateOptions validate;
  yaml::InputLimits input_limits;
  bool strict = false;
};

// Reads and validates every path ("-" = stdin; directories recursively). Unreadable inputs become
// input errors of their FileReport; nothing throws.
ValidationRun validate_inputs(const std::vector<std::string>& paths, const ValidateInputsOptions& options);

}  // namespace wu::strategy

#include "strategy/validation_run.hpp"

namespace wu::strategy {

namespace {
int count(const ValidationRun& run, Severity s) {
  int n = 0;
  for (const auto& f : run.files) {
    for (const auto& finding : f.findings) n += finding.severity == s;
    if (f.input_error && s == Severity::Error) ++n;
  }
  return n;
}

Finding unreadable(const std::string& path, const std::string& message) {
  Finding f;
  f.severity = Severity::Error;
  f.code = "Unreadable";
  f.file = path;
  // InputError texts start with the path; the finding carries it separately.
  const std::string prefix = path + ": ";
  f.message = message.compare(0, prefix.size(), prefix) == 0 ? message.substr(prefix.size()) : message;
  return f;
}
}  // namespace

int ValidationRun::errors() const { return count(*this, Severity::Error); }
int ValidationRun::warnings() const { return count(*this, Severity::Warning); }
int ValidationRun::infos() const { return count(*this, Severity::Info); }

int ValidationRun::documents() const {
  int n = 0;
  for (const auto& f : files) n += static_cast<int>(f.documents.size());
  return n;
}

bool ValidationRun::complete() const {
  for (const auto& f : files)
    if (f.input_error) return false;
  return true;
}

bool ValidationRun::valid() const {
  if (!complete() || errors() > 0) return false;
  return !(strict && warnings() > 0);
}

int ValidationRun::exit_status() const {
  if (!complete()) return 2;
  return valid() ? 0 : 1;
}

ValidationRun validate_inputs(const std::vector<std::string>& paths, const ValidateInputsOptions& options) {
  ValidationRun run;
  run.strict = options.strict;
  std::vector<std::string> expanded;
  for (const auto& path : paths) {
    try {
      auto more = yaml::expand_paths({path});
      expanded.insert(expanded.end(), more.begin(), more.end());
    } catch (const yaml::InputError& e) {
      FileReport r;
      r.file = path;
      r.input_error = unreadable(path, e.what());
      run.files.push_back(std::move(r));
    }
  }
  for (const auto& path : expanded) {
    try {
      yaml::InputFile in = yaml::read_input(path, options.input_limits);
      run.files.push_back(validate_text(in.name, in.bytes, options.validate));
    } catch (const yaml::InputError& e) {
      FileReport r;
      r.file = path == "-" ? "<stdin>" : path;
      r.input_error = unreadable(path, e.what());
      r.input_error->file = r.file;
      run.files.push_back(std::move(r));
    }
  }
  return run;
}

}  // namespace wu::strategy

#pragma once
// One thing `validate` has to say about an input: an error the cluster would reject, an advisory
// warning about a value that is accepted but will not do what the user expects, or an info note.
#include <optional>
#include <string>

namespace wu::strategy {

enum class Severity { Error, Warning, Info };

const char* severity_name(Severity s);  // "error", "warning", "info"

struct Finding {
  Severity severity = Severity::Error;
  std::string code;     // stable identifier, documented in the man page (e.g. "InvalidDuration")
  std::string path;     // field path, e.g. "spec.workloadUpdateStrategy.batchEvictionInterval"
  std::string file;
  int document = 0;     // 0-based document index in the file
  std::optional<int> item;  // index inside a `kind: List`
  int line = 0;         // 1-based, 0 when unknown
  int column = 0;
  std::string message;
  std::string hint;     // what to do; may be empty
  bool advisory = false;  // true for checks that go beyond what the API server and HCO enforce
};

}  // namespace wu::strategy

#include "render/validate_output.hpp"

namespace wu::render {

namespace {

nlohmann::json finding_json(const strategy::Finding& f) {
  nlohmann::json j{{"file", f.file},       {"document", f.document},
                   {"severity", strategy::severity_name(f.severity)},
                   {"code", f.code},       {"path", f.path},
                   {"line", f.line},       {"column", f.column},
                   {"message", f.message}, {"hint", f.hint},
                   {"advisory", f.advisory}};
  j["item"] = f.item ? nlohmann::json(*f.item) : nlohmann::json(nullptr);
  return j;
}

}  // namespace

nlohmann::json validate_json(const strategy::ValidationRun& run) {
  nlohmann::json findings = nlohmann::json::array();
  nlohmann::json documents = nlohmann::json::array();
  for (const auto& file : run.files) {
    if (file.input_error) findings.push_back(finding_json(*file.input_error));
    for (const auto& f : file.findings) findings.push_back(finding_json(f));
    for (const auto& d : file.documents) {
      nlohmann::json doc{{"file", d.file},     {"index", d.index},          {"kind", d.kind},
                         {"apiVersion", d.api_version}, {"name", d.name}, {"namespace", d.name_space},
                         {"line", d.line},     {"checked", d.checked}};
      doc["item"] = d.item ? nlohmann::json(*d.item) : nlohmann::json(nullptr);
      doc["effective"] = d.effective ? strategy::to_json(*d.effective) : nlohmann::json(nullptr);
      documents.push_back(std::move(doc));
    }
  }
  return {{"kind", "ValidationResult"},
          {"valid", run.valid()},
          {"strict", run.strict},
          {"complete", run.complete()},
          {"summary",
           {{"documents", run.documents()}, {"errors", run.errors()}, {"warnings", run.warnings()}, {"infos", run.infos()}}},
          {"findings", findings},
          {"documents", documents}};
}

}  // namespace wu::render

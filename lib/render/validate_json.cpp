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

nlohmann::json document_json(const strategy::DocumentReport& d) {
  nlohmann::json doc{{"file", d.file},     {"index", d.index},          {"kind", d.kind},
                     {"apiVersion", d.api_version}, {"name", d.name}, {"namespace", d.name_space},
                     {"line", d.line},     {"checked", d.checked}};
  doc["item"] = d.item ? nlohmann::json(*d.item) : nlohmann::json(nullptr);
  doc["effective"] = d.effective ? strategy::to_json(*d.effective) : nlohmann::json(nullptr);
  return doc;
}

nlohmann::json header_json(const strategy::ValidationRun& run) {
  return {{"kind", "ValidationResult"},
          {"valid", run.valid()},
          {"strict", run.strict},
          {"complete", run.complete()},
          {"summary",
           {{"documents", run.documents()}, {"errors", run.errors()}, {"warnings", run.warnings()}, {"infos", run.infos()}}}};
}

// Each element, pretty-printed and indented to sit inside a top-level array.
void write_element(std::ostream& out, const nlohmann::json& element, bool& first) {
  out << (first ? "\n" : ",\n");
  first = false;
  const std::string text = element.dump(2);
  std::string indented = "    ";
  indented.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    indented += c;
    if (c == '\n') indented += "    ";
  }
  out.write(indented.data(), static_cast<std::streamsize>(indented.size()));
}

}  // namespace

nlohmann::json validate_json(const strategy::ValidationRun& run) {
  nlohmann::json j = header_json(run);
  j["findings"] = nlohmann::json::array();
  j["documents"] = nlohmann::json::array();
  for (const auto& file : run.files) {
    if (file.input_error) j["findings"].push_back(finding_json(*file.input_error));
    for (const auto& f : file.findings) j["findings"].push_back(finding_json(f));
    for (const auto& d : file.documents) j["documents"].push_back(document_json(d));
  }
  return j;
}

void write_validate_json(std::ostream& out, const strategy::ValidationRun& run) {
  const nlohmann::json header = header_json(run);
  out << "{\n";
  for (const auto& [key, value] : header.items()) out << "  " << nlohmann::json(key).dump() << ": " << value.dump() << ",\n";
  out << "  \"findings\": [";
  bool first = true;
  for (const auto& file : run.files) {
    if (file.input_error) write_element(out, finding_json(*file.input_error), first);
    for (const auto& f : file.findings) write_element(out, finding_json(f), first);
  }
  out << (first ? "],\n" : "\n  ],\n") << "  \"documents\": [";
  first = true;
  for (const auto& file : run.files)
    for (const auto& d : file.documents) write_element(out, document_json(d), first);
  out << (first ? "]\n" : "\n  ]\n") << "}\n";
}

}  // namespace wu::render

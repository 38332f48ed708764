#include "render/validate_output.hpp"

#include <sstream>

namespace wu::render {

namespace {

std::string xml_escape(std::string_view s) {
  std::string out;
  for (char ch : s) {
    const unsigned char c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        if (c < 0x20 && ch != '\n' && ch != '\t') out += ' ';  // not allowed in XML 1.0
        else out += ch;
    }
  }
  return out;
}

std::string finding_text(const strategy::Finding& f) {
  std::string s = f.file;
  if (f.line > 0) s += ":" + std::to_string(f.line) + ":" + std::to_string(f.column);
  s += ": " + std::string(strategy::severity_name(f.severity)) + ": " + f.message + " [" + f.code + "]";
  if (!f.hint.empty()) s += "\nhint: " + f.hint;
  return s;
}

bool fails(const strategy::Finding& f, bool strict) {
  return f.severity == strategy::Severity::Error || (strict && f.severity == strategy::Severity::Warning);
}

}  // namespace

std::string validate_junit(const strategy::ValidationRun& run) {
  std::ostringstream cases;
  int tests = 0, failures = 0, errors = 0, skipped = 0;
  for (const auto& file : run.files) {
    if (file.input_error) {
      ++tests;
      ++errors;
      cases << "    <testcase classname=\"" << xml_escape(file.file) << "\" name=\"" << xml_escape(file.file) << "\">\n"
            << "      <error type=\"" << xml_escape(file.input_error->code) << "\" message=\""
            << xml_escape(file.input_error->message) << "\">" << xml_escape(finding_text(*file.input_error))
            << "</error>\n    </testcase>\n";
    }
    for (const auto& d : file.documents) {
      ++tests;
      std::string name = "document " + std::to_string(d.index);
      if (d.item) name += " item " + std::to_string(*d.item);
      name += ": " + (d.kind.empty() ? std::string("(no kind)") : d.kind);
      if (!d.name.empty()) name += " " + (d.name_space.empty() ? d.name : d.name_space + "/" + d.name);
      cases << "    <testcase classname=\"" << xml_escape(d.file) << "\" name=\"" << xml_escape(name) << "\">\n";
      std::string failure_text, first_message, first_code;
      std::string output;
      for (const auto& f : file.findings) {
        if (f.document != d.index || f.item != d.item) continue;
        if (fails(f, run.strict)) {
          if (first_code.empty()) first_code = f.code, first_message = f.message;
          failure_text += finding_text(f) + "\n";
        } else {
          output += finding_text(f) + "\n";
        }
      }
      if (!failure_text.empty()) {
        ++failures;
        cases << "      <failure type=\"" << xml_escape(first_code) << "\" message=\"" << xml_escape(first_message)
              << "\">" << xml_escape(failure_text) << "</failure>\n";
      } else if (!d.checked) {
        ++skipped;
        cases << "      <skipped message=\"" << xml_escape(d.kind.empty() ? "not recognised" : d.kind + " is not checked")
              << "\"/>\n";
      }
      if (!output.empty()) cases << "      <system-out>" << xml_escape(output) << "</system-out>\n";
      cases << "    </testcase>\n";
    }
  }
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<testsuites name=\"workload-update validate\" tests=\"" << tests << "\" failures=\"" << failures
      << "\" errors=\"" << errors << "\" skipped=\"" << skipped << "\">\n"
      << "  <testsuite name=\"validate\" tests=\"" << tests << "\" failures=\"" << failures << "\" errors=\""
      << errors << "\" skipped=\"" << skipped << "\">\n"
      << cases.str() << "  </testsuite>\n</testsuites>\n";
  return out.str();
}

}  // namespace wu::render

#include "render/validate_output.hpp"

#include <sstream>

#include "util/go_duration.hpp"
#include "util/strings.hpp"

namespace wu::render {

using strategy::Finding;
using strategy::Severity;

namespace {

std::string location(const Finding& f) {
  std::string out = f.file;
  if (f.line > 0) out += ":" + std::to_string(f.line) + ":" + std::to_string(f.column > 0 ? f.column : 1);
  return out;
}

std::string severity_label(const Finding& f, const Colour& c) {
  switch (f.severity) {
    case Severity::Error: return c.red("error:");
    case Severity::Warning: return c.yellow(f.advisory ? "warning (advisory):" : "warning:");
    case Severity::Info: return c.cyan("info:");
  }
  return "error:";
}

void print_finding(std::ostringstream& out, const Finding& f, const Colour& c) {
  out << c.bold(location(f) + ":") << " " << severity_label(f, c) << " " << f.message << " "
      << c.dim("[" + f.code + "]") << "\n";
  if (!f.hint.empty()) out << "    " << c.dim("hint: " + f.hint) << "\n";
}

std::string bracketed(const std::vector<std::string>& items) { return "[" + util::join(items) + "]"; }

template <typename T>
std::string or_invalid(const std::optional<T>& v) {
  if (!v) return "(invalid)";
  if constexpr (std::is_same_v<T, bool>) return *v ? "true" : "false";
  else if constexpr (std::is_same_v<T, std::string>) return *v;
  else return std::to_string(*v);
}

std::string effective_line(const strategy::DocumentReport& d) {
  const auto& e = *d.effective;
  std::ostringstream out;
  out << "methods " << (e.workload_update_methods ? bracketed(*e.workload_update_methods) : "(invalid)");
  if (e.workload_update_methods && e.workload_update_methods->empty()) out << " (no automated updates)";
  out << ", batchEvictionSize " << or_invalid(e.batch_eviction_size) << ", batchEvictionInterval ";
  if (e.batch_eviction_interval_ns) {
    const std::string canonical = util::format_go_duration(*e.batch_eviction_interval_ns);
    out << canonical;
    if (canonical != e.batch_eviction_interval_written)
      out << " (written \"" << e.batch_eviction_interval_written << "\"; KubeVirt receives " << canonical << ")";
  } else {
    out << "(invalid)";
  }
  const auto& m = e.migrations;
  out << ", parallelMigrationsPerCluster " << or_invalid(m.parallel_migrations_per_cluster)
      << ", parallelOutboundMigrationsPerNode " << or_invalid(m.parallel_outbound_migrations_per_node)
      << ", evictionStrategy ";
  if (e.eviction_strategy) out << *e.eviction_strategy;
  else if (e.source == strategy::ConfigSource::HyperConverged)
    out << "unset (HCO sets LiveMigrate with 2+ worker nodes, else None)";
  else out << "(invalid)";
  return out.str();
}

std::string document_label(const strategy::DocumentReport& d) {
  std::string label = d.kind;
  if (!d.name.empty()) label += " " + (d.name_space.empty() ? d.name : d.name_space + "/" + d.name);
  if (!d.api_version.empty()) label += " (" + d.api_version + ")";
  return label;
}

std::string plural(int n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

}  // namespace

std::string validate_text(const strategy::ValidationRun& run, const Colour& c) {
  std::ostringstream out;
  int checked = 0;
  for (const auto& file : run.files) {
    if (file.input_error) print_finding(out, *file.input_error, c);
    for (const auto& f : file.findings) print_finding(out, f, c);
    for (const auto& d : file.documents) {
      if (!d.checked || !d.effective) continue;
      ++checked;
      std::string where = d.file + (d.line > 0 ? ":" + std::to_string(d.line) : "");
      out << c.bold(where + ":") << " " << document_label(d) << ": effective " << effective_line(d) << "\n";
    }
  }
  const std::string verdict = run.valid() ? c.green("valid")
                              : !run.complete() ? c.red("could not validate every input")
                                                : c.red("invalid");
  out << plural(run.errors(), "error") << ", " << plural(run.warnings(), "warning") << ", "
      << plural(run.infos(), "info") << " in " << plural(run.documents(), "document") << " (" << checked
      << " checked): " << verdict << (run.strict && run.warnings() > 0 ? " (--strict counts warnings)" : "") << "\n";
  return out.str();
}

}  // namespace wu::render

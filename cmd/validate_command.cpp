// `validate`: lint workloadUpdateStrategy (and the migration and eviction settings that shape it)
// in HyperConverged and KubeVirt CRs, the way the API server and HCO would, plus advisory checks.
#include <cstdio>
#include <iostream>
#include <sstream>

#include "cli_app.hpp"
#include "cluster/cluster_validation.hpp"
#include "completion_registry.hpp"
#include "kube_flags.hpp"
#include "kube_session.hpp"
#include "render/validate_output.hpp"
#include "strategy/validation_run.hpp"
#include "util/size_parse.hpp"
#include "yaml/json_to_yaml.hpp"

namespace wu::cmd {

namespace {

struct ValidateFlags {
  std::vector<std::string> files;
  std::string field_validation = "Strict";
  bool strict = false;
  std::string max_input_size = "64Mi";
  bool from_cluster = false;
  kube::ConfigOverrides kube;
};

int run_validate(Cli& cli, const CLI::App& sub, const ValidateFlags& flags) {
  const std::string format = resolve_output_format(sub, cli.global.output);
  if (flags.files.empty() && !flags.from_cluster)
    throw CLI::ValidationError(
        "validate needs input: -f FILE (repeatable), -f - for stdin, -f DIRECTORY, or --from-cluster");
  strategy::ValidateInputsOptions options;
  options.strict = flags.strict;
  options.validate.field_validation = *strategy::parse_field_validation(flags.field_validation);
  auto limit = util::parse_byte_size(flags.max_input_size);
  if (!limit || *limit == 0)
    throw CLI::ValidationError("--max-input-size", "\"" + flags.max_input_size +
                                                       "\" is not a size; write bytes or a size such as 64Mi or 200MB");
  options.input_limits.max_bytes = *limit;

  strategy::ValidationRun run = strategy::validate_inputs(flags.files, options);
  if (flags.from_cluster) {
    KubeSession session = connect(flags.kube, cli.global);
    strategy::ValidationRun live = cluster::validate_cluster(*session.client, options.validate, flags.strict);
    for (auto& f : live.files) run.files.push_back(std::move(f));
  }

  // Inputs that could not be read at all are operational errors: say so on stderr too.
  for (const auto& file : run.files)
    if (file.input_error)
      std::cerr << "error: " << file.input_error->file
                << (file.input_error->line > 0 ? ":" + std::to_string(file.input_error->line) + ":" +
                                                     std::to_string(file.input_error->column)
                                               : std::string())
                << ": " << file.input_error->message << "\n";

  // Rendered whole before anything is written: a rendering error leaves stdout empty, never a
  // half-printed JSON document.
  std::ostringstream out;
  if (format == "json") render::write_validate_json(out, run);
  else if (format == "yaml") out << yaml::json_to_yaml(render::validate_json(run));
  else if (format == "junit") out << render::validate_junit(run);
  else {
    render::Colour colour{render::colour_wanted_for_fd(fileno(stdout))};
    out << render::validate_text(run, colour);
  }
  std::cout << out.str();
  std::cout.flush();
  return run.exit_status();
}

}  // namespace

void register_validate_command(Cli& cli) {
  auto flags = std::make_shared<ValidateFlags>();
  CLI::App* sub = cli.app.add_subcommand(
      "validate",
      "Check spec.workloadUpdateStrategy, the live-migration limits and evictionStrategy of HyperConverged "
      "(v1, v1beta1) and KubeVirt CRs, or of a bare stanza: errors the API server and HCO would reject, and "
      "advisory warnings for values that are accepted but silently break workload updates");
  register_output_formats(sub, {"text", "json", "yaml", "junit"});
  auto* f = sub->add_option("-f,--filename", flags->files,
                            "File to check; '-' reads stdin; a directory is searched recursively for *.yaml, *.yml "
                            "and *.json (repeatable)")
                ->type_name("FILE");
  complete_as_files(f, {"yaml", "yml", "json"});
  auto* fv = sub->add_option("--field-validation", flags->field_validation,
                             "What to do with unknown and duplicate fields, as kubectl: Strict (error, the default), "
                             "Warn (warning) or Ignore")
                 ->type_name("MODE")
                 ->capture_default_str();
  restrict_to_words(fv, {"Strict", "Warn", "Ignore"});
  sub->add_flag("--strict", flags->strict, "Treat warnings as failures: exit 1 when any warning is found");
  sub->add_option("--max-input-size", flags->max_input_size,
                  "Refuse inputs larger than this (bytes, or with a suffix such as 64Mi or 200MB)")
      ->type_name("SIZE")
      ->capture_default_str();
  sub->add_flag("--from-cluster", flags->from_cluster,
                "Read the live HyperConverged CR (openshift-cnv/kubevirt-hyperconverged, else any) and the KubeVirt "
                "CR, validate them, and report drift between them");
  add_kube_flags(*sub, flags->kube);
  sub->footer(
      "Output formats (-o): text (default), json, yaml, junit.\n"
      "Exit status: 0 valid; 1 invalid (an error, or a warning with --strict); 2 could not validate "
      "(bad flags, unreadable file, input that is not YAML or JSON).");
  sub->callback([&cli, sub, flags] { cli.action = [&cli, sub, flags] { return run_validate(cli, *sub, *flags); }; });
}

}  // namespace wu::cmd

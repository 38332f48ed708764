#include "completion_engine.hpp"

#include "command_tree.hpp"
#include "completion_registry.hpp"

namespace wu::cmd {

namespace {

const CLI::Option* find_option(const std::vector<const CLI::Option*>& options, const std::string& name) {
  for (const auto* opt : options)
    for (const auto& n : option_names(*opt))
      if (n == name) return opt;
  return nullptr;
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

CompletionResult complete_value(const CLI::App& app, const CLI::Option& opt, const std::string& prefix,
                                const std::string& typed) {
  CompletionResult r;
  std::vector<std::string> words;
  const ValueCompletion* vc = value_completion_for(&opt);
  if (opt.get_lnames().size() == 1 && opt.get_lnames()[0] == "output") {
    if (const auto* formats = output_formats_for(&app)) words = *formats;
  } else if (vc && vc->kind == ValueCompletion::Kind::Words) {
    words = vc->words;
  } else if (vc && vc->kind == ValueCompletion::Kind::Files) {
    if (vc->extensions.empty()) {
      r.directive = kDirectiveDefault;
      return r;
    }
    for (const auto& ext : vc->extensions) r.candidates.push_back({ext, ""});
    r.directive = kDirectiveFilterFileExt;
    return r;
  } else if (vc && vc->kind == ValueCompletion::Kind::Directories) {
    r.directive = kDirectiveFilterDirs;
    return r;
  }
  for (const auto& w : words)
    if (starts_with(w, typed)) r.candidates.push_back({prefix + w, ""});
  return r;
}

}  // namespace

CompletionResult complete_args(const CLI::App& root, const std::vector<std::string>& args) {
  const CLI::App* app = &root;
  const std::string current = args.empty() ? std::string() : args.back();
  const CLI::Option* pending_value_for = nullptr;
  std::size_t positional_index = 0;
  for (std::size_t i = 0; i + 1 < args.size(); ++i) {
    const std::string& a = args[i];
    if (pending_value_for) {
      pending_value_for = nullptr;
      continue;
    }
    if (starts_with(a, "-") && a.size() > 1) {
      std::string name = a.substr(0, a.find('='));
      const CLI::Option* opt = find_option(accepted_options(*app), name);
      if (!opt && !starts_with(a, "--") && a.size() > 2) opt = find_option(accepted_options(*app), a.substr(0, 2));
      if (opt && takes_value(*opt) && a.find('=') == std::string::npos && (name == a)) pending_value_for = opt;
      continue;
    }
    bool descended = false;
    for (const CLI::App* sub : visible_subcommands(*app))
      if (sub->get_name() == a) {
        app = sub;
        descended = true;
        positional_index = 0;
        break;
      }
    if (!descended) ++positional_index;
  }

  if (pending_value_for) return complete_value(*app, *pending_value_for, "", current);

  CompletionResult r;
  if (starts_with(current, "-")) {
    const auto eq = current.find('=');
    if (eq != std::string::npos) {
      const CLI::Option* opt = find_option(accepted_options(*app), current.substr(0, eq));
      if (opt && takes_value(*opt)) return complete_value(*app, *opt, current.substr(0, eq + 1), current.substr(eq + 1));
      return r;
    }
    for (const auto* opt : accepted_options(*app))
      for (const auto& n : option_names(*opt))
        if (starts_with(n, current)) r.candidates.push_back({n, short_description(opt->get_description())});
    return r;
  }
  const auto subs = visible_subcommands(*app);
  if (!subs.empty()) {
    for (const CLI::App* sub : subs)
      if (starts_with(sub->get_name(), current))
        r.candidates.push_back({sub->get_name(), short_description(sub->get_description())});
    return r;
  }
  const auto pos = positionals(*app);
  if (positional_index < pos.size()) return complete_value(*app, *pos[positional_index], "", current);
  return r;
}

std::string format_completion(const CompletionResult& result) {
  std::string out;
  for (const auto& [value, description] : result.candidates) {
    out += value;
    if (!description.empty()) out += "\t" + description;
    out += "\n";
  }
  out += ":" + std::to_string(result.directive) + "\n";
  return out;
}

}  // namespace wu::cmd

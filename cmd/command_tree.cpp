#include "command_tree.hpp"

namespace wu::cmd {

std::vector<const CLI::App*> visible_subcommands(const CLI::App& app) {
  return app.get_subcommands([](const CLI::App* sub) { return !sub->get_name().empty() && !sub->get_group().empty(); });
}

namespace {
void collect(const CLI::App& app, std::vector<const CLI::Option*>& out) {
  for (const CLI::Option* opt : app.get_options()) {
    if (!opt->nonpositional() || opt->get_group().empty()) continue;
    bool dup = false;
    for (const auto* o : out) dup = dup || (o->get_lnames() == opt->get_lnames() && o->get_snames() == opt->get_snames());
    if (!dup) out.push_back(opt);
  }
  // Option groups are nameless sub-apps.
  for (const CLI::App* group : app.get_subcommands([](const CLI::App* s) { return s->get_name().empty(); }))
    collect(*group, out);
}
}  // namespace

std::vector<const CLI::Option*> accepted_options(const CLI::App& app) {
  std::vector<const CLI::Option*> out;
  for (const CLI::App* a = &app; a; a = a->get_parent()) collect(*a, out);
  return out;
}

std::vector<const CLI::Option*> positionals(const CLI::App& app) {
  std::vector<const CLI::Option*> out;
  for (const CLI::Option* opt : app.get_options())
    if (opt->get_positional() && !opt->nonpositional()) out.push_back(opt);
  return out;
}

std::vector<std::string> option_names(const CLI::Option& opt) {
  std::vector<std::string> names;
  for (const auto& s : opt.get_snames()) names.push_back("-" + s);
  for (const auto& l : opt.get_lnames()) names.push_back("--" + l);
  return names;
}

bool takes_value(const CLI::Option& opt) { return opt.get_items_expected_max() > 0; }

std::string short_description(const std::string& description) {
  std::string s = description;
  for (const char* stop : {"; ", ": ", ". ", " (", "\n"}) {
    auto pos = s.find(stop);
    if (pos != std::string::npos) s = s.substr(0, pos);
  }
  if (s.size() > 70) s = s.substr(0, 67) + "...";
  return s;
}

}  // namespace wu::cmd

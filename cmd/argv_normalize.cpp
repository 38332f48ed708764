#include "argv_normalize.hpp"

namespace wu::cmd {

std::vector<std::string> normalize_argv(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  out.reserve(args.size() + 2);
  bool after_double_dash = false;
  for (const auto& a : args) {
    if (after_double_dash) {
      out.push_back(a);
      continue;
    }
    if (a == "--") after_double_dash = true;
    // -X=value, where X is one letter: split it.
    if (a.size() >= 3 && a[0] == '-' && a[1] != '-' && a[2] == '=') {
      out.push_back(a.substr(0, 2));
      out.push_back(a.substr(3));
      continue;
    }
    // --flag= (an explicitly empty value, which kubectl accepts): CLI11 wants `--flag ""`.
    if (a.size() > 3 && a.rfind("--", 0) == 0 && a.back() == '=' && a.find('=') == a.size() - 1) {
      out.push_back(a.substr(0, a.size() - 1));
      out.push_back("");
      continue;
    }
    out.push_back(a);
  }
  return out;
}

}  // namespace wu::cmd

#pragma once
// kubectl accepts `-v=6`, `-n=ns` and `-o=json`; CLI11 2.1 rejects the `=` after a single-dash short
// option, and `--flag=` with an empty value. We split such arguments (`-v 6`, `--flag ""`) before
// parsing, and stop at `--`.
#include <string>
#include <vector>

namespace wu::cmd {

std::vector<std::string> normalize_argv(const std::vector<std::string>& args);

}  // namespace wu::cmd

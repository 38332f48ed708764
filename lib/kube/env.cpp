#include "kube/env.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

#include "kube/errors.hpp"

namespace wu::kube {

Env Env::system() {
  Env env;
  env.getenv = [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
  env.is_file = [](const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
  };
  env.read_file = [is_file = env.is_file](const std::string& path) -> std::optional<std::string> {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
      if (errno == ENOENT || errno == ENOTDIR) return std::nullopt;
      throw KubeError("open " + path + ": " + std::strerror(errno));
    }
    if (!S_ISREG(st.st_mode)) throw KubeError("read " + path + ": is a directory or not a regular file");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw KubeError("open " + path + ": " + std::strerror(errno));
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
  };
  env.stdin_is_terminal = [] { return ::isatty(STDIN_FILENO) == 1; };
  env.now = [] { return std::chrono::system_clock::now(); };
  return env;
}

}  // namespace wu::kube

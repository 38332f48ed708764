#pragma once
// The process environment seen by the config loader and the credential
// providers. Injectable so unit tests never touch the real HOME, files or env.
#include <chrono>
#include <functional>
#include <optional>
#include <string>

namespace wu::kube {

struct Env {
  // Environment variable lookup; nullopt when unset.
  std::function<std::optional<std::string>(const std::string&)> getenv;
  // Whole file content; nullopt when the file does not exist or is not a regular file.
  // Throws KubeError with the OS reason when it exists but cannot be read.
  std::function<std::optional<std::string>(const std::string&)> read_file;
  // True for an existing regular file.
  std::function<bool(const std::string&)> is_file;
  // Is standard input a terminal (exec plugins' interactiveMode).
  std::function<bool()> stdin_is_terminal;
  // Wall clock, for token-file re-reads and exec credential expiry.
  std::function<std::chrono::system_clock::time_point()> now;
  // Where the in-cluster service-account files live.
  std::string service_account_dir = "/var/run/secrets/kubernetes.io/serviceaccount";

  // The real process environment.
  static Env system();
};

}  // namespace wu::kube

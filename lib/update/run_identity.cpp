#include "update/run_identity.hpp"

#include <cerrno>
#include <csignal>
#include <random>

#include <unistd.h>

namespace wu::update {

namespace {

std::string host_name() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "unknown-host";
  return buf;
}

constexpr const char* kHolderPrefix = "kubectl-workload_update@";

}  // namespace

bool made_by_this_tool(const std::vector<std::pair<std::string, std::string>>& labels) {
  for (const auto& [k, v] : labels)
    if (k == kManagedByLabel && v == kManagedByValue) return true;
  return false;
}

bool made_by_run(const std::vector<std::pair<std::string, std::string>>& labels, const std::string& run_id) {
  if (!made_by_this_tool(labels)) return false;
  for (const auto& [k, v] : labels)
    if (k == kRunLabel && v == run_id) return true;
  return false;
}

std::string new_run_id() {
  static const char* hex = "0123456789abcdef";
  std::random_device rd;
  std::string id;
  for (int i = 0; i < 10; ++i) id += hex[rd() % 16];
  return id;
}

std::string holder_identity() { return kHolderPrefix + host_name() + "/" + std::to_string(getpid()); }

bool holder_process_gone(const std::string& identity) {
  const std::string prefix = kHolderPrefix + host_name() + "/";
  if (identity.rfind(prefix, 0) != 0) return false;
  const std::string pid_text = identity.substr(prefix.size());
  if (pid_text.empty() || pid_text.find_first_not_of("0123456789") != std::string::npos || pid_text.size() > 9)
    return false;
  const pid_t pid = static_cast<pid_t>(std::stol(pid_text));
  if (pid <= 0 || pid == getpid()) return false;
  return ::kill(pid, 0) != 0 && errno == ESRCH;
}

}  // namespace wu::update

#include "kube/credentials.hpp"

#include "kube/encoding.hpp"
#include "kube/errors.hpp"

namespace wu::kube {
namespace {

constexpr auto kTokenFileRefresh = std::chrono::minutes(1);

std::string read_required(const Env& env, const std::string& path, const char* what) {
  std::optional<std::string> text;
  try {
    text = env.read_file(path);
  } catch (const std::exception& e) {
    throw ConfigError(std::string("unable to read ") + what + " " + path + ": " + e.what());
  }
  if (!text) throw ConfigError(std::string("unable to read ") + what + " " + path + ": no such file or directory");
  return *text;
}

}  // namespace

CredentialProvider::CredentialProvider(const RestConfig& config, Env env, ExecRunner runner)
    : config_(config), env_(std::move(env)), runner_(std::move(runner)) {
  creds_.bearer_token = config_.bearer_token;
  creds_.username = config_.username;
  creds_.password = config_.password;
  creds_.cert_pem = !config_.cert_data.empty() ? config_.cert_data
                    : !config_.cert_file.empty() ? read_required(env_, config_.cert_file, "client-certificate")
                                                 : std::string();
  creds_.key_pem = !config_.key_data.empty() ? config_.key_data
                   : !config_.key_file.empty() ? read_required(env_, config_.key_file, "client-key")
                                               : std::string();
  token_read_at_ = env_.now ? env_.now() : std::chrono::system_clock::now();
  // Like client-go, a plugin is not run when a token, basic auth or a client
  // certificate is already configured (e.g. --token).
  use_exec_ = config_.exec.has_value() && creds_.bearer_token.empty() && config_.bearer_token_file.empty() &&
              creds_.username.empty() && creds_.cert_pem.empty();
}

void CredentialProvider::reread_token_file_locked(bool force) {
  if (config_.bearer_token_file.empty()) return;
  auto now = env_.now ? env_.now() : std::chrono::system_clock::now();
  if (!force && now - token_read_at_ < kTokenFileRefresh) return;
  token_read_at_ = now;
  try {
    // A failed re-read keeps the previous token, as client-go does.
    if (auto text = env_.read_file(config_.bearer_token_file)) {
      std::string token = trim(*text);
      if (!token.empty() && token != creds_.bearer_token) {
        creds_.bearer_token = token;
        ++creds_.generation;
      }
    }
  } catch (const std::exception&) {
  }
}

void CredentialProvider::run_exec_locked() {
  const ExecClusterInfo* cluster = config_.exec->provide_cluster_info ? &config_.exec_cluster : nullptr;
  ExecCredential cred;
  try {
    cred = runner_(*config_.exec, cluster, env_);
  } catch (const AuthError& e) {
    throw AuthError(std::string("getting credentials: ") + e.what());
  }
  creds_.bearer_token = cred.token;
  creds_.cert_pem = cred.client_certificate_pem;
  creds_.key_pem = cred.client_key_pem;
  exec_expiry_ = cred.expiration;
  exec_cached_ = true;
  ++creds_.generation;
}

RequestCredentials CredentialProvider::current() {
  std::lock_guard<std::mutex> lock(mu_);
  if (use_exec_) {
    auto now = env_.now ? env_.now() : std::chrono::system_clock::now();
    // Compared in microseconds: an expiry in the year 9999 does not fit a nanosecond time_point.
    if (!exec_cached_ || (exec_expiry_ && std::chrono::floor<std::chrono::microseconds>(now) >= *exec_expiry_))
      run_exec_locked();
  } else {
    reread_token_file_locked(false);
  }
  return creds_;
}

bool CredentialProvider::refresh_after_unauthorized(const RequestCredentials& used) {
  std::lock_guard<std::mutex> lock(mu_);
  if (used.generation != creds_.generation) return true;  // already rotated by someone else
  if (use_exec_) {
    run_exec_locked();
    return true;
  }
  if (!config_.bearer_token_file.empty()) {
    auto before = creds_.generation;
    reread_token_file_locked(true);
    return creds_.generation != before;
  }
  return false;
}

}  // namespace wu::kube

#pragma once
// Per-request credentials: a static token, a token file (re-read at least
// once a minute, like client-go's cached file token source), client
// certificates (files or *-data, kept in memory only) and exec plugins
// (cached until expirationTimestamp, re-run after a 401).
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "kube/env.hpp"
#include "kube/exec_credential.hpp"
#include "kube/rest_config.hpp"

namespace wu::kube {

struct RequestCredentials {
  std::string bearer_token;
  std::string cert_pem, key_pem;  // PEM blobs for libcurl; never written to disk
  std::string username, password;
  std::uint64_t generation = 0;  // changes whenever the credentials rotate
};

class CredentialProvider {
 public:
  using ExecRunner = std::function<ExecCredential(const ExecConfig&, const ExecClusterInfo*, const Env&)>;

  // Reads certificate/key files now (throws ConfigError when unreadable).
  CredentialProvider(const RestConfig& config, Env env, ExecRunner runner = run_exec_plugin);

  // Credentials for the next request; may run the exec plugin. Throws AuthError.
  RequestCredentials current();

  // Called after a 401 for a request made with `used`: re-runs the exec plugin
  // (unless another thread already did) or re-reads the token file. True when
  // the credentials changed, so one retry is worthwhile.
  bool refresh_after_unauthorized(const RequestCredentials& used);

  bool uses_exec() const { return use_exec_; }

 private:
  void run_exec_locked();
  void reread_token_file_locked(bool force);

  RestConfig config_;
  Env env_;
  ExecRunner runner_;
  bool use_exec_ = false;
  std::mutex mu_;
  RequestCredentials creds_;
  std::optional<util::Rfc3339Time> exec_expiry_;
  bool exec_cached_ = false;
  std::chrono::system_clock::time_point token_read_at_{};
};

}  // namespace wu::kube

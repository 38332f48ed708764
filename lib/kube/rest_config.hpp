#pragma once
// Everything needed to talk to one API server: the resolved result of
// kubeconfig + flags (or in-cluster config). Holds credentials: never log it.
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kube/kubeconfig.hpp"

namespace wu::kube {

struct Impersonation {
  std::string user;
  std::string uid;
  std::vector<std::string> groups;
  std::map<std::string, std::vector<std::string>> extra;
  bool operator==(const Impersonation&) const = default;
};

// The cluster as an exec plugin sees it (provideClusterInfo: true).
struct ExecClusterInfo {
  std::string server;
  std::string tls_server_name;
  bool insecure_skip_tls_verify = false;
  std::string certificate_authority_data;  // PEM (sent base64-encoded)
  std::string proxy_url;
  bool disable_compression = false;
  nlohmann::json config;
  bool operator==(const ExecClusterInfo&) const = default;
};

struct RestConfig {
  // scheme://host[:port][/path-prefix], no trailing slash.
  std::string host;

  // TLS (server side).
  std::string ca_file;
  std::string ca_data;  // PEM
  bool insecure = false;
  std::string server_name;  // tls-server-name
  std::string proxy_url;
  bool disable_compression = false;

  // Credentials.
  std::string bearer_token;
  std::string bearer_token_file;  // re-read periodically when set
  std::string cert_file, key_file;
  std::string cert_data, key_data;  // PEM
  std::string username, password;
  std::optional<ExecConfig> exec;
  ExecClusterInfo exec_cluster;  // meaningful when exec->provide_cluster_info

  Impersonation impersonate;

  std::chrono::milliseconds timeout{0};  // --request-timeout, 0 = none
  double qps = 5;
  int burst = 10;

  bool operator==(const RestConfig&) const = default;
};

}  // namespace wu::kube

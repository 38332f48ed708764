#pragma once
// The kubeconfig model and client-go's loading rules: which files, how they
// merge (first file defining a name wins, as a whole object; first non-empty
// current-context wins) and relative paths resolved against the file that
// defined the entry.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kube/env.hpp"

namespace wu::kube {

struct ExecEnvVar {
  std::string name;
  std::string value;
  bool operator==(const ExecEnvVar&) const = default;
};

struct ExecConfig {
  std::string command;
  std::vector<std::string> args;
  std::vector<ExecEnvVar> env;
  std::string api_version;
  std::string install_hint;
  bool provide_cluster_info = false;
  // "Never", "IfAvailable", "Always"; empty when unset (an error for v1).
  std::string interactive_mode;
  bool operator==(const ExecConfig&) const = default;
};

struct Cluster {
  std::string server;
  std::string certificate_authority;       // file path (absolute after loading)
  std::string certificate_authority_data;  // decoded PEM
  bool insecure_skip_tls_verify = false;
  std::string tls_server_name;
  std::string proxy_url;
  bool disable_compression = false;
  // extensions["client.authentication.k8s.io/exec"], passed to exec plugins.
  nlohmann::json exec_extension;
  std::string location_of_origin;
};

struct AuthInfo {
  std::string client_certificate;       // file path
  std::string client_certificate_data;  // decoded PEM
  std::string client_key;               // file path
  std::string client_key_data;          // decoded PEM
  std::string token;
  std::string token_file;
  std::string username;
  std::string password;
  std::string impersonate;
  std::string impersonate_uid;
  std::vector<std::string> impersonate_groups;
  std::map<std::string, std::vector<std::string>> impersonate_user_extra;
  std::optional<ExecConfig> exec;
  std::string auth_provider;  // name of a legacy auth-provider, unsupported
  std::string location_of_origin;
};

struct Context {
  std::string cluster;
  std::string user;
  std::string namespace_;
  std::string location_of_origin;
};

struct Kubeconfig {
  std::string current_context;
  std::map<std::string, Cluster> clusters;
  std::map<std::string, AuthInfo> users;
  std::map<std::string, Context> contexts;

  bool empty() const { return current_context.empty() && clusters.empty() && users.empty() && contexts.empty(); }
};

// Parses one kubeconfig document. Relative paths are resolved against the
// directory of `path`. Throws ConfigError ("error loading config file ...").
Kubeconfig parse_kubeconfig(const std::string& yaml_text, const std::string& path);

// Merges `next` under `base`: names already in base win as whole objects,
// current-context only fills an empty one.
void merge_kubeconfig(Kubeconfig& base, const Kubeconfig& next);

struct LoadedKubeconfig {
  Kubeconfig config;
  std::vector<std::string> files;     // files actually read, in precedence order
  std::vector<std::string> warnings;  // e.g. every KUBECONFIG entry missing
};

// client-go's ClientConfigLoadingRules: the explicit path (must exist), else
// the KUBECONFIG list (split on ':', de-duplicated, empty and missing entries
// skipped), else $HOME/.kube/config when it exists.
LoadedKubeconfig load_kubeconfig(const std::string& explicit_path, const Env& env);

}  // namespace wu::kube

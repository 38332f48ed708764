#pragma once
// Turns flags + kubeconfig (+ in-cluster environment) into a RestConfig with
// kubectl's precedence and kubectl's error messages (client-go clientcmd's
// DirectClientConfig and DeferredLoadingClientConfig).
#include <string>
#include <vector>

#include "kube/config_overrides.hpp"
#include "kube/env.hpp"
#include "kube/kubeconfig.hpp"
#include "kube/rest_config.hpp"

namespace wu::kube {

struct ResolvedConfig {
  RestConfig rest;
  std::string namespace_;           // never empty
  bool namespace_explicit = false;  // given with -n/--namespace
  std::string context;              // context used; empty for in-cluster
  bool in_cluster = false;
  std::vector<std::string> kubeconfig_files;  // files that were merged
  std::vector<std::string> warnings;          // for the CLI to print on stderr
};

// The whole chain: load kubeconfig files, apply flags, fall back to the
// in-cluster config when the kubeconfig is empty or default. Throws ConfigError.
// As in client-go, the in-cluster config honours only --server, --token and
// --certificate-authority (and -n); with --server the flags form a config of
// their own and in-cluster is not used.
ResolvedConfig resolve_client_config(const ConfigOverrides& overrides, const Env& env);

// One already-merged kubeconfig plus flags, no in-cluster fallback
// (DirectClientConfig.ClientConfig). Throws ConfigError.
RestConfig resolve_direct(const Kubeconfig& config, const ConfigOverrides& overrides, const Env& env);

// Adds a scheme when missing (https only when some TLS setting exists, as
// client-go does), drops a trailing '/', query and fragment.
std::string normalize_server_url(const std::string& server, bool has_tls_settings);

}  // namespace wu::kube

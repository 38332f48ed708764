#pragma once
// client-go credential plugins (client.authentication.k8s.io/v1 and v1beta1):
// build the KUBERNETES_EXEC_INFO input, run the plugin, parse its output.
// Error messages are client-go's.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "kube/env.hpp"
#include "kube/kubeconfig.hpp"
#include "kube/rest_config.hpp"

#include "util/rfc3339.hpp"

namespace wu::kube {

struct ExecCredential {
  std::string token;
  std::string client_certificate_pem;  // raw PEM (not base64)
  std::string client_key_pem;
  std::optional<util::Rfc3339Time> expiration;
};

// Whether the plugin gets our stdin (spec.interactive). Throws AuthError for
// interactiveMode Always without a terminal, or an unknown mode.
bool exec_interactive(const ExecConfig& config, bool stdin_is_terminal);

// The KUBERNETES_EXEC_INFO value. `cluster` is included when provideClusterInfo is set.
std::string exec_info_json(const ExecConfig& config, bool interactive, const ExecClusterInfo* cluster);

// Validates the plugin's stdout against the configured apiVersion. Throws AuthError.
ExecCredential parse_exec_credential(std::string_view stdout_text, const std::string& configured_api_version);

// RFC 3339 ("2026-01-02T03:04:05Z", fractions and offsets allowed).
using util::parse_rfc3339;  // RFC 3339 expiry timestamps (util/rfc3339.hpp)

// Runs the plugin: our environment + its env entries + KUBERNETES_EXEC_INFO;
// stdout captured, stderr passed through, stdin only when interactive.
// Throws AuthError ("exec: executable X not found", "... failed with exit code N", ...).
ExecCredential run_exec_plugin(const ExecConfig& config, const ExecClusterInfo* cluster, const Env& env);

}  // namespace wu::kube

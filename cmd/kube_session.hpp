#pragma once
// Connecting to a cluster the way kubectl does: resolve the kubeconfig and flags, and build a client
// whose -v log and server warnings go to stderr (never a credential: the client redacts them).
#include <memory>

#include "global_options.hpp"
#include "kube/client.hpp"
#include "kube/config_overrides.hpp"

namespace wu::cmd {

struct KubeSession {
  std::unique_ptr<kube::Client> client;
  std::string namespace_;         // -n, else the context's, else "default"
  bool namespace_explicit = false;
};

// Throws kube::ConfigError with kubectl's messages when the configuration is unusable.
KubeSession connect(const kube::ConfigOverrides& overrides, const GlobalOptions& global);

}  // namespace wu::cmd

#pragma once
// The kubectl connection flag set (--kubeconfig, --context, -n, --token, ...),
// with kubectl's names and help texts, under a "Kubernetes connection" group.
#include "kube/config_overrides.hpp"

namespace CLI {
class App;
}

namespace wu::cmd {

void add_kube_flags(CLI::App& app, wu::kube::ConfigOverrides& overrides);

}  // namespace wu::cmd

#pragma once
// In-cluster (service account) configuration, as client-go's rest.InClusterConfig.
#include <string>
#include <vector>

#include "kube/env.hpp"
#include "kube/rest_config.hpp"

namespace wu::kube {

// KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT set, and the
// service-account token is a regular file.
bool in_cluster_possible(const Env& env);

// https://host:port (IPv6 bracketed), the SA token (bearer_token_file is set
// so it is re-read while running) and ca.crt. An unloadable ca.crt is reported
// in `warnings` and the system trust store is used, like client-go.
RestConfig in_cluster_config(const Env& env, std::vector<std::string>* warnings = nullptr);

// POD_NAMESPACE, else the SA namespace file (trimmed), else "default".
std::string in_cluster_namespace(const Env& env);

}  // namespace wu::kube

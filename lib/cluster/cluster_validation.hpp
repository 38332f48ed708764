#pragma once
// `validate --from-cluster`: validate the live HyperConverged and KubeVirt CRs, and report drift
// between the HyperConverged CR's settings and what the KubeVirt CR actually holds.
#include <stop_token>

#include "kube/client.hpp"
#include "strategy/validation_run.hpp"

namespace wu::cluster {

strategy::ValidationRun validate_cluster(kube::Client& client, const strategy::ValidateOptions& options, bool strict,
                                         std::stop_token stop = {});

}  // namespace wu::cluster

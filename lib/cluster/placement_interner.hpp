#pragma once
// One shared copy of each distinct PodPlacement: launcher pods of VMs of the same size and constraints
// point at the same set, which keeps 100,000 pods' constraints within a few megabytes. Thread-safe (the
// run's watches decode on their own threads).
#include <memory>

#include "cluster/placement_views.hpp"

namespace wu::cluster {

std::shared_ptr<const PodPlacement> intern_placement(PodPlacement&& placement);

}  // namespace wu::cluster

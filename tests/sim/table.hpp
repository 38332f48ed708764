// Server-side printing: meta.k8s.io/v1 Table responses for `kubectl get`,
// with the columns of the real API server (built-ins) or the CRDs' printer columns.
#pragma once

#include <httplib.h>

#include <optional>
#include <string>
#include <vector>

#include "store.hpp"

namespace sim {

bool wantsTable(const httplib::Request& req);
// includeObject: the request's includeObject parameter (Object, Metadata or None).
// Watch events after the first leave out the column definitions, like the API server.
std::string renderTable(const ResourceInfo& r, const std::vector<ObjPtr>& items, const std::string& resourceVersion,
                        const std::string& continueToken, std::optional<int64_t> remaining,
                        const std::string& includeObject, bool includeColumns = true);
// Like k8s.io/apimachinery duration.HumanDuration ("45s", "5m10s", "3h", "2d5h", "4y").
std::string humanDuration(long seconds);

}  // namespace sim

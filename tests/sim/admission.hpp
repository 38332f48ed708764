// Admission on create: KubeVirt's VirtualMachineInstanceMigration mutating and
// validating webhooks, and SelfSubjectAccessReview answers.
#pragma once

#include <nlohmann/json.hpp>

namespace sim {

struct Services;
struct ResourceInfo;
struct User;
class Store;

// Mutates obj in place or throws ApiError (a webhook denial).
void admitCreate(Services& s, const ResourceInfo& r, nlohmann::json& obj, const User& user, bool dryRun);

// The answered SelfSubjectAccessReview for a request body: ServiceAccount users from the stored RBAC
// (allowed, and the authorizer's reason), the others by the simulator's full/read-only model.
nlohmann::json reviewAccess(const Store& store, const User& user, const nlohmann::json& body);
// The answered SelfSubjectReview (`kubectl auth whoami`).
nlohmann::json reviewSelf(const User& user, const nlohmann::json& body);

}  // namespace sim

// The few Kubernetes protobuf bodies kubectl sends for built-in kinds
// (kubectl auth can-i / whoami, create namespace, typed-client evictions), decoded to JSON.
// Wire format: "k8s\0" + runtime.Unknown{typeMeta, raw}; raw is the object.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace sim {

// The object as JSON, or nullopt (with why) for malformed input or a kind not
// decoded here: SelfSubjectAccessReview, SelfSubjectReview, Eviction, Namespace, DeleteOptions.
std::optional<nlohmann::json> decodeKubernetesProtobuf(const std::string& body, std::string& why);

}  // namespace sim

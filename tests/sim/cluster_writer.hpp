// Writes made by the simulated KubeVirt controllers. Each change is stored like
// an API write and recorded in the audit log as user "system:kubevirt-sim"
// with a "controller" field, so tests can check behaviour from the log.
// Events are core/v1 Event objects, aggregated like client-go's recorder.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "store.hpp"

namespace sim {

struct Services;

class ClusterWriter {
 public:
  ClusterWriter(Services& s, std::string controller) : s_(s), controller_(std::move(controller)) {}

  // Creates (generateName honoured); VMIMs go through KubeVirt admission as the
  // virt-controller service account. Throws ApiError.
  ObjPtr create(const ResourceInfo& r, nlohmann::json obj, const std::string& detail = "");
  // Read-modify-write; nothing is recorded when fn leaves the object unchanged. Throws ApiError.
  ObjPtr modify(const ResourceInfo& r, const std::string& ns, const std::string& name, const Store::Mutator& fn,
                const std::string& detail = "", const std::string& subresource = "status");
  // Deletes with API semantics (finalizers, pod grace). false when already gone.
  bool remove(const ResourceInfo& r, const std::string& ns, const std::string& name, const std::string& detail = "");
  // Evicts a pod through the same path as the API; returns the HTTP code (201, 429, 404, ...).
  int evict(const std::string& ns, const std::string& pod, std::string* message = nullptr);
  // Records a write the API server refused (code >= 400), e.g. a pod create over quota.
  void rejected(const std::string& verb, const ResourceInfo& r, const std::string& ns, const std::string& name, int code,
                const std::string& detail) {
    audit(verb, r, ns, name, "", code, nullptr, detail);
  }
  // Records an Event on obj (type Normal or Warning).
  void event(const nlohmann::json& obj, const std::string& type, const std::string& reason,
             const std::string& message);

 private:
  void audit(const std::string& verb, const ResourceInfo& r, const std::string& ns, const std::string& name,
             const std::string& subresource, int code, const ObjPtr& obj, const std::string& detail);
  Services& s_;
  std::string controller_;
};

constexpr const char* kSimControllerUser = "system:kubevirt-sim";

}  // namespace sim

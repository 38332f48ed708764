#include "admission.hpp"

#include "rbac.hpp"

#include "eviction_webhook.hpp"
#include "services.hpp"
#include "status_errors.hpp"

namespace sim {

using nlohmann::json;

namespace {

constexpr const char* kMigrationValidator = "migration-create-validator.kubevirt.io";
constexpr const char* kControllerServiceAccount = "system:serviceaccount:kubevirt:kubevirt-controller";

// The webhook's answer as the API server relays it (code, prefixed message). migration-create-admitter.go
// answers with webhookutils.ToAdmissionResponseError (400 BadRequest) for errors about the VMI and
// ToAdmissionResponse (422 Unprocessable Entity, from StatusCauses) for invalid requests.
// The API server (webhookerrors.ToStatusErr) keeps the webhook's code, reason and details and prefixes the message.
[[noreturn]] void deny(int code, const std::string& message, const std::string& reason = "", json details = nullptr) {
  throw ApiError(code, reason, std::string("admission webhook \"") + kMigrationValidator + "\" denied the request: " + message,
                 std::move(details));
}

bool isFinalPhase(const std::string& p) { return p == "Succeeded" || p == "Failed"; }

void admitMigration(Services& s, const ResourceInfo& r, json& obj, const User& user) {
  const std::string ns = obj["metadata"].value("namespace", "");
  const std::string vmiName = obj.value("/spec/vmiName"_json_pointer, "");
  if (vmiName.empty())
    throw invalid(r, obj["metadata"].value("name", ""), {{"FieldValueRequired", "Required value", "spec.vmiName"}});
  // Admit: priority only from the virt-controller service account (CauseTypeForbidden, 422).
  if (obj.contains("/spec/priority"_json_pointer) && !obj["spec"]["priority"].is_null() &&
      user.name != kControllerServiceAccount)
    deny(422, "Migration priority queue, only virt-controller is allowed to set priority field", "Invalid",
         {{"causes", {{{"reason", "FieldValueForbidden"},
                       {"message", "Migration priority queue, only virt-controller is allowed to set priority field"},
                       {"field", "spec.migrationPriority"}}}}});

  // Mutating webhook: the VMI label and the controller's finalizer.
  obj["metadata"]["labels"]["kubevirt.io/vmi-name"] = vmiName;
  json& fin = obj["metadata"]["finalizers"];
  if (!fin.is_array()) fin = json::array();
  if (std::find(fin.begin(), fin.end(), "kubevirt.io/migrationJobFinalize") == fin.end())
    fin.push_back("kubevirt.io/migrationJobFinalize");

  // Validating webhook.
  const ResourceInfo& vmis = *findResource("kubevirt.io", "v1", "virtualmachineinstances");
  ObjPtr v = s.store.get(vmis, ns, vmiName);
  // Admit: the VMI must exist, not be final, be migratable (isMigratable), and have no migration in
  // flight (ensureNoMigrationConflict) - each an error answered 400 by ToAdmissionResponseError.
  if (!v) deny(400, "the VMI \"" + ns + "/" + vmiName + "\" does not exist");
  json vmi = v->parse();
  if (isFinalPhase(vmi.value("/status/phase"_json_pointer, ""))) deny(400, "Cannot migrate VMI in finalized state.");
  if (vmi.contains("/status/conditions"_json_pointer))
    for (const auto& c : vmi["status"]["conditions"])
      if (c.value("type", "") == "LiveMigratable" && c.value("status", "") == "False")
        deny(400, "Cannot migrate VMI, Reason: " + c.value("reason", "") + ", Message: " + c.value("message", ""));
  LabelSelector sel = LabelSelector::parse("kubevirt.io/vmi-name=" + vmiName);
  Store::ListQuery q;
  q.ns = ns;
  q.labels = &sel;
  for (const auto& m : s.store.list(r, q).items) {
    json mig = m->parse();
    if (!isFinalPhase(mig.value("/status/phase"_json_pointer, "")))
      deny(400, "in-flight migration detected. Active migration job (" + m->uid +
                    ") is currently already in progress for VMI " + mig.value("/spec/vmiName"_json_pointer, vmiName) + ".");
  }
}

}  // namespace

void admitCreate(Services& s, const ResourceInfo& r, json& obj, const User& user, bool) {
  if (r.plural == "virtualmachineinstancemigrations") admitMigration(s, r, obj, user);
}

json reviewAccess(const Store& store, const User& user, const json& body) {
  json out = body;
  out["metadata"] = {{"creationTimestamp", nullptr}};
  if (user.rbac) {
    AccessAttributes a;
    if (body.contains("/spec/resourceAttributes"_json_pointer) && body["spec"]["resourceAttributes"].is_object()) {
      const json& ra = body["spec"]["resourceAttributes"];
      a.verb = ra.value("verb", "");
      a.group = ra.value("group", "");
      a.resource = ra.value("resource", "");
      a.subresource = ra.value("subresource", "");
      a.name = ra.value("name", "");
      a.ns = ra.value("namespace", "");
    } else if (body.contains("/spec/nonResourceAttributes"_json_pointer) &&
               body["spec"]["nonResourceAttributes"].is_object()) {
      a.resourceRequest = false;
      a.verb = body["spec"]["nonResourceAttributes"].value("verb", "");
      a.path = body["spec"]["nonResourceAttributes"].value("path", "");
    }
    const AccessDecision d = authorizeRbac(store, user, a);
    out["status"] = {{"allowed", d.allowed}};
    if (!d.reason.empty()) out["status"]["reason"] = d.reason;
    return out;
  }
  std::string verb, resource;
  if (body.contains("/spec/resourceAttributes"_json_pointer)) {
    const json& ra = body["spec"]["resourceAttributes"];
    verb = ra.value("verb", "");
    resource = ra.value("resource", "");
    if (!ra.value("subresource", "").empty()) resource += "/" + ra.value("subresource", "");
  } else if (body.contains("/spec/nonResourceAttributes"_json_pointer)) {
    verb = body["spec"]["nonResourceAttributes"].value("verb", "");
  }
  // "create" on selfsubjectaccessreviews is what read-only users may still do; eviction is a create on pods/eviction.
  const bool allowed = !user.readOnly || verb == "get" || verb == "list" || verb == "watch" ||
                       (verb == "create" && resource == "selfsubjectaccessreviews");
  out["status"] = {{"allowed", allowed}};
  if (!allowed) out["status"]["reason"] = "user \"" + user.name + "\" is read-only in the simulator";
  return out;
}

json reviewSelf(const User& user, const json& body) {
  json out = body;
  out["metadata"] = {{"creationTimestamp", nullptr}};
  out["status"] = {{"userInfo", {{"username", user.name}, {"groups", user.groups}}}};
  return out;
}

}  // namespace sim

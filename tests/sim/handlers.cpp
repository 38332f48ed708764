// REST verbs on resources: get, list, create, update, patch, delete,
// deletecollection; watch and eviction are delegated.
#include "admission.hpp"
#include "body.hpp"
#include "eviction.hpp"
#include "hostile.hpp"
#include "http_util.hpp"
#include "ids.hpp"
#include "pagination.hpp"
#include "patch.hpp"
#include "services.hpp"
#include "service_account_token.hpp"
#include "sim_clock.hpp"
#include "status_errors.hpp"
#include "table.hpp"
#include "watch.hpp"

namespace sim {

using nlohmann::json;

namespace {

const ResourceInfo& namespacesRes() { return *findResource("", "v1", "namespaces"); }

bool validSubdomain(const std::string& n) {
  if (n.empty() || n.size() > 253) return false;
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!alnum(n.front()) || !alnum(n.back())) return false;
  for (char c : n)
    if (!alnum(c) && c != '-' && c != '.') return false;
  return true;
}

void checkTypeMeta(const json& body, const ResourceInfo& r) {
  if (!body.is_object()) throw badRequest("the body of the request must be a JSON object");
  const std::string kind = body.value("kind", "");
  const std::string apiVersion = body.value("apiVersion", "");
  if (kind.empty()) throw badRequest("Object 'Kind' is missing in '" + body.dump() + "'");
  if (apiVersion.empty()) throw badRequest("Object 'apiVersion' is missing in '" + body.dump() + "'");
  if (apiVersion != r.apiVersion())
    throw badRequest("the API version in the data (" + apiVersion + ") does not match the expected API version (" +
                     r.apiVersion() + ")");
  if (kind != r.kind)
    throw badRequest(kind + " in version \"" + r.version + "\" cannot be handled as a " + r.kind +
                     ": the kind in the data does not match the resource");
}

// Typed fields the API server would fail to decode (labels that are numbers, say).
void checkMetaTypes(const json& body) {
  if (!body.contains("metadata")) return;
  const json& md = body["metadata"];
  if (!md.is_object()) throw badRequest("metadata must be an object");
  for (const char* k : {"name", "generateName", "namespace", "resourceVersion", "uid"})
    if (md.contains(k) && !md[k].is_string() && !md[k].is_null())
      throw badRequest(std::string("json: cannot unmarshal ") + md[k].type_name() +
                       " into Go struct field ObjectMeta.metadata." + k + " of type string");
  for (const char* k : {"labels", "annotations"}) {
    if (!md.contains(k) || md[k].is_null()) continue;
    if (!md[k].is_object()) throw badRequest(std::string("metadata.") + k + " must be a map of strings");
    for (auto& [key, v] : md[k].items())
      if (!v.is_string())
        throw badRequest(std::string("json: cannot unmarshal ") + v.type_name() + " into Go struct field ObjectMeta.metadata." +
                         k + " of type string");
  }
  if (md.contains("finalizers") && !md["finalizers"].is_null()) {
    if (!md["finalizers"].is_array()) throw badRequest("metadata.finalizers must be a list of strings");
    for (const auto& f : md["finalizers"])
      if (!f.is_string()) throw badRequest("metadata.finalizers must be a list of strings");
  }
}

json specPart(const json& obj) {
  json o = obj;
  o.erase("metadata");
  o.erase("status");
  return o;
}

// The stored object after a PUT (or a patch result) on the main resource or /status,
// with the API server's rules: status writes change only .status, spec writes
// ignore .status, system metadata is kept, generation follows spec changes.
void applyWrite(const ResourceInfo& r, const std::string& subresource, json& cur, json body) {
  checkMetaTypes(body);
  const json& cmd = cur["metadata"];
  json bmd = body.contains("metadata") && body["metadata"].is_object() ? body["metadata"] : json::object();
  const std::string bodyRv = bmd.value("resourceVersion", "");
  if (!bodyRv.empty() && bodyRv != cmd.value("resourceVersion", ""))
    throw conflict(r, cmd.value("name", ""), "the object has been modified; please apply your changes to the latest version and try again");
  if (bmd.contains("uid") && bmd["uid"].is_string() && !bmd["uid"].get<std::string>().empty() &&
      bmd["uid"] != cmd["uid"])
    throw conflict(r, cmd.value("name", ""),
                   "Precondition failed: UID in precondition: " + bmd["uid"].get<std::string>() +
                       ", UID in object meta: " + cmd.value("uid", ""));
  if (bmd.contains("name") && bmd["name"] != cmd["name"])
    throw badRequest("the name of the object (" + bmd["name"].get<std::string>() +
                     ") does not match the name on the URL (" + cmd.value("name", "") + ")");
  if (r.namespaced && bmd.contains("namespace") && bmd["namespace"] != cmd["namespace"])
    throw badRequest("the namespace of the provided object does not match the namespace sent on the request");

  if (subresource == "status") {
    if (body.contains("status")) cur["status"] = body["status"];
    else cur.erase("status");
    return;
  }
  json next = body;
  next["kind"] = r.kind;
  next["apiVersion"] = r.apiVersion();
  json& nmd = next["metadata"];
  if (!nmd.is_object()) nmd = json::object();
  for (const char* k : {"name", "namespace", "uid", "creationTimestamp", "deletionTimestamp",
                        "deletionGracePeriodSeconds", "generation", "resourceVersion"}) {
    if (cmd.contains(k)) nmd[k] = cmd[k];
    else nmd.erase(k);
  }
  if (r.hasStatus) {
    if (cur.contains("status")) next["status"] = cur["status"];
    else next.erase("status");
  }
  // Finalizers may only be removed, not added, once deletion started.
  if (cmd.contains("deletionTimestamp") && nmd.contains("finalizers") && nmd["finalizers"].is_array()) {
    const json old = cmd.value("finalizers", json::array());
    for (const auto& f : nmd["finalizers"])
      if (std::find(old.begin(), old.end(), f) == old.end())
        throw invalid(r, cmd.value("name", ""),
                      {{"FieldValueForbidden", "no new finalizers can be added if the object is being deleted",
                        "metadata.finalizers"}});
  }
  if (specPart(next) != specPart(cur)) nmd["generation"] = cmd.value("generation", 0) + 1;
  cur = std::move(next);
}

std::string listBody(const ResourceInfo& r, const Store::ListResult& lr, const std::string& cont,
                     const std::string& corrupt = "") {
  std::string out;
  size_t total = 256;
  for (const auto& o : lr.items) total += o->raw.size() + 1;
  out.reserve(total);
  out += "{\"kind\":\"" + r.listKind() + "\",\"apiVersion\":\"" + r.apiVersion() + "\",\"metadata\":{";
  out += "\"resourceVersion\":\"" + std::to_string(lr.rv) + "\"";
  if (!cont.empty()) out += ",\"continue\":\"" + cont + "\"";
  if (!cont.empty() && lr.remaining) out += ",\"remainingItemCount\":" + std::to_string(*lr.remaining);
  out += "},\"items\":[";
  bool first = true;
  for (const auto& o : lr.items) {
    if (!first) out += ',';
    out += first ? withHostileField(o->raw, corrupt) : o->raw;
    first = false;
  }
  out += "]}";
  return out;
}

void respondObject(Call& c, int code, const ObjPtr& obj) {
  if (wantsTable(c.req)) {
    sendBody(c.req, c.res, code, renderTable(*c.info.resource, {obj}, std::to_string(obj->rv), "", std::nullopt,
                                                  param(c.req, "includeObject")));
    return;
  }
  sendBody(c.req, c.res, code, obj->raw);
}

void recordMutation(Call& c, const ObjPtr& obj) {
  c.audit["mutation"] = !c.dryRun;
  if (obj && obj->rv) c.audit["resourceVersion"] = std::to_string(obj->rv);
}

// ---- verbs ----

void doGet(Services& s, Call& c) {
  const auto& r = *c.info.resource;
  if (!c.info.subresource.empty() && c.info.subresource != "status")
    throw methodNotAllowed("the server does not allow this method on the requested resource");
  ObjPtr o = s.store.get(r, c.info.ns, c.info.name);
  if (!o) throw notFound(r, c.info.name);
  respondObject(c, 200, o);
}

// The request's label and field selectors; a malformed one is the API server's 400.
std::pair<LabelSelector, FieldSelector> selectorsOf(const Call& c, const ResourceInfo& r) {
  try {
    return {LabelSelector::parse(param(c.req, "labelSelector")), FieldSelector::parse(param(c.req, "fieldSelector"), r)};
  } catch (const std::invalid_argument& e) {
    throw badRequest(e.what());
  }
}

void doList(Services& s, Call& c) {
  const auto& r = *c.info.resource;
  auto [ls, fs] = selectorsOf(c, r);
  Store::ListQuery q;
  q.ns = c.info.ns;
  q.labels = &ls;
  q.fields = &fs;
  const std::string limit = param(c.req, "limit");
  if (!limit.empty()) {
    char* end = nullptr;
    long long v = std::strtoll(limit.c_str(), &end, 10);
    if (*end != '\0' || v < 0) throw badRequest("invalid limit: " + limit);
    q.limit = static_cast<size_t>(v);
  }
  const auto now = std::chrono::system_clock::now();
  int64_t issuedAt = unixSeconds(now);
  const std::string cont = param(c.req, "continue");
  if (!cont.empty()) {
    auto tok = decodeContinue(cont);
    if (!tok) throw badRequest("continue key is not valid: the continue token could not be decoded");
    if (!param(c.req, "resourceVersion").empty() && param(c.req, "resourceVersion") != "0")
      throw badRequest("specifying resource version is not allowed when using continue");
    if (continueExpired(*tok, s.pageTokenTtl, now) ||
        (tok->rv > 0 && static_cast<uint64_t>(tok->rv) < s.store.oldestServableRV())) {
      // Like etcd compaction: 410 with a token to carry on inconsistently at the latest state.
      ApiError e = expired(kContinueExpiredMessage);
      nlohmann::ordered_json st = e.toStatus();
      st["metadata"] = {{"continue", encodeContinue({-1, tok->lastKey, issuedAt})}};
      sendBody(c.req, c.res, 410, st.dump());
      c.audit["code"] = 410;
      return;
    }
    q.afterKey = tok->lastKey;
    if (tok->rv > 0) {
      q.snapshotRV = static_cast<uint64_t>(tok->rv);
      issuedAt = tok->issuedAt;
    }
  } else {
    const std::string rv = param(c.req, "resourceVersion");
    if (!rv.empty() && rv != "0" && param(c.req, "resourceVersionMatch") == "Exact") {
      char* end = nullptr;
      unsigned long long v = std::strtoull(rv.c_str(), &end, 10);
      if (*end != '\0' || v == 0) throw badRequest("invalid resource version: " + rv);
      q.snapshotRV = v;
    }
  }
  Store::ListResult lr;
  try {
    lr = s.store.list(r, q);
  } catch (const TooOldError& e) {
    throw expired("too old resource version: " + std::to_string(e.requested) + " (" + std::to_string(e.oldest) + ")");
  }
  std::string next;
  if (lr.more) next = encodeContinue({static_cast<int64_t>(lr.rv), lr.lastKey, issuedAt});
  if (wantsTable(c.req)) {
    sendBody(c.req, c.res, 200, renderTable(r, lr.items, std::to_string(lr.rv), next, lr.remaining, param(c.req, "includeObject")));
    return;
  }
  sendBody(c.req, c.res, 200, listBody(r, lr, next, c.corrupt));
}

void ensureNamespaceWritable(Services& s, const std::string& ns) {
  ObjPtr nsObj = s.store.get(namespacesRes(), "", ns);
  if (!nsObj) throw notFound(namespacesRes(), ns);
  json n = nsObj->parse();
  if (n["metadata"].contains("deletionTimestamp") || n.value("/status/phase"_json_pointer, "") == "Terminating") {
    json d = {{"name", ns}, {"kind", "namespaces"},
              {"causes", {{{"reason", "NamespaceTerminating"},
                           {"message", "namespace " + ns + " is being terminated"},
                           {"field", "metadata.namespace"}}}}};
    throw ApiError(403, "Forbidden",
                   "unable to create new content in namespace " + ns + " because it is being terminated", d);
  }
}

void doCreate(Services& s, Call& c) {
  const auto& r = *c.info.resource;
  if (!c.info.subresource.empty() || !c.info.name.empty())
    throw methodNotAllowed("the server does not allow this method on the requested resource");
  if (r.namespaced && c.info.ns.empty())
    throw methodNotAllowed("the server does not allow this method on the requested resource");
  json body = readBody(c.req);
  checkTypeMeta(body, r);
  checkMetaTypes(body);
  if (r.createOnly) {
    json out = r.plural == "selfsubjectreviews" ? reviewSelf(c.user, body) : reviewAccess(s.store, c.user, body);
    sendBody(c.req, c.res, 201, out.dump());
    return;
  }
  if (!body.contains("metadata") || !body["metadata"].is_object()) body["metadata"] = json::object();
  json& md = body["metadata"];
  if (r.namespaced) {
    const std::string bns = md.value("namespace", "");
    if (!bns.empty() && bns != c.info.ns)
      throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
    md["namespace"] = c.info.ns;
    ensureNamespaceWritable(s, c.info.ns);
  } else {
    md.erase("namespace");
  }
  if (md.contains("resourceVersion") && !md["resourceVersion"].get<std::string>().empty())
    throw badRequest("resourceVersion should not be set on objects to be created");
  for (const char* k : {"uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "managedFields"})
    md.erase(k);
  md["generation"] = 1;
  const std::string generateName = md.value("generateName", "");
  const bool generated = md.value("name", "").empty();
  if (generated && generateName.empty())
    throw invalid(r, "", {{"FieldValueRequired", "Required value: name or generateName is required", "metadata.name"}});
  if (r.hasStatus) {
    body.erase("status");
    if (r.plural == "pods") body["status"] = {{"phase", "Pending"}, {"qosClass", "BestEffort"}};
    if (r.plural == "namespaces") body["status"] = {{"phase", "Active"}};
  }
  if (r.plural == "namespaces") body["spec"]["finalizers"] = {"kubernetes"};
  admitCreate(s, r, body, c.user, c.dryRun);
  ObjPtr created;
  for (int attempt = 0;; ++attempt) {
    if (generated) md["name"] = generateName + s.store.newSuffix();
    const std::string name = md["name"].get<std::string>();
    if (r.plural == "namespaces") md["labels"]["kubernetes.io/metadata.name"] = name;
    if (!validSubdomain(name))
      throw invalid(r, name,
                    {{"FieldValueInvalid",
                      "Invalid value: \"" + name +
                          "\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "
                          "'-' or '.', and must start and end with an alphanumeric character",
                      "metadata.name"}});
    try {
      created = s.store.create(r, body, c.dryRun);
      break;
    } catch (const ApiError& e) {
      if (!generated || e.code() != 409 || attempt >= 7) throw;  // generateName retries like the API server
    }
  }
  recordMutation(c, created);
  c.audit["name"] = created->name;
  respondObject(c, 201, created);
}

void doUpdate(Services& s, Call& c) {
  const auto& r = *c.info.resource;
  if (!c.info.subresource.empty() && c.info.subresource != "status")
    throw methodNotAllowed("the server does not allow this method on the requested resource");
  json body = readBody(c.req);
  checkTypeMeta(body, r);
  ObjPtr out = s.store.modify(r, c.info.ns, c.info.name,
                              [&](json& cur) { applyWrite(r, c.info.subresource, cur, body); }, c.dryRun);
  recordMutation(c, out);
  respondObject(c, 200, out);
}

void doPatch(Services& s, Call& c) {
  const auto& r = *c.info.resource;
  if (!c.info.subresource.empty() && c.info.subresource != "status")
    throw methodNotAllowed("the server does not allow this method on the requested resource");
  const std::string ct = c.req.get_header_value("Content-Type");
  PatchType type = patchTypeFromContentType(ct);
  const std::string accepted = r.custom ? "application/json-patch+json, application/merge-patch+json"
                                        : "application/json-patch+json, application/merge-patch+json, "
                                          "application/strategic-merge-patch+json";
  if (type == PatchType::Unknown || type == PatchType::Apply || (type == PatchType::StrategicMerge && r.custom))
    throw unsupportedMediaType("the body of the request was in an unknown format - accepted media types include: " +
                               accepted);
  json patch = json::parse(c.req.body, nullptr, false);
  if (patch.is_discarded()) throw badRequest("error decoding patch: invalid JSON");
  ObjPtr out = s.store.modify(
      r, c.info.ns, c.info.name,
      [&](json& cur) {
        json patched;
        try {
          patched = type == PatchType::Json ? applyJsonPatch(cur, patch) : applyMergePatch(cur, patch);
        } catch (const PatchError& e) {
          if (e.malformed()) throw badRequest(e.what());
          json d = {{"causes", {{{"reason", "UnexpectedServerResponse"}, {"message", e.what()}}}}};
          throw ApiError(422, "Invalid", "the server rejected our request due to an error in our request", d);
        }
        if (!patched.is_object()) throw badRequest("the patch result is not an object");
        applyWrite(r, c.info.subresource, cur, patched);
      },
      c.dryRun);
  recordMutation(c, out);
  respondObject(c, 200, out);
}

json deleteOptions(const httplib::Request& req) {
  json o = readBody(req, true);
  if (!o.is_object()) throw badRequest("invalid DeleteOptions in request body");
  return o;
}

void checkPreconditions(const ResourceInfo& r, const json& opts, const json& obj) {
  if (!opts.contains("preconditions") || !opts["preconditions"].is_object()) return;
  const json& p = opts["preconditions"];
  const json& md = obj["metadata"];
  if (p.contains("uid") && p["uid"].is_string() && p["uid"] != md["uid"])
    throw conflict(r, md.value("name", ""),
                   "Precondition failed: UID in precondition: " + p["uid"].get<std::string>() +
                       ", UID in object meta: " + md.value("uid", ""));
  if (p.contains("resourceVersion") && p["resourceVersion"].is_string() && p["resourceVersion"] != md["resourceVersion"])
    throw conflict(r, md.value("name", ""),
                   "Precondition failed: ResourceVersion in precondition: " + p["resourceVersion"].get<std::string>() +
                       ", ResourceVersion in object meta: " + md.value("resourceVersion", ""));
}

}  // namespace

// Deletes one object with the API server's semantics for finalizers and (when
// the podTerminationSeconds knob is set) graceful pod termination.
Store::DeleteResult deleteObject(Services& s, const ResourceInfo& r, const std::string& ns, const std::string& name,
                                 const json& opts, bool dryRun) {
  const double podGrace = s.knobs.number("podTerminationSeconds", 0);
  const bool graceful = r.plural == "pods" && podGrace > 0 &&
                        !(opts.contains("gracePeriodSeconds") && opts["gracePeriodSeconds"] == 0);
  if (graceful) {
    ObjPtr cur = s.store.get(r, ns, name);
    if (!cur) throw notFound(r, name);
    checkPreconditions(r, opts, cur->parse());
    ObjPtr out = s.store.modify(
        r, ns, name,
        [&](json& o) {
          json& md = o["metadata"];
          if (md.contains("deletionTimestamp")) return;
          auto when = simNow() + std::chrono::milliseconds(static_cast<long>(podGrace * 1000));
          md["deletionTimestamp"] = rfc3339(when);
          md["deletionGracePeriodSeconds"] = static_cast<long>(podGrace + 0.999);
        },
        dryRun);
    return {out, false};
  }
  return s.store.remove(r, ns, name, dryRun, [&](const json& o) { checkPreconditions(r, opts, o); });
}

namespace {

void doDelete(Services& s, Call& c) {
  const auto& r = *c.info.resource;
  if (!c.info.subresource.empty()) throw methodNotAllowed("the server does not allow this method on the requested resource");
  json opts = deleteOptions(c.req);
  bool dryRun = c.dryRun;
  if (opts.contains("dryRun") && opts["dryRun"].is_array())
    for (const auto& d : opts["dryRun"]) dryRun = dryRun || d == "All";
  c.dryRun = dryRun;
  c.audit["dryRun"] = dryRun;

  if (r.plural == "namespaces") {
    // Namespace deletion: mark Terminating, delete the contents, remove the namespace
    // once empty (objects held by finalizers keep it Terminating; the termination
    // controller finishes it).
    ObjPtr ns = s.store.modify(
        r, "", c.info.name,
        [&](json& o) {
          checkPreconditions(r, opts, o);
          o["status"]["phase"] = "Terminating";
        },
        dryRun);
    if (!dryRun) {
      bool empty = true;
      for (const auto& res : resourceTable()) {
        if (!res.namespaced || res.createOnly) continue;
        for (const auto& obj : s.store.all(res, c.info.name)) {
          try {
            auto d = deleteObject(s, res, c.info.name, obj["metadata"]["name"].get<std::string>(), json::object(), false);
            if (!d.removed) empty = false;
          } catch (const ApiError&) {
            // Deleted concurrently.
          }
        }
      }
      if (empty) {
        auto res = s.store.remove(r, "", c.info.name, false);
        ns = res.object;
      }
    }
    recordMutation(c, ns);
    sendBody(c.req, c.res, 200, ns->raw);
    return;
  }

  auto result = deleteObject(s, r, c.info.ns, c.info.name, opts, dryRun);
  recordMutation(c, result.object);
  if (result.removed && !(r.custom || r.plural == "pods")) {
    json d = {{"name", c.info.name}, {"kind", r.plural}, {"uid", result.object->uid}};
    if (!r.group.empty()) d["group"] = r.group;
    sendBody(c.req, c.res, 200, successStatus(200, d).dump());
    return;
  }
  sendBody(c.req, c.res, 200, result.object->raw);
}

void doDeleteCollection(Services& s, Call& c) {
  const auto& r = *c.info.resource;
  if (!r.supportsVerb("deletecollection")) throw methodNotAllowed("the server does not allow this method on the requested resource");
  auto [ls, fs] = selectorsOf(c, r);
  json opts = deleteOptions(c.req);
  Store::ListQuery q;
  q.ns = c.info.ns;
  q.labels = &ls;
  q.fields = &fs;
  auto lr = s.store.list(r, q);
  Store::ListResult out;
  out.rv = lr.rv;
  for (const auto& o : lr.items) {
    try {
      auto res = deleteObject(s, r, o->ns, o->name, opts, c.dryRun);
      out.items.push_back(res.object);
      out.rv = std::max(out.rv, res.object->rv);
    } catch (const ApiError& e) {
      if (e.code() != 404) throw;
    }
  }
  c.audit["mutation"] = !c.dryRun;
  sendBody(c.req, c.res, 200, listBody(r, out, ""));
}

}  // namespace

void handleResource(Services& s, Call& c) {
  const std::string& v = c.info.verb;
  if (v == "create" && c.info.subresource == "token" && c.info.resource->hasToken) handleTokenRequest(s, c);
  else if (v == "get") doGet(s, c);
  else if (v == "list") doList(s, c);
  else if (v == "watch") serveWatch(s, c);
  else if (v == "create") doCreate(s, c);
  else if (v == "update") doUpdate(s, c);
  else if (v == "patch") doPatch(s, c);
  else if (v == "delete") doDelete(s, c);
  else if (v == "deletecollection") doDeleteCollection(s, c);
  else if (v == "evict") handleEviction(s, c);
  else throw methodNotAllowed("the server does not allow this method on the requested resource");
}

}  // namespace sim

#include "scenario.hpp"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>

#include "auth.hpp"
#include "faults.hpp"
#include "knobs.hpp"
#include "resources.hpp"
#include "store.hpp"
#include "yaml_json.hpp"

namespace sim {

using nlohmann::json;

namespace {

std::string at(const std::string& source, const YAML::Node& n) {
  return source + ":" + std::to_string(n.Mark().line + 1);
}

[[noreturn]] void fail(const std::string& where, const std::string& what) { throw ScenarioError(where + ": " + what); }

bool validName(const std::string& n) {
  if (n.empty() || n.size() > 253) return false;
  for (char c : n)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.')) return false;
  return n.front() != '-' && n.back() != '-' && n.front() != '.' && n.back() != '.';
}

std::string servedKinds() {
  std::string out;
  for (const auto& r : resourceTable()) {
    if (r.createOnly) continue;
    if (!out.empty()) out += ", ";
    out += r.apiVersion() + "/" + r.kind;
  }
  return out;
}

void addObject(const YAML::Node& node, const std::string& source, Scenario& s);

void addObjectOrList(const YAML::Node& node, const std::string& source, Scenario& s) {
  if (!node.IsMap()) fail(at(source, node), "expected a Kubernetes object (a mapping with apiVersion and kind)");
  if (node["kind"] && node["kind"].IsScalar() && node["kind"].Scalar() == "List") {
    const YAML::Node items = node["items"];
    if (!items) return;
    if (!items.IsSequence()) fail(at(source, items), "List items must be a sequence");
    for (const auto& item : items) addObject(item, source, s);
    return;
  }
  addObject(node, source, s);
}

void addObject(const YAML::Node& node, const std::string& source, Scenario& s) {
  const std::string where = at(source, node);
  if (!node.IsMap()) fail(where, "expected a Kubernetes object (a mapping with apiVersion and kind)");
  const YAML::Node apiVersion = node["apiVersion"], kind = node["kind"];
  if (!apiVersion || !apiVersion.IsScalar() || apiVersion.Scalar().empty()) fail(where, "object has no apiVersion");
  if (!kind || !kind.IsScalar() || kind.Scalar().empty()) fail(where, "object has no kind");
  if (kind.Scalar() == "List") {
    addObjectOrList(node, source, s);
    return;
  }
  const ResourceInfo* r = findByKind(apiVersion.Scalar(), kind.Scalar());
  if (!r || r->createOnly)
    fail(where, "kind \"" + kind.Scalar() + "\" in apiVersion \"" + apiVersion.Scalar() +
                    "\" is not served by the simulator (served: " + servedKinds() + ")");
  json obj = yamlToJson(node);
  if (!obj.contains("metadata") || !obj["metadata"].is_object()) fail(where, "object has no metadata");
  json& md = obj["metadata"];
  if (!md.contains("name") || !md["name"].is_string() || !validName(md["name"].get<std::string>()))
    fail(at(source, node["metadata"]),
         "metadata.name must be a lower-case DNS subdomain (got " + (md.contains("name") ? md["name"].dump() : "nothing") + ")");
  if (r->namespaced) {
    if (!md.contains("namespace")) md["namespace"] = "default";
    if (!md["namespace"].is_string() || !validName(md["namespace"].get<std::string>()))
      fail(at(source, node["metadata"]), "metadata.namespace must be a lower-case DNS label");
  } else {
    md.erase("namespace");
  }
  if (md.contains("labels") && !md["labels"].is_object()) fail(at(source, node["metadata"]), "metadata.labels must be a mapping");
  if (md.contains("labels"))
    for (auto& [k, v] : md["labels"].items())
      if (!v.is_string()) fail(at(source, node["metadata"]["labels"]), "label \"" + k + "\" must have a string value (quote it)");
  if (md.contains("annotations") && md["annotations"].is_object())
    for (auto& [k, v] : md["annotations"].items())
      if (!v.is_string())
        fail(at(source, node["metadata"]["annotations"]), "annotation \"" + k + "\" must have a string value (quote it)");
  s.objects.push_back({r, std::move(obj), where});
}

void addKnobs(const YAML::Node& node, const std::string& source, Scenario& s) {
  if (!node.IsMap()) fail(at(source, node), "knobs must be a mapping");
  json knobs = yamlToJson(node);
  if (knobs.contains("faults")) {
    // Validate now so the error can name the line.
    try {
      Faults probe(0);
      json cfg = knobs["faults"];
      probe.configure(cfg);
      if (cfg.contains("tokens")) {
        Authenticator a;
        a.configureExpiry(cfg["tokens"]);
      }
    } catch (const std::invalid_argument& e) {
      fail(at(source, node["faults"]), e.what());
    }
  }
  for (auto& [k, v] : knobs.items()) s.knobs[k] = v;
}

}  // namespace

Scenario parseScenario(const std::string& text, const std::string& source) {
  Scenario s;
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(text);
  } catch (const YAML::Exception& e) {
    throw ScenarioError(source + ":" + std::to_string(e.mark.line + 1) + ": invalid YAML: " + e.msg);
  }
  for (const auto& doc : docs) {
    if (doc.IsNull()) continue;
    if (!doc.IsMap()) fail(at(source, doc), "a scenario document must be a mapping with objects: and/or knobs:, or a Kubernetes object");
    if (doc["kind"]) {
      addObjectOrList(doc, source, s);
      continue;
    }
    for (const auto& kv : doc) {
      const std::string key = kv.first.as<std::string>();
      if (key == "objects") {
        if (kv.second.IsNull()) continue;
        if (!kv.second.IsSequence()) fail(at(source, kv.second), "objects must be a sequence");
        for (const auto& item : kv.second) addObjectOrList(item, source, s);
      } else if (key == "knobs") {
        if (!kv.second.IsNull()) addKnobs(kv.second, source, s);
      } else {
        fail(at(source, kv.first), "unknown key \"" + key + "\" (expected objects or knobs)");
      }
    }
  }
  return s;
}

Scenario loadScenarioFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ScenarioError(path + ": cannot read file");
  std::stringstream ss;
  ss << in.rdbuf();
  return parseScenario(ss.str(), path);
}

size_t applyScenario(const Scenario& s, Store& store, Knobs& knobs, Faults& faults, Authenticator& auth) {
  const ResourceInfo* nsRes = findResource("", "v1", "namespaces");
  size_t n = 0;
  for (const auto& o : s.objects) {
    json obj = o.object;
    json& md = obj["metadata"];
    if (o.resource->namespaced) {
      const std::string ns = md["namespace"].get<std::string>();
      if (!store.get(*nsRes, "", ns)) {
        json nsObj = {{"apiVersion", "v1"}, {"kind", "Namespace"},
                      {"metadata", {{"name", ns}, {"labels", {{"kubernetes.io/metadata.name", ns}}}}},
                      {"spec", {{"finalizers", {"kubernetes"}}}}, {"status", {{"phase", "Active"}}}};
        store.upsert(*nsRes, nsObj);
      }
    }
    if (o.resource == nsRes && !obj.contains("status")) obj["status"] = {{"phase", "Active"}};
    if (!md.contains("generation")) md["generation"] = 1;
    store.upsert(*o.resource, std::move(obj));
    ++n;
  }
  if (s.knobs.contains("faults")) {
    try {
      faults.configure(s.knobs["faults"]);
      if (s.knobs["faults"].contains("tokens")) auth.configureExpiry(s.knobs["faults"]["tokens"]);
    } catch (const std::invalid_argument& e) {
      throw ScenarioError(std::string("knobs.faults: ") + e.what());
    }
  }
  knobs.merge(s.knobs);
  return n;
}

}  // namespace sim

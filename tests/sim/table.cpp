#include "table.hpp"

#include <chrono>

#include "http_util.hpp"
#include "ids.hpp"
#include "sim_clock.hpp"

namespace sim {

using nlohmann::json;

namespace {

struct Column {
  const char* name;
  const char* type;
  int priority;
  const char* description;
};

std::string str(const json& o, const char* ptr) {
  json::json_pointer p(ptr);
  if (!o.contains(p)) return "";
  const json& v = o.at(p);
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  return v.dump();
}

std::string age(const json& o, const char* ptr = "/metadata/creationTimestamp") {
  std::chrono::system_clock::time_point t;
  if (!parseRfc3339(str(o, ptr), t)) return "<unknown>";
  auto secs = std::chrono::duration_cast<std::chrono::seconds>(simNow() - t).count();
  return humanDuration(secs);
}

std::string condition(const json& o, const std::string& type) {
  if (o.contains("/status/conditions"_json_pointer))
    for (const auto& c : o["status"]["conditions"])
      if (c.value("type", "") == type) return c.value("status", "");
  return "";
}

std::string orNone(const std::string& s) { return s.empty() ? "<none>" : s; }

const std::vector<Column>& columnsFor(const ResourceInfo& r) {
  static const std::vector<Column> def = {{"Name", "string", 0, "Name must be unique within a namespace."},
                                          {"Age", "string", 0, "CreationTimestamp is a timestamp."}};
  static const std::vector<Column> ns = {{"Name", "string", 0, ""}, {"Status", "string", 0, ""}, {"Age", "string", 0, ""}};
  static const std::vector<Column> nodes = {{"Name", "string", 0, ""}, {"Status", "string", 0, ""},
                                            {"Roles", "string", 0, ""},  {"Age", "string", 0, ""},
                                            {"Version", "string", 0, ""}, {"Internal-IP", "string", 1, ""}};
  static const std::vector<Column> pods = {{"Name", "string", 0, ""},     {"Ready", "string", 0, ""},
                                           {"Status", "string", 0, ""},   {"Restarts", "string", 0, ""},
                                           {"Age", "string", 0, ""},      {"IP", "string", 1, ""},
                                           {"Node", "string", 1, ""},     {"Nominated Node", "string", 1, ""},
                                           {"Readiness Gates", "string", 1, ""}};
  static const std::vector<Column> events = {{"Last Seen", "string", 0, ""}, {"Type", "string", 0, ""},
                                             {"Reason", "string", 0, ""},    {"Object", "string", 0, ""},
                                             {"Message", "string", 0, ""}};
  static const std::vector<Column> pdbs = {{"Name", "string", 0, ""}, {"Min Available", "string", 0, ""},
                                           {"Max Unavailable", "string", 0, ""},
                                           {"Allowed Disruptions", "integer", 0, ""}, {"Age", "string", 0, ""}};
  static const std::vector<Column> deploy = {{"Name", "string", 0, ""}, {"Ready", "string", 0, ""},
                                             {"Up-to-date", "string", 0, ""}, {"Available", "string", 0, ""},
                                             {"Age", "string", 0, ""}};
  static const std::vector<Column> kv = {{"Name", "string", 0, ""}, {"Age", "date", 0, ""}, {"Phase", "string", 0, ""}};
  static const std::vector<Column> vm = {{"Name", "string", 0, ""}, {"Age", "date", 0, ""}, {"Status", "string", 0, ""},
                                         {"Ready", "string", 0, ""}};
  static const std::vector<Column> vmi = {{"Name", "string", 0, ""},     {"Age", "date", 0, ""},
                                          {"Phase", "string", 0, ""},    {"IP", "string", 0, ""},
                                          {"NodeName", "string", 0, ""}, {"Ready", "string", 0, ""},
                                          {"Live-Migratable", "string", 1, ""}, {"Paused", "string", 1, ""}};
  static const std::vector<Column> vmim = {{"Name", "string", 0, ""}, {"Phase", "string", 0, ""}, {"VMI", "string", 0, ""}};
  const std::string& p = r.plural;
  if (p == "namespaces") return ns;
  if (p == "nodes") return nodes;
  if (p == "pods") return pods;
  if (p == "events") return events;
  if (p == "poddisruptionbudgets") return pdbs;
  if (p == "deployments") return deploy;
  if (p == "kubevirts") return kv;
  if (p == "virtualmachines") return vm;
  if (p == "virtualmachineinstances") return vmi;
  if (p == "virtualmachineinstancemigrations") return vmim;
  return def;
}

json cells(const ResourceInfo& r, const json& o) {
  const std::string& p = r.plural;
  const std::string name = str(o, "/metadata/name");
  if (p == "namespaces") return {name, str(o, "/status/phase"), age(o)};
  if (p == "nodes") {
    std::string status = condition(o, "Ready") == "True" ? "Ready" : "NotReady";
    if (str(o, "/spec/unschedulable") == "true") status += ",SchedulingDisabled";
    std::string roles;
    if (o.contains("/metadata/labels"_json_pointer))
      for (auto& [k, v] : o["metadata"]["labels"].items())
        if (k.rfind("node-role.kubernetes.io/", 0) == 0) roles += (roles.empty() ? "" : ",") + k.substr(24);
    std::string ip;
    if (o.contains("/status/addresses"_json_pointer))
      for (const auto& a : o["status"]["addresses"])
        if (a.value("type", "") == "InternalIP") ip = a.value("address", "");
    return {name, status, orNone(roles), age(o), str(o, "/status/nodeInfo/kubeletVersion"), orNone(ip)};
  }
  if (p == "pods") {
    int total = o.contains("/spec/containers"_json_pointer) ? static_cast<int>(o["spec"]["containers"].size()) : 0;
    int ready = 0;
    long restarts = 0;
    if (o.contains("/status/containerStatuses"_json_pointer))
      for (const auto& cs : o["status"]["containerStatuses"]) {
        if (cs.value("ready", false)) ++ready;
        restarts += cs.value("restartCount", 0L);
      }
    std::string status = str(o, "/status/phase");
    if (!str(o, "/status/reason").empty()) status = str(o, "/status/reason");
    if (o["metadata"].contains("deletionTimestamp")) status = "Terminating";
    return {name, std::to_string(ready) + "/" + std::to_string(total), status, restarts, age(o),
            orNone(str(o, "/status/podIP")), orNone(str(o, "/spec/nodeName")),
            orNone(str(o, "/status/nominatedNodeName")), "<none>"};
  }
  if (p == "events") {
    std::string last = str(o, "/lastTimestamp").empty() ? age(o) : age(o, "/lastTimestamp");
    return {last, str(o, "/type"), str(o, "/reason"),
            [&] {
              std::string k = str(o, "/involvedObject/kind");
              for (auto& ch : k) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
              return k + "/" + str(o, "/involvedObject/name");
            }(),
            str(o, "/message")};
  }
  if (p == "poddisruptionbudgets")
    return {name, orNone(str(o, "/spec/minAvailable")) == "<none>" ? "N/A" : str(o, "/spec/minAvailable"),
            str(o, "/spec/maxUnavailable").empty() ? "N/A" : str(o, "/spec/maxUnavailable"),
            o.value("/status/disruptionsAllowed"_json_pointer, 0), age(o)};
  if (p == "deployments") {
    long want = o.value("/spec/replicas"_json_pointer, 1L);
    return {name, std::to_string(o.value("/status/readyReplicas"_json_pointer, 0L)) + "/" + std::to_string(want),
            o.value("/status/updatedReplicas"_json_pointer, 0L), o.value("/status/availableReplicas"_json_pointer, 0L),
            age(o)};
  }
  if (p == "kubevirts") return {name, age(o), str(o, "/status/phase")};
  if (p == "virtualmachines") return {name, age(o), str(o, "/status/printableStatus"), condition(o, "Ready")};
  if (p == "virtualmachineinstances")
    return {name, age(o), str(o, "/status/phase"), str(o, "/status/interfaces/0/ipAddress"), str(o, "/status/nodeName"),
            condition(o, "Ready"), condition(o, "LiveMigratable"), condition(o, "Paused")};
  if (p == "virtualmachineinstancemigrations") return {name, str(o, "/status/phase"), str(o, "/spec/vmiName")};
  return {name, age(o)};
}

}  // namespace

std::string humanDuration(long s) {
  if (s < 0) s = 0;
  auto fmt = [](long a, const char* ua, long b, const char* ub) {
    return b ? std::to_string(a) + ua + std::to_string(b) + ub : std::to_string(a) + ua;
  };
  if (s < 120) return std::to_string(s) + "s";
  long m = s / 60;
  if (m < 10) return fmt(m, "m", s % 60, "s");
  if (m < 180) return std::to_string(m) + "m";
  long h = m / 60;
  if (h < 8) return fmt(h, "h", m % 60, "m");
  if (h < 48) return std::to_string(h) + "h";
  if (h < 24 * 8) return fmt(h / 24, "d", h % 24, "h");
  if (h < 24 * 365 * 2) return std::to_string(h / 24) + "d";
  if (h < 24 * 365 * 8) return fmt(h / 24 / 365, "y", (h / 24) % 365, "d");
  return std::to_string(h / 24 / 365) + "y";
}

bool wantsTable(const httplib::Request& req) {
  return req.get_header_value("Accept").find("as=Table") != std::string::npos;
}

std::string renderTable(const ResourceInfo& r, const std::vector<ObjPtr>& items, const std::string& resourceVersion,
                        const std::string& continueToken, std::optional<int64_t> remaining,
                        const std::string& includeObject, bool includeColumns) {
  const bool fullObject = includeObject == "Object";
  const bool noObject = includeObject == "None";
  nlohmann::ordered_json t;
  t["kind"] = "Table";
  t["apiVersion"] = "meta.k8s.io/v1";
  t["metadata"] = {{"resourceVersion", resourceVersion}};
  if (!continueToken.empty()) {
    t["metadata"]["continue"] = continueToken;
    if (remaining) t["metadata"]["remainingItemCount"] = *remaining;
  }
  nlohmann::ordered_json cols = nlohmann::ordered_json::array();
  for (const auto& c : columnsFor(r)) {
    nlohmann::ordered_json col;
    col["name"] = c.name;
    col["type"] = c.type;
    col["format"] = std::string(c.name) == "Name" ? "name" : "";
    col["description"] = c.description;
    col["priority"] = c.priority;
    cols.push_back(col);
  }
  if (!includeColumns) cols = nlohmann::ordered_json::array();
  t["columnDefinitions"] = cols;
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  for (const auto& item : items) {
    json o = item->parse();
    nlohmann::ordered_json row;
    row["cells"] = cells(r, o);
    if (fullObject) {
      row["object"] = o;
    } else if (!noObject) {
      row["object"] = {{"kind", "PartialObjectMetadata"}, {"apiVersion", "meta.k8s.io/v1"}, {"metadata", o["metadata"]}};
    }
    rows.push_back(row);
  }
  t["rows"] = rows;
  return t.dump();
}

}  // namespace sim

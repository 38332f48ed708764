#include "migration_history.hpp"

#include <algorithm>
#include <vector>

#include "sim_clock.hpp"

namespace sim {

using nlohmann::json;

namespace {
json stamp(const std::string& phase) {
  auto now = simNow();
  double t = std::chrono::duration<double>(now.time_since_epoch()).count();
  return {{"phase", phase}, {"time", rfc3339Millis(now)}, {"t", t}};
}
}  // namespace

void MigrationHistory::observe(const StoreEvent& ev) {
  if (ev.resource->plural != "virtualmachineinstancemigrations") return;
  const json o = ev.object->parse();
  const std::string uid = ev.object->uid;
  std::lock_guard lk(mu_);
  auto [it, added] = byUid_.try_emplace(uid);
  Entry& e = it->second;
  if (added) {
    e.seq = ++seq_;
    const json& md = o["metadata"];
    json ann = md.value("annotations", json::object());
    e.item = {{"namespace", md.value("namespace", "")},
              {"name", md.value("name", "")},
              {"uid", uid},
              {"vmiName", o.value("/spec/vmiName"_json_pointer, "")},
              {"priority", o.value("/spec/priority"_json_pointer, "")},
              {"workloadUpdate", ann.contains("kubevirt.io/workloadUpdateMigration")},
              {"evacuation", ann.contains("kubevirt.io/evacuationMigration")},
              {"created", stamp("")["time"]},
              {"sourceNode", ""},
              {"targetNode", ""},
              {"phases", json::array()}};
  }
  if (ev.type == EventType::Deleted) {
    e.item["deleted"] = stamp("")["time"];
    return;
  }
  const std::string phase = o.value("/status/phase"_json_pointer, "");
  json& phases = e.item["phases"];
  if (phases.empty() || phases.back()["phase"] != phase) phases.push_back(stamp(phase));
  if (o.contains("/status/migrationState/failureReason"_json_pointer))
    e.item["failureReason"] = o["status"]["migrationState"]["failureReason"];
}

void MigrationHistory::noteNodes(const std::string& uid, const std::string& source, const std::string& target) {
  std::lock_guard lk(mu_);
  auto it = byUid_.find(uid);
  if (it == byUid_.end()) return;
  it->second.item["sourceNode"] = source;
  it->second.item["targetNode"] = target;
}

json MigrationHistory::snapshot() const {
  std::vector<const Entry*> entries;
  std::lock_guard lk(mu_);
  for (const auto& [_, e] : byUid_) entries.push_back(&e);
  std::sort(entries.begin(), entries.end(), [](const Entry* a, const Entry* b) { return a->seq < b->seq; });
  json items = json::array();
  for (const Entry* e : entries) items.push_back(e->item);
  auto now = simNow();
  return {{"now", rfc3339Millis(now)},
          {"t", std::chrono::duration<double>(now.time_since_epoch()).count()},
          {"timeScale", simClock().scale()},
          {"items", items}};
}

}  // namespace sim

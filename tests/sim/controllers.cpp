#include "controllers.hpp"

#include "ids.hpp"
#include "sim_clock.hpp"
#include "services.hpp"
#include "status_errors.hpp"

namespace sim {

using nlohmann::json;

void ControllerLoop::add(std::unique_ptr<Controller> c) { controllers_.push_back(std::move(c)); }

void ControllerLoop::start() {
  s_.store.addHook([this](const StoreEvent& ev) {
    for (auto& c : controllers_) c->observe(ev);
  });
  s_.controllerRound = &round_;
  thread_ = std::thread([this] {
    std::unique_lock lk(mu_);
    while (!stop_) {
      cv_.wait_for(lk, interval_, [&] { return stop_; });
      if (stop_) break;
      lk.unlock();
      {
        std::lock_guard round(round_);
        for (auto& c : controllers_) {
          try {
            c->tick(s_, simNow());
          } catch (const std::exception&) {
            // A conflicting write by a client; the next tick retries.
          }
        }
      }
      lk.lock();
    }
  });
}

void ControllerLoop::stop() {
  {
    std::lock_guard lk(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void TerminationController::observe(const StoreEvent& ev) {
  if (ev.type == EventType::Deleted) return;
  const auto& r = *ev.resource;
  const bool relevant = r.plural == "pods" || r.plural == "virtualmachineinstancemigrations" || r.plural == "namespaces";
  const bool deleting = ev.object->raw.find("\"deletionTimestamp\"") != std::string::npos ||
                        (r.plural == "namespaces" && ev.object->raw.find("\"phase\":\"Terminating\"") != std::string::npos);
  if (!relevant || !deleting) return;
  std::lock_guard lk(mu_);
  pending_.emplace(&r, ev.object->ns, ev.object->name);
}

void TerminationController::tick(Services& s, std::chrono::system_clock::time_point now) {
  std::set<Key> work;
  {
    std::lock_guard lk(mu_);
    work.swap(pending_);
  }
  std::set<Key> retry;
  for (const auto& key : work) {
    const auto& [r, ns, name] = key;
    ObjPtr cur = s.store.get(*r, ns, name);
    if (!cur) continue;
    json o = cur->parse();
    const json& md = o["metadata"];
    if (!md.contains("deletionTimestamp") && r->plural != "namespaces") continue;
    try {
      if (r->plural == "pods") {
        std::chrono::system_clock::time_point due;
        if (parseRfc3339(md["deletionTimestamp"].get<std::string>(), due) && now < due) {
          retry.insert(key);
          continue;
        }
        if (md.contains("finalizers") && !md["finalizers"].empty()) {
          // Grace over, finalizers pending: the object goes once they are removed.
          s.store.modify(*r, ns, name, [](json& p) { p["metadata"]["deletionGracePeriodSeconds"] = 0; }, false);
          continue;
        }
        s.store.remove(*r, ns, name, false);
      } else if (r->plural == "virtualmachineinstancemigrations") {
        // virt-controller first fails an unfinished migration (aborting it), then lets it go.
        const std::string phase = o.value("/status/phase"_json_pointer, "");
        auto knobs = s.knobs.snapshot();
        const bool frozen = knobs.contains("kubevirtControllers") && knobs["kubevirtControllers"] == false;
        if (!frozen && phase != "Succeeded" && phase != "Failed") {
          retry.insert(key);
          continue;
        }
        s.store.modify(*r, ns, name, [](json& m) {
          json& f = m["metadata"]["finalizers"];
          if (!f.is_array()) return;
          f.erase(std::remove(f.begin(), f.end(), "kubevirt.io/migrationJobFinalize"), f.end());
        }, false);
      } else if (r->plural == "namespaces") {
        bool empty = true;
        for (const auto& res : resourceTable()) {
          if (!res.namespaced || res.createOnly) continue;
          Store::ListQuery q;
          q.ns = name;
          q.limit = 1;
          if (!s.store.list(res, q).items.empty()) empty = false;
        }
        if (empty) s.store.remove(*r, "", name, false);
        else retry.insert(key);
      }
    } catch (const ApiError&) {
      retry.insert(key);
    }
  }
  if (!retry.empty()) {
    std::lock_guard lk(mu_);
    pending_.insert(retry.begin(), retry.end());
  }
}

}  // namespace sim

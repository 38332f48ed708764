// Controllers: cluster behaviour over time. Each sees every committed store
// change (observe, called synchronously and kept cheap) and is ticked
// periodically from one loop thread (tick does the work). Later KubeVirt
// models (migration progress, workload updater) plug in here.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <tuple>
#include <vector>

#include "store.hpp"

namespace sim {

struct Services;

class Controller {
 public:
  virtual ~Controller() = default;
  virtual const char* name() const = 0;
  virtual void observe(const StoreEvent&) {}
  virtual void tick(Services& s, std::chrono::system_clock::time_point now) = 0;
};

class ControllerLoop {
 public:
  explicit ControllerLoop(Services& s, std::chrono::milliseconds interval) : s_(s), interval_(interval) {}
  ~ControllerLoop() { stop(); }
  void add(std::unique_ptr<Controller> c);
  void start();  // registers the store hook and starts ticking
  void stop();

 private:
  Services& s_;
  std::chrono::milliseconds interval_;
  std::vector<std::unique_ptr<Controller>> controllers_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::mutex round_;  // Services::controllerRound
};

// Finishes deletions the real cluster's other components would finish:
// pods whose grace period ran out (kubelet), VMIMs' kubevirt.io/migrationJobFinalize
// finalizer (virt-controller), and Terminating namespaces once empty.
class TerminationController : public Controller {
 public:
  const char* name() const override { return "termination"; }
  void observe(const StoreEvent& ev) override;
  void tick(Services& s, std::chrono::system_clock::time_point now) override;

 private:
  using Key = std::tuple<const ResourceInfo*, std::string, std::string>;
  std::mutex mu_;
  std::set<Key> pending_;
};

}  // namespace sim

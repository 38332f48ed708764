// The object store: every object as its compact JSON serialisation plus the
// few indexed fields selectors need, ordered by "namespace/name" for stable
// pagination. One global resourceVersion counter; a bounded event history for
// watches and consistent paginated lists (older snapshots answer 410).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <shared_mutex>
#include <string>
#include <vector>

#include "resources.hpp"
#include "selectors.hpp"

namespace sim {

struct StoredObject {
  std::string raw;  // compact JSON, served verbatim
  std::string key;  // "ns/name" or "name"
  std::string ns;
  std::string name;
  std::string uid;
  uint64_t rv = 0;
  Labels labels;
  std::map<std::string, std::string> fields;  // selectable field values

  // The object as JSON. A stored object never changes (a write stores a new one), and the controllers
  // read the same VMIMs, pods and VMIs on every tick: it is parsed once, on first use, and kept.
  const nlohmann::json& doc() const {
    std::call_once(parsed_once_, [this] {
      parsed_ = nlohmann::json::parse(raw);
      parsed_ready_.store(true, std::memory_order_release);
    });
    return parsed_;
  }
  // A copy: parsed afresh unless a doc() caller already keeps it (the whole store parsed and kept would
  // triple the simulator's memory at 50,000 VMIs).
  nlohmann::json parse() const {
    if (parsed_ready_.load(std::memory_order_acquire)) return parsed_;
    return nlohmann::json::parse(raw);
  }

 private:
  mutable std::once_flag parsed_once_;
  mutable nlohmann::json parsed_;
  mutable std::atomic<bool> parsed_ready_{false};
};
using ObjPtr = std::shared_ptr<const StoredObject>;

enum class EventType { Added, Modified, Deleted };
const char* eventTypeName(EventType t);

struct StoreEvent {
  uint64_t rv;
  EventType type;
  const ResourceInfo* resource;
  ObjPtr object;    // state after the change (the last state for Deleted)
  ObjPtr previous;  // state before the change (null for Added)
};

// Thrown when a requested snapshot is older than the retained history.
struct TooOldError {
  uint64_t requested;
  uint64_t oldest;  // oldest resourceVersion still servable
};

class Store {
 public:
  explicit Store(size_t historyLimit, uint64_t uidSeed);

  // ---- reads ----
  ObjPtr get(const ResourceInfo& r, const std::string& ns, const std::string& name) const;
  uint64_t currentRV() const;
  uint64_t oldestServableRV() const;  // watches / snapshots from an older RV get 410

  struct ListQuery {
    std::string ns;  // empty = all namespaces
    const LabelSelector* labels = nullptr;
    const FieldSelector* fields = nullptr;
    size_t limit = 0;         // 0 = no limit
    std::string afterKey;     // continue: strictly after this key
    uint64_t snapshotRV = 0;  // 0 = current state
  };
  struct ListResult {
    std::vector<ObjPtr> items;
    uint64_t rv = 0;  // the snapshot served
    std::string lastKey;
    bool more = false;
    std::optional<int64_t> remaining;  // only without selectors, like the API server
  };
  // Throws TooOldError when snapshotRV is older than the history.
  ListResult list(const ResourceInfo& r, const ListQuery& q) const;
  // Convenience: every object of a resource (optionally in one namespace), parsed.
  std::vector<nlohmann::json> all(const ResourceInfo& r, const std::string& ns = "") const;

  // ---- writes (each is atomic; ApiError from callbacks propagates, nothing stored) ----
  // Adds uid/creationTimestamp when absent; 409 AlreadyExists when the key is taken.
  ObjPtr create(const ResourceInfo& r, nlohmann::json obj, bool dryRun);
  // Read-modify-write. fn edits the object in place. An unchanged object is not
  // rewritten (no new resourceVersion). If the result carries deletionTimestamp,
  // no finalizers and no running grace period, the object is removed. 404 when missing.
  using Mutator = std::function<void(nlohmann::json& obj)>;
  ObjPtr modify(const ResourceInfo& r, const std::string& ns, const std::string& name, const Mutator& fn,
                bool dryRun);
  // Delete: with finalizers only sets deletionTimestamp; else removes. The returned
  // object is the final state; removed tells which happened. check runs first, under the lock.
  struct DeleteResult {
    ObjPtr object;
    bool removed = false;
  };
  DeleteResult remove(const ResourceInfo& r, const std::string& ns, const std::string& name, bool dryRun,
                      const std::function<void(const nlohmann::json&)>& check = nullptr);
  // Scenario loading: create or replace, keeping uid/creationTimestamp from the input.
  ObjPtr upsert(const ResourceInfo& r, nlohmann::json obj);

  // ---- change notification ----
  // Hooks run after every committed change, outside the store lock (controllers, audit of side effects).
  void addHook(std::function<void(const StoreEvent&)> hook);
  // Events for r (all resources when r is null) with rv > after. Throws TooOldError.
  std::vector<StoreEvent> eventsSince(uint64_t after, const ResourceInfo* r) const;
  // Blocks until currentRV() > after or the timeout passes; returns currentRV() > after.
  bool waitForChange(uint64_t after, std::chrono::milliseconds timeout) const;
  // Wakes all waiters (shutdown).
  void wakeAll() const;

  std::string newUid();
  std::string newSuffix();

 private:
  using Bucket = std::map<std::string, ObjPtr>;
  ObjPtr makeStored(const ResourceInfo& r, nlohmann::json& obj, uint64_t rv) const;
  void commit(StoreEvent ev, std::vector<StoreEvent>& fired);
  void fire(const std::vector<StoreEvent>& fired);
  const Bucket* bucket(const ResourceInfo& r) const;

  mutable std::shared_mutex mu_;
  std::map<const ResourceInfo*, Bucket> data_;
  std::deque<StoreEvent> history_;
  size_t historyLimit_;
  uint64_t rv_ = 1;          // last issued resourceVersion
  uint64_t compactedRV_ = 0; // newest rv dropped from history

  mutable std::mutex waitMu_;
  mutable std::condition_variable waitCv_;

  std::mutex hookMu_;
  std::vector<std::function<void(const StoreEvent&)>> hooks_;

  std::mutex rngMu_;
  std::mt19937_64 rng_;
};

std::string objectKey(const ResourceInfo& r, const std::string& ns, const std::string& name);

}  // namespace sim

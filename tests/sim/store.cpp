#include "store.hpp"

#include <algorithm>

#include "ids.hpp"
#include "status_errors.hpp"

namespace sim {

using nlohmann::json;

const char* eventTypeName(EventType t) {
  switch (t) {
    case EventType::Added: return "ADDED";
    case EventType::Modified: return "MODIFIED";
    case EventType::Deleted: return "DELETED";
  }
  return "";
}

std::string objectKey(const ResourceInfo& r, const std::string& ns, const std::string& name) {
  return r.namespaced ? ns + "/" + name : name;
}

Store::Store(size_t historyLimit, uint64_t uidSeed) : historyLimit_(std::max<size_t>(historyLimit, 1)), rng_(uidSeed) {}

std::string Store::newUid() {
  std::lock_guard lk(rngMu_);
  return makeUid(rng_);
}

std::string Store::newSuffix() {
  std::lock_guard lk(rngMu_);
  return nameSuffix(rng_);
}

ObjPtr Store::makeStored(const ResourceInfo& r, json& obj, uint64_t rv) const {
  auto s = std::make_shared<StoredObject>();
  auto& md = obj["metadata"];
  if (rv) md["resourceVersion"] = std::to_string(rv);
  else md.erase("resourceVersion");
  s->rv = rv;
  s->name = md.value("name", "");
  s->ns = r.namespaced ? md.value("namespace", "") : "";
  s->uid = md.value("uid", "");
  s->key = objectKey(r, s->ns, s->name);
  if (auto it = md.find("labels"); it != md.end() && it->is_object())
    for (auto& [k, v] : it->items())
      if (v.is_string()) s->labels[k] = v.get<std::string>();
  s->fields = selectableFieldValues(obj, r);
  s->raw = obj.dump();
  return s;
}

const Store::Bucket* Store::bucket(const ResourceInfo& r) const {
  auto it = data_.find(&r);
  return it == data_.end() ? nullptr : &it->second;
}

ObjPtr Store::get(const ResourceInfo& r, const std::string& ns, const std::string& name) const {
  std::shared_lock lk(mu_);
  const Bucket* b = bucket(r);
  if (!b) return nullptr;
  auto it = b->find(objectKey(r, ns, name));
  return it == b->end() ? nullptr : it->second;
}

uint64_t Store::currentRV() const {
  std::shared_lock lk(mu_);
  return rv_;
}

uint64_t Store::oldestServableRV() const {
  std::shared_lock lk(mu_);
  return compactedRV_;
}

Store::ListResult Store::list(const ResourceInfo& r, const ListQuery& q) const {
  std::shared_lock lk(mu_);
  ListResult res;
  uint64_t snap = q.snapshotRV == 0 || q.snapshotRV > rv_ ? rv_ : q.snapshotRV;
  if (snap < compactedRV_) throw TooOldError{snap, compactedRV_};
  res.rv = snap;

  // State at the snapshot of every key changed after it: the "previous" of its
  // earliest later event (null = did not exist then).
  std::map<std::string, ObjPtr> overrides;
  if (snap < rv_) {
    auto first = std::upper_bound(history_.begin(), history_.end(), snap,
                                  [](uint64_t v, const StoreEvent& e) { return v < e.rv; });
    for (auto it = first; it != history_.end(); ++it)
      if (it->resource == &r) overrides.try_emplace(it->object->key, it->previous);
  }

  static const Bucket kEmpty;
  const Bucket* b = bucket(r);
  if (!b) b = &kEmpty;
  const std::string prefix = r.namespaced && !q.ns.empty() ? q.ns + "/" : "";
  const std::string& from = q.afterKey > prefix ? q.afterKey : prefix;
  const bool exclusive = !q.afterKey.empty() && q.afterKey >= prefix;
  auto ci = exclusive ? b->upper_bound(from) : b->lower_bound(from);
  auto oi = exclusive ? overrides.upper_bound(from) : overrides.lower_bound(from);
  const bool filtered = (q.labels && !q.labels->empty()) || (q.fields && !q.fields->empty());
  int64_t remaining = 0;

  while (ci != b->end() || oi != overrides.end()) {
    const std::string* key;
    ObjPtr state;
    if (oi == overrides.end() || (ci != b->end() && ci->first < oi->first)) {
      key = &ci->first;
      state = ci->second;
      ++ci;
    } else {
      if (ci != b->end() && ci->first == oi->first) ++ci;
      key = &oi->first;
      state = oi->second;
      ++oi;
    }
    if (!prefix.empty() && key->compare(0, prefix.size(), prefix) != 0) break;
    if (!state) continue;
    if (q.labels && !q.labels->matches(state->labels)) continue;
    if (q.fields && !q.fields->matches(state->fields)) continue;
    if (q.limit && res.items.size() >= q.limit) {
      res.more = true;
      if (filtered) break;  // the API server does not count remaining items under selectors
      ++remaining;
      continue;
    }
    res.items.push_back(state);
    res.lastKey = *key;
  }
  if (res.more && !filtered) res.remaining = remaining;
  return res;
}

std::vector<json> Store::all(const ResourceInfo& r, const std::string& ns) const {
  ListQuery q;
  q.ns = ns;
  auto res = list(r, q);
  std::vector<json> out;
  out.reserve(res.items.size());
  for (auto& o : res.items) out.push_back(o->parse());
  return out;
}

void Store::commit(StoreEvent ev, std::vector<StoreEvent>& fired) {
  history_.push_back(ev);
  while (history_.size() > historyLimit_) {
    compactedRV_ = history_.front().rv;
    history_.pop_front();
  }
  fired.push_back(std::move(ev));
}

void Store::fire(const std::vector<StoreEvent>& fired) {
  if (fired.empty()) return;
  {
    std::lock_guard lk(waitMu_);
  }
  waitCv_.notify_all();
  std::vector<std::function<void(const StoreEvent&)>> hooks;
  {
    std::lock_guard lk(hookMu_);
    hooks = hooks_;
  }
  for (const auto& ev : fired)
    for (const auto& h : hooks) h(ev);
}

ObjPtr Store::create(const ResourceInfo& r, json obj, bool dryRun) {
  std::vector<StoreEvent> fired;
  ObjPtr out;
  {
    auto& md = obj["metadata"];
    if (!md.contains("uid")) md["uid"] = newUid();
    if (!md.contains("creationTimestamp")) md["creationTimestamp"] = nowRfc3339();
    std::unique_lock lk(mu_);
    Bucket& b = data_[&r];
    const std::string key = objectKey(r, md.value("namespace", ""), md.value("name", ""));
    if (b.count(key)) throw alreadyExists(r, md.value("name", ""));
    if (dryRun) return makeStored(r, obj, 0);
    uint64_t rv = ++rv_;
    out = makeStored(r, obj, rv);
    b[key] = out;
    commit({rv, EventType::Added, &r, out, nullptr}, fired);
  }
  fire(fired);
  return out;
}

ObjPtr Store::upsert(const ResourceInfo& r, json obj) {
  std::vector<StoreEvent> fired;
  ObjPtr out;
  {
    auto& md = obj["metadata"];
    if (!md.contains("uid")) md["uid"] = newUid();
    if (!md.contains("creationTimestamp")) md["creationTimestamp"] = nowRfc3339();
    std::unique_lock lk(mu_);
    Bucket& b = data_[&r];
    const std::string key = objectKey(r, md.value("namespace", ""), md.value("name", ""));
    auto it = b.find(key);
    ObjPtr prev = it == b.end() ? nullptr : it->second;
    uint64_t rv = ++rv_;
    out = makeStored(r, obj, rv);
    b[key] = out;
    commit({rv, prev ? EventType::Modified : EventType::Added, &r, out, prev}, fired);
  }
  fire(fired);
  return out;
}

ObjPtr Store::modify(const ResourceInfo& r, const std::string& ns, const std::string& name, const Mutator& fn,
                     bool dryRun) {
  std::vector<StoreEvent> fired;
  ObjPtr out;
  {
    std::unique_lock lk(mu_);
    Bucket& b = data_[&r];
    const std::string key = objectKey(r, ns, name);
    auto it = b.find(key);
    if (it == b.end()) throw notFound(r, name);
    ObjPtr cur = it->second;
    const json before = cur->parse();
    json obj = before;
    fn(obj);
    obj["metadata"]["resourceVersion"] = std::to_string(cur->rv);
    if (obj == before) return cur;
    const auto& md = obj["metadata"];
    const bool finalizersLeft = md.contains("finalizers") && md["finalizers"].is_array() && !md["finalizers"].empty();
    // Gone once deletion is requested, no finalizer is left and no grace period runs (kubelet's part).
    const bool graceRunning = md.contains("deletionGracePeriodSeconds") && md["deletionGracePeriodSeconds"].is_number() &&
                              md["deletionGracePeriodSeconds"].get<double>() > 0;
    const bool removeNow = md.contains("deletionTimestamp") && !finalizersLeft && !graceRunning;
    if (dryRun) return makeStored(r, obj, cur->rv);
    uint64_t rv = ++rv_;
    out = makeStored(r, obj, rv);
    if (removeNow) {
      b.erase(it);
      commit({rv, EventType::Deleted, &r, out, cur}, fired);
    } else {
      it->second = out;
      commit({rv, EventType::Modified, &r, out, cur}, fired);
    }
  }
  fire(fired);
  return out;
}

Store::DeleteResult Store::remove(const ResourceInfo& r, const std::string& ns, const std::string& name, bool dryRun,
                                  const std::function<void(const json&)>& check) {
  std::vector<StoreEvent> fired;
  DeleteResult res;
  {
    std::unique_lock lk(mu_);
    Bucket& b = data_[&r];
    auto it = b.find(objectKey(r, ns, name));
    if (it == b.end()) throw notFound(r, name);
    ObjPtr cur = it->second;
    json obj = cur->parse();
    if (check) check(obj);
    auto& md = obj["metadata"];
    const bool hasFinalizers = md.contains("finalizers") && md["finalizers"].is_array() && !md["finalizers"].empty();
    if (hasFinalizers) {
      if (md.contains("deletionTimestamp")) return {cur, false};
      md["deletionTimestamp"] = nowRfc3339();
      md["deletionGracePeriodSeconds"] = 0;
      if (dryRun) return {makeStored(r, obj, cur->rv), false};
      uint64_t rv = ++rv_;
      res.object = makeStored(r, obj, rv);
      it->second = res.object;
      commit({rv, EventType::Modified, &r, res.object, cur}, fired);
    } else {
      res.removed = true;
      if (dryRun) return {cur, true};
      uint64_t rv = ++rv_;
      res.object = makeStored(r, obj, rv);
      b.erase(it);
      commit({rv, EventType::Deleted, &r, res.object, cur}, fired);
    }
  }
  fire(fired);
  return res;
}

void Store::addHook(std::function<void(const StoreEvent&)> hook) {
  std::lock_guard lk(hookMu_);
  hooks_.push_back(std::move(hook));
}

std::vector<StoreEvent> Store::eventsSince(uint64_t after, const ResourceInfo* r) const {
  std::shared_lock lk(mu_);
  if (after < compactedRV_) throw TooOldError{after, compactedRV_};
  std::vector<StoreEvent> out;
  auto first = std::upper_bound(history_.begin(), history_.end(), after,
                                [](uint64_t v, const StoreEvent& e) { return v < e.rv; });
  for (auto it = first; it != history_.end(); ++it)
    if (!r || it->resource == r) out.push_back(*it);
  return out;
}

bool Store::waitForChange(uint64_t after, std::chrono::milliseconds timeout) const {
  std::unique_lock lk(waitMu_);
  waitCv_.wait_for(lk, timeout, [&] { return currentRV() > after; });
  return currentRV() > after;
}

void Store::wakeAll() const {
  {
    std::lock_guard lk(waitMu_);
  }
  waitCv_.notify_all();
}

}  // namespace sim

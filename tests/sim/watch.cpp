#include "watch.hpp"

#include <chrono>
#include <memory>

#include "hostile.hpp"
#include "http_util.hpp"
#include "services.hpp"
#include "status_errors.hpp"
#include "table.hpp"

namespace sim {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

struct WatchState {
  const ResourceInfo* resource;
  std::string ns;
  LabelSelector labels;
  FieldSelector fields;
  bool sendInitial = false;  // no resourceVersion: start with ADDED for every current object
  bool initialEventsEnd = false;  // sendInitialEvents=true: mark the end of them with a bookmark
  uint64_t cursor = 0;       // last global resourceVersion delivered or scanned
  bool bookmarks = false;
  Clock::time_point deadline;
  long closeAfterEvents = 0;
  bool expire = false;
  int fd = -1;
  long sent = 0;
  bool table = false;         // events carry meta.k8s.io Tables (kubectl get -w)
  std::string includeObject;  // for tables
  bool columnsSent = false;
  std::string corrupt;        // a fault's hostile.hpp kind: the next ADDED/MODIFIED/DELETED object carries it
};

bool matches(const WatchState& w, const ObjPtr& o) {
  if (!o) return false;
  if (!w.ns.empty() && o->ns != w.ns) return false;
  return w.labels.matches(o->labels) && w.fields.matches(o->fields);
}

std::string eventLine(const char* type, const std::string& objectJson) {
  std::string line;
  line.reserve(objectJson.size() + 32);
  line += "{\"type\":\"";
  line += type;
  line += "\",\"object\":";
  line += objectJson;
  line += "}\n";
  return line;
}

std::string expiredLine(uint64_t requested, uint64_t oldest) {
  ApiError e(410, "Expired",
             "too old resource version: " + std::to_string(requested) + " (" + std::to_string(oldest) + ")");
  return eventLine("ERROR", e.toStatus().dump());
}

}  // namespace

void serveWatch(Services& s, Call& c) {
  auto w = std::make_shared<WatchState>();
  w->resource = c.info.resource;
  w->ns = c.info.ns;
  std::string fieldSel = param(c.req, "fieldSelector");
  if (!c.info.name.empty())  // legacy /watch/.../<name>
    fieldSel = (fieldSel.empty() ? "" : fieldSel + ",") + "metadata.name=" + c.info.name;
  try {
    w->labels = LabelSelector::parse(param(c.req, "labelSelector"));
    w->fields = FieldSelector::parse(fieldSel, *c.info.resource);
  } catch (const std::invalid_argument& e) {
    throw badRequest(e.what());
  }
  const std::string rv = param(c.req, "resourceVersion");
  if (param(c.req, "sendInitialEvents") == "true") {
    // Streaming list (WatchList): initial state, then a bookmark annotated k8s.io/initial-events-end.
    if (param(c.req, "allowWatchBookmarks") != "true" || param(c.req, "resourceVersionMatch") != "NotOlderThan")
      throw invalid(*c.info.resource, "",
                    {{"FieldValueForbidden", "sendInitialEvents requires allowWatchBookmarks=true and "
                                             "resourceVersionMatch=NotOlderThan", "sendInitialEvents"}});
    w->sendInitial = true;
    w->initialEventsEnd = true;
  } else if (rv.empty() || rv == "0") {
    w->sendInitial = true;
  } else {
    char* end = nullptr;
    w->cursor = std::strtoull(rv.c_str(), &end, 10);
    if (*end != '\0') throw badRequest("invalid resource version: " + rv);
    // A version from the future: wait briefly for it, then 504 like the watch cache.
    const auto until = Clock::now() + std::chrono::seconds(3);
    while (s.store.currentRV() < w->cursor && Clock::now() < until)
      s.store.waitForChange(s.store.currentRV(), std::chrono::milliseconds(100));
    if (s.store.currentRV() < w->cursor)
      throw ApiError(504, "Timeout",
                     "Timeout: Too large resource version: " + rv + ", current: " + std::to_string(s.store.currentRV()),
                     json{{"causes", {{{"reason", "ResourceVersionTooLarge"}, {"message", "Too large resource version"}}}},
                          {"retryAfterSeconds", 1}});
  }
  w->bookmarks = param(c.req, "allowWatchBookmarks") == "true";
  long timeout = 1800;  // like --min-request-timeout
  if (const std::string t = param(c.req, "timeoutSeconds"); !t.empty()) timeout = std::max(0L, std::atol(t.c_str()));
  WatchFaultPlan plan = s.faults.watchPlan();
  double limitSeconds = static_cast<double>(timeout);
  if (plan.closeAfterSeconds > 0) limitSeconds = std::min(limitSeconds, plan.closeAfterSeconds);
  w->deadline = Clock::now() + std::chrono::milliseconds(static_cast<long>(limitSeconds * 1000));
  w->closeAfterEvents = plan.closeAfterEvents;
  w->expire = plan.expire;
  w->fd = connectionFd(c.req);
  w->table = wantsTable(c.req);
  w->includeObject = param(c.req, "includeObject");
  w->corrupt = c.corrupt;
  if (plan.expire || plan.closeAfterEvents || plan.closeAfterSeconds > 0)
    c.audit["injectedFault"] = plan.expire ? "watch-expire" : "watch-close";

  Services* sp = &s;
  const std::chrono::seconds bookmarkEvery = s.bookmarkInterval;
  c.res.status = 200;
  // ";stream=watch" keeps httplib from gzip-buffering the stream; Go clients accept it.
  c.res.set_chunked_content_provider(
      "application/json;stream=watch", [w, sp, bookmarkEvery](size_t, httplib::DataSink& sink) {
        Store& store = sp->store;
        auto write = [&](const std::string& line) { return sink.write(line.data(), line.size()); };
        auto objectJson = [&](const ObjPtr& o) {
          if (!w->corrupt.empty()) {
            std::string hostile = withHostileField(o->raw, w->corrupt);
            w->corrupt.clear();
            return hostile;
          }
          if (!w->table) return o->raw;
          std::string t = renderTable(*w->resource, {o}, std::to_string(o->rv), "", std::nullopt, w->includeObject,
                                      !w->columnsSent);
          w->columnsSent = true;
          return t;
        };
        auto finish = [&] {
          sink.done();
          return true;
        };
        if (w->expire) {
          write(expiredLine(w->cursor, store.oldestServableRV()));
          return finish();
        }
        if (w->sendInitial) {
          Store::ListQuery q;
          q.ns = w->ns;
          q.labels = &w->labels;
          q.fields = &w->fields;
          auto lr = store.list(*w->resource, q);
          for (const auto& o : lr.items) {
            if (!write(eventLine("ADDED", objectJson(o)))) return false;
            if (w->closeAfterEvents && ++w->sent >= w->closeAfterEvents) return finish();
          }
          w->cursor = lr.rv;
          if (w->initialEventsEnd) {
            json bm = {{"kind", w->resource->kind},
                       {"apiVersion", w->resource->apiVersion()},
                       {"metadata", {{"resourceVersion", std::to_string(w->cursor)},
                                     {"annotations", {{"k8s.io/initial-events-end", "true"}}}}}};
            if (!write(eventLine("BOOKMARK", bm.dump()))) return false;
          }
        }
        auto lastBookmark = Clock::now();
        for (;;) {
          if (sp->stopping && sp->stopping->load()) return finish();
          std::vector<StoreEvent> events;
          uint64_t upTo = store.currentRV();
          try {
            events = store.eventsSince(w->cursor, w->resource);
          } catch (const TooOldError& e) {
            write(expiredLine(e.requested, e.oldest));
            return finish();
          }
          for (const auto& ev : events) {
            const bool now = matches(*w, ev.object);
            const bool before = matches(*w, ev.previous);
            const char* type = nullptr;
            if (ev.type == EventType::Deleted) type = before ? "DELETED" : nullptr;
            else if (ev.type == EventType::Added) type = now ? "ADDED" : nullptr;
            else if (now) type = before ? "MODIFIED" : "ADDED";
            else if (before) type = "DELETED";
            w->cursor = ev.rv;
            if (!type) continue;
            if (!write(eventLine(type, objectJson(ev.object)))) return false;
            if (w->closeAfterEvents && ++w->sent >= w->closeAfterEvents) return finish();
          }
          w->cursor = std::max(w->cursor, upTo);
          const auto now = Clock::now();
          if (now >= w->deadline) return finish();
          if (w->bookmarks && now - lastBookmark >= bookmarkEvery) {
            json bm = {{"kind", w->resource->kind},
                       {"apiVersion", w->resource->apiVersion()},
                       {"metadata", {{"resourceVersion", std::to_string(w->cursor)}}}};
            if (!write(eventLine("BOOKMARK", bm.dump()))) return false;
            lastBookmark = now;
          }
          if (peerClosed(w->fd)) return false;
          auto wait = std::min<Clock::duration>(std::chrono::milliseconds(500), w->deadline - now);
          if (w->bookmarks) wait = std::min<Clock::duration>(wait, lastBookmark + bookmarkEvery - now);
          store.waitForChange(w->cursor, std::chrono::duration_cast<std::chrono::milliseconds>(wait) +
                                             std::chrono::milliseconds(1));
        }
      });
}

}  // namespace sim

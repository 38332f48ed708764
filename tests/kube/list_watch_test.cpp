// Pagination over 10,000 objects, continue-token expiry, and watches that
// resume after timeouts, disconnects and 410s.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>

#include "kube/errors.hpp"
#include "kube/informer.hpp"
#include "sim_process.hpp"

using namespace wu::kube;
using namespace wu::kube::testing;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {
void load_pods(SimProcess& sim, int n) {
  json objs = json::array({namespace_object("it")});
  for (int i = 0; i < n; ++i) objs.push_back(busybox_pod("p-" + std::to_string(i), i % 2 ? "odd" : "even"));
  sim.load_objects(objs);
}

// Polls `cond` for up to `limit`.
template <typename F>
bool eventually(F cond, std::chrono::milliseconds limit = 10s) {
  auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (cond()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return cond();
}
}  // namespace

TEST_CASE("list: 10,000 objects in pages of 500, streamed page by page") {
  if (!sim_available()) return;
  SimProcess sim;
  load_pods(sim, 10000);
  ConfigOverrides ov;
  ov.qps = -1;
  auto c = sim.client("sim", {}, ov);
  sim.clear_audit();

  std::set<std::string> names;
  std::size_t largest_page = 0;
  auto summary = c->list_pages(kPods, ListOptions{}, [&](std::string_view body) {
    largest_page = std::max(largest_page, body.size());
    auto page = json::parse(body);
    CHECK(page["items"].size() <= 500);
    for (const auto& item : page["items"]) names.insert(item["metadata"]["name"].get<std::string>());
  });
  CHECK(names.size() == 10000);
  CHECK(summary.pages == 20);
  CHECK(summary.restarts == 0);
  CHECK_FALSE(summary.resource_version.empty());
  auto lists = sim.records("pods", "list");
  REQUIRE(lists.size() == 20);
  CHECK(lists[0]["query"].get<std::string>().find("continue=") == std::string::npos);
  for (std::size_t i = 1; i < lists.size(); ++i) {
    CHECK(lists[i]["query"].get<std::string>().find("continue=") != std::string::npos);
    CHECK(lists[i]["query"].get<std::string>().find("limit=500") != std::string::npos);
  }

  // Selectors are repeated on every page; the convenience list() returns the items.
  ListOptions odd;
  odd.label_selector = "parity=odd";
  odd.limit = 1000;
  ListSummary s2;
  auto items = c->list(kPods, odd, &s2);
  CHECK(items.size() == 5000);
  CHECK(s2.pages == 5);
  for (const auto& item : items) REQUIRE(item["metadata"]["labels"]["parity"] == "odd");
}

TEST_CASE("list: an expired continue token restarts the list from scratch") {
  if (!sim_available()) return;
  SimProcess sim({"--page-token-ttl", "1"});
  load_pods(sim, 300);
  ClientOptions o;
  o.verbosity = 2;
  std::vector<std::string> notices;
  o.log = [&](int, std::string_view line) { notices.emplace_back(line); };
  auto c = sim.client("sim", o);
  ListOptions lo;
  lo.limit = 100;
  int pages = 0, restarts = 0;
  std::size_t items = 0;
  auto summary = c->list_pages(
      kPods, lo,
      [&](std::string_view body) {
        ++pages;
        items += json::parse(body)["items"].size();
        if (pages == 2) std::this_thread::sleep_for(2100ms);  // the simulator counts whole seconds
      },
      [&] {
        ++restarts;
        items = 0;
      });
  CHECK(restarts == 1);
  CHECK(summary.restarts == 1);
  CHECK(items == 300);
  bool reported = false;
  for (const auto& n : notices) reported = reported || n.find("expired while paging") != std::string::npos;
  CHECK(reported);
  // Without a restart callback the expiry is the caller's problem.
  pages = 0;
  CHECK_THROWS_AS(c->list_pages(kPods, lo,
                                [&](std::string_view) {
                                  if (++pages == 1) std::this_thread::sleep_for(2100ms);
                                }),
                  ApiError);
}

TEST_CASE("watch: events, bookmarks, reconnect after early close without duplicates, prompt stop") {
  if (!sim_available()) return;
  SimProcess sim({"--bookmark-interval", "1"});
  load_pods(sim, 3);
  auto c = sim.client("sim");
  ListSummary listed;
  c->list(kPods, {}, &listed);
  // Every watch connection is closed by the server after 2 events.
  sim.add_faults({{"watch", {{"closeAfterEvents", 2}}}});

  std::mutex mu;
  std::vector<WatchEvent> events;
  std::stop_source stop;
  std::string last_rv;
  std::thread t([&] {
    WatchOptions wo;
    wo.resource_version = listed.resource_version;
    last_rv = c->watch(kPods, wo,
                       [&](const WatchEvent& e) {
                         std::lock_guard<std::mutex> lock(mu);
                         events.push_back(e);
                       },
                       stop.get_token());
  });
  auto writer = sim.client("sim");
  for (int i = 0; i < 5; ++i) writer->create(kPods, busybox_pod("w-" + std::to_string(i)));
  auto count_added = [&] {
    std::lock_guard<std::mutex> lock(mu);
    std::multiset<std::string> added;
    for (const auto& e : events)
      if (e.type == WatchEventType::Added) added.insert(e.object["metadata"]["name"].get<std::string>());
    return added;
  };
  CHECK(eventually([&] { return count_added().size() >= 5; }));
  CHECK(eventually([&] {
    std::lock_guard<std::mutex> lock(mu);
    for (const auto& e : events)
      if (e.type == WatchEventType::Bookmark) return true;
    return false;
  }));
  auto start = std::chrono::steady_clock::now();
  stop.request_stop();
  t.join();
  CHECK(std::chrono::steady_clock::now() - start < 1500ms);
  auto added = count_added();
  CHECK(added.size() == 5);
  for (int i = 0; i < 5; ++i) CHECK(added.count("w-" + std::to_string(i)) == 1);  // no duplicates
  CHECK_FALSE(last_rv.empty());
  // Several watch connections were made, each resuming from a newer resourceVersion.
  auto watches = sim.records("pods", "watch");
  CHECK(watches.size() >= 3);
  std::set<std::string> queries;
  for (const auto& w : watches) queries.insert(w["query"].get<std::string>());
  CHECK(queries.size() == watches.size());
}

TEST_CASE("watch: a 410 ERROR event triggers a relist, then the watch continues") {
  if (!sim_available()) return;
  SimProcess sim;
  load_pods(sim, 2);
  auto c = sim.client("sim");
  ListSummary listed;
  c->list(kPods, {}, &listed);
  sim.add_faults({{"watch", {{"expireNext", 1}}}});

  std::atomic<int> relists{0};
  std::mutex mu;
  std::vector<std::string> added;
  std::stop_source stop;
  std::thread t([&] {
    WatchOptions wo;
    wo.resource_version = listed.resource_version;
    c->watch(kPods, wo,
             [&](const WatchEvent& e) {
               std::lock_guard<std::mutex> lock(mu);
               if (e.type == WatchEventType::Added) added.push_back(e.object["metadata"]["name"]);
             },
             stop.get_token(), [&] {
               ++relists;
               ListSummary s;
               c->list(kPods, {}, &s);
               return s.resource_version;
             });
  });
  CHECK(eventually([&] { return relists.load() == 1; }));
  // Give the new watch a moment to be established, then write.
  CHECK(eventually([&] { return sim.records("pods", "watch").size() >= 2; }));
  sim.client("sim")->create(kPods, busybox_pod("after-relist"));
  CHECK(eventually([&] {
    std::lock_guard<std::mutex> lock(mu);
    return std::find(added.begin(), added.end(), "after-relist") != added.end();
  }));
  stop.request_stop();
  t.join();
  CHECK(relists.load() == 1);

  // Without a relist callback the 410 is thrown.
  sim.add_faults({{"watch", {{"expireNext", 1}}}});
  WatchOptions wo;
  wo.resource_version = listed.resource_version;
  try {
    c->watch(kPods, wo, [](const WatchEvent&) {}, std::stop_source().get_token());
    FAIL("no 410");
  } catch (const ApiError& e) {
    CHECK(is_resource_expired(e));
  }
}

TEST_CASE("watch: reconnects after dropped connections and 5xx, with bounded failures") {
  if (!sim_available()) return;
  SimProcess sim;
  load_pods(sim, 1);
  ClientOptions o;
  o.retry = fast_retry(2);
  auto c = sim.client("sim", o);
  ListSummary listed;
  c->list(kPods, {}, &listed);
  sim.add_faults({{"rules", json::array({{{"resource", "pods"}, {"verb", "watch"}, {"code", 503}, {"count", 1}},
                                         {{"resource", "pods"}, {"verb", "watch"}, {"code", 500}, {"count", 3}},
                                         {{"resource", "pods"}, {"verb", "watch"}, {"drop", true}, {"count", 2}}})}});
  std::atomic<bool> seen{false};
  std::stop_source stop;
  std::thread t([&] {
    WatchOptions wo;
    wo.resource_version = listed.resource_version;
    c->watch(kPods, wo,
             [&](const WatchEvent& e) {
               if (e.type == WatchEventType::Added && e.object["metadata"]["name"] == "late") seen = true;
             },
             stop.get_token());
  });
  CHECK(eventually([&] { return sim.records("pods", "watch").size() >= 7; }));
  sim.client("sim")->create(kPods, busybox_pod("late"));
  CHECK(eventually([&] { return seen.load(); }));
  stop.request_stop();
  t.join();
  // A watch that can never be established gives up after a bounded number of
  // attempts: 8 establishments (max_retries + 5 + 1), each retried twice by the transport.
  sim.clear_audit();
  sim.add_faults({{"rules", json::array({{{"resource", "pods"}, {"verb", "watch"}, {"code", 500}}})}});
  WatchOptions wo;
  wo.resource_version = listed.resource_version;
  CHECK_THROWS_WITH_AS(c->watch(kPods, wo, [](const WatchEvent&) {}, std::stop_source().get_token()),
                       doctest::Contains("the watch of pods keeps failing; giving up after 8 attempts (last error: Error "
                                         "from server (InternalError)"),
                       KubeError);
  CHECK(sim.records("pods", "watch").size() == 24);
}

TEST_CASE("informer: list, watch, and a fresh full list after the watch expires") {
  if (!sim_available()) return;
  SimProcess sim;
  load_pods(sim, 4);
  auto c = sim.client("sim");
  // The first watch after the initial list is answered with a 410.
  sim.add_faults({{"watch", {{"expireNext", 1}}}});
  std::mutex mu;
  std::vector<std::size_t> syncs;
  std::vector<std::string> added;
  std::stop_source stop;
  std::thread t([&] {
    InformerOptions io;
    io.list.label_selector = "parity=even";
    list_and_watch(
        *c, kPods, io,
        [&](const json& items, const std::string& rv) {
          std::lock_guard<std::mutex> lock(mu);
          CHECK_FALSE(rv.empty());
          syncs.push_back(items.size());
        },
        [&](const WatchEvent& e) {
          std::lock_guard<std::mutex> lock(mu);
          if (e.type == WatchEventType::Added) added.push_back(e.object["metadata"]["name"]);
        },
        stop.get_token());
  });
  CHECK(eventually([&] {
    std::lock_guard<std::mutex> lock(mu);
    return syncs.size() == 2;
  }));
  CHECK(eventually([&] { return sim.records("pods", "watch").size() >= 2; }));
  auto writer = sim.client("sim");
  writer->create(kPods, busybox_pod("odd-new", "odd"));  // filtered out by the selector
  writer->create(kPods, busybox_pod("even-new", "even"));
  CHECK(eventually([&] {
    std::lock_guard<std::mutex> lock(mu);
    return std::find(added.begin(), added.end(), "even-new") != added.end();
  }));
  stop.request_stop();
  t.join();
  std::lock_guard<std::mutex> lock(mu);
  REQUIRE(syncs.size() == 2);
  CHECK(syncs[0] == 2);  // p-0 and p-2
  CHECK(syncs[1] == 2);
  CHECK(std::find(added.begin(), added.end(), "odd-new") == added.end());
  // The selector went to every list and watch.
  std::size_t checked = 0;
  for (const auto& r : sim.records("pods")) {
    if (r["verb"] != "list" && r["verb"] != "watch") continue;
    CAPTURE(r["query"]);
    // The audit log shows the query decoded.
    CHECK(r["query"].get<std::string>().find("labelSelector=parity=even") != std::string::npos);
    ++checked;
  }
  CHECK(checked >= 4);  // two lists, two watches
}

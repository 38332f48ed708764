#include <doctest/doctest.h>

#include "status_errors.hpp"
#include "store.hpp"

using nlohmann::json;

namespace {
const sim::ResourceInfo& pods() { return *sim::findResource("", "v1", "pods"); }
json named_pod(const std::string& name, json extraMeta = json::object()) {
  json p = {{"apiVersion", "v1"}, {"kind", "Pod"}, {"metadata", {{"name", name}, {"namespace", "ns"}}}};
  p["metadata"].update(extraMeta);
  return p;
}
}  // namespace

TEST_CASE("create assigns identity and rejects duplicates") {
  sim::Store s(100, 1);
  auto a = s.create(pods(), named_pod("a"), false);
  json o = a->parse();
  CHECK(o["metadata"]["uid"].get<std::string>().size() == 36);
  CHECK(o["metadata"]["resourceVersion"] == std::to_string(a->rv));
  CHECK(o["metadata"].contains("creationTimestamp"));
  try {
    s.create(pods(), named_pod("a"), false);
    FAIL("expected AlreadyExists");
  } catch (const sim::ApiError& e) {
    CHECK(e.code() == 409);
    CHECK(e.reason() == "AlreadyExists");
    CHECK(std::string(e.what()) == "pods \"a\" already exists");
  }
  auto dry = s.create(pods(), named_pod("b"), true);
  CHECK_FALSE(s.get(pods(), "ns", "b"));
  CHECK(dry->rv == 0);
}

TEST_CASE("modify bumps the resourceVersion only on change") {
  sim::Store s(100, 1);
  auto a = s.create(pods(), named_pod("a"), false);
  auto same = s.modify(pods(), "ns", "a", [](json&) {}, false);
  CHECK(same->rv == a->rv);
  auto changed = s.modify(pods(), "ns", "a", [](json& o) { o["metadata"]["labels"]["x"] = "y"; }, false);
  CHECK(changed->rv > a->rv);
  CHECK(changed->labels.at("x") == "y");
  CHECK_THROWS_AS(s.modify(pods(), "ns", "nope", [](json&) {}, false), sim::ApiError);
}

TEST_CASE("finalizers defer deletion until removed") {
  sim::Store s(100, 1);
  s.create(pods(), named_pod("f", {{"finalizers", {"x/y"}}}), false);
  auto d = s.remove(pods(), "ns", "f", false);
  CHECK_FALSE(d.removed);
  CHECK(d.object->parse()["metadata"].contains("deletionTimestamp"));
  REQUIRE(s.get(pods(), "ns", "f"));
  s.modify(pods(), "ns", "f", [](json& o) { o["metadata"]["finalizers"] = json::array(); }, false);
  CHECK_FALSE(s.get(pods(), "ns", "f"));
  auto events = s.eventsSince(0, &pods());
  REQUIRE(events.size() == 3);
  CHECK(events[0].type == sim::EventType::Added);
  CHECK(events[1].type == sim::EventType::Modified);
  CHECK(events[2].type == sim::EventType::Deleted);
  CHECK(events[2].previous);
}

TEST_CASE("hooks see every committed change") {
  sim::Store s(100, 1);
  int seen = 0;
  s.addHook([&](const sim::StoreEvent&) { ++seen; });
  s.create(pods(), named_pod("a"), false);
  s.create(pods(), named_pod("dry"), true);
  s.remove(pods(), "ns", "a", false);
  CHECK(seen == 2);
  CHECK(s.waitForChange(0, std::chrono::milliseconds(1)));
}

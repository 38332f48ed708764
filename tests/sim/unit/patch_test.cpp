#include <doctest/doctest.h>

#include "patch.hpp"

using nlohmann::json;

TEST_CASE("merge patch follows RFC 7386") {
  json doc = {{"a", 1}, {"b", {{"c", 2}, {"d", 3}}}, {"l", {1, 2}}};
  json out = sim::applyMergePatch(doc, json::parse(R"({"b":{"c":null,"e":4},"l":[3],"n":"x"})"));
  CHECK(out == json::parse(R"({"a":1,"b":{"d":3,"e":4},"l":[3],"n":"x"})"));
}

TEST_CASE("json patch operations") {
  json doc = json::parse(R"({"metadata":{"labels":{"a":"1"}},"spec":{"list":[1,2,3]}})");
  json ops = json::parse(R"([
    {"op":"add","path":"/metadata/labels/b","value":"2"},
    {"op":"remove","path":"/metadata/labels/a"},
    {"op":"replace","path":"/spec/list/0","value":9},
    {"op":"add","path":"/spec/list/-","value":4},
    {"op":"add","path":"/spec/list/1","value":7},
    {"op":"copy","from":"/spec/list/0","path":"/spec/first"},
    {"op":"move","from":"/spec/first","path":"/spec/moved"},
    {"op":"test","path":"/spec/moved","value":9},
    {"op":"add","path":"/metadata/annotations","value":{"x~y/z":"v"}},
    {"op":"test","path":"/metadata/annotations/x~0y~1z","value":"v"}
  ])");
  json out = sim::applyJsonPatch(doc, ops);
  CHECK(out["metadata"]["labels"] == json{{"b", "2"}});
  CHECK(out["spec"]["list"] == json::array({9, 7, 2, 3, 4}));
  CHECK(out["spec"]["moved"] == 9);
  CHECK_FALSE(out["spec"].contains("first"));
}

TEST_CASE("json patch failures") {
  json doc = {{"a", 1}};
  try {
    sim::applyJsonPatch(doc, json::parse(R"([{"op":"test","path":"/a","value":2}])"));
    FAIL("expected failure");
  } catch (const sim::PatchError& e) {
    CHECK_FALSE(e.malformed());
    CHECK(std::string(e.what()) == "testing value /a failed: test failed");
  }
  CHECK_THROWS_AS(sim::applyJsonPatch(doc, json::parse(R"([{"op":"remove","path":"/nope"}])")), sim::PatchError);
  CHECK_THROWS_AS(sim::applyJsonPatch(doc, json::parse(R"([{"op":"replace","path":"/x/y","value":1}])")), sim::PatchError);
  try {
    sim::applyJsonPatch(doc, json::parse(R"([{"op":"frobnicate","path":"/a"}])"));
    FAIL("expected failure");
  } catch (const sim::PatchError& e) {
    CHECK(e.malformed());
  }
  CHECK_THROWS_AS(sim::applyJsonPatch(doc, json::parse(R"({"op":"add"})")), sim::PatchError);
}

TEST_CASE("patch content types") {
  CHECK(sim::patchTypeFromContentType("application/merge-patch+json") == sim::PatchType::Merge);
  CHECK(sim::patchTypeFromContentType("application/json-patch+json; charset=utf-8") == sim::PatchType::Json);
  CHECK(sim::patchTypeFromContentType("application/strategic-merge-patch+json") == sim::PatchType::StrategicMerge);
  CHECK(sim::patchTypeFromContentType("text/plain") == sim::PatchType::Unknown);
}

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "yaml/document_loader.hpp"
#include "yaml/json_to_yaml.hpp"
#include "yaml/to_json.hpp"

using namespace wu::yaml;

namespace {
std::vector<Document> load(const std::string& text, LoadLimits limits = {}) {
  std::vector<Document> docs;
  load_documents(text, [&](Document&& d) { docs.push_back(std::move(d)); }, limits);
  return docs;
}
}  // namespace

TEST_CASE("scalars resolve to the JSON types kubectl would send") {
  auto docs = load(
      "a: yes\nb: \"yes\"\nc: 10\nd: 10.0\ne: 1e3\nf: 1.5\ng: 0x1F\nh: 1_000\ni: ~\nj: 1m\nk: '10'\nl: off\n"
      "m: 99999999999999999999\n");
  REQUIRE(docs.size() == 1);
  const Node& r = docs[0].root;
  CHECK(r.find("a")->kind == Kind::Bool);
  CHECK(r.find("b")->kind == Kind::String);
  CHECK(r.find("c")->kind == Kind::Int);
  CHECK(r.find("d")->kind == Kind::Float);
  CHECK(r.find("d")->integral_float);
  CHECK(*r.find("e")->int_value == 1000);
  CHECK_FALSE(r.find("f")->integral_float);
  CHECK(*r.find("g")->int_value == 31);
  CHECK(*r.find("h")->int_value == 1000);
  CHECK(r.find("i")->is_null());
  CHECK(r.find("j")->kind == Kind::String);
  CHECK(r.find("k")->kind == Kind::String);
  CHECK(r.find("l")->kind == Kind::Bool);
  CHECK(r.find("m")->kind == Kind::Float);  // beyond uint64: go-yaml falls back to float
}

TEST_CASE("marks are 1-based line and column of the value") {
  auto docs = load("spec:\n  workloadUpdateStrategy:\n    batchEvictionInterval: 1d\n");
  const Node* v = docs[0].root.find("spec")->find("workloadUpdateStrategy")->find("batchEvictionInterval");
  CHECK(v->mark.line == 3);
  CHECK(v->mark.column == 28);
}

TEST_CASE("multi-document streams skip empty documents and keep indices") {
  auto docs = load("---\na: 1\n---\n---\nb: 2\n...\n");
  REQUIRE(docs.size() == 2);
  CHECK(docs[0].index == 0);
  CHECK(docs[1].index == 1);
  CHECK(docs[1].root.find("b"));
}

TEST_CASE("duplicate keys are recorded with their path and both positions") {
  auto docs = load("spec:\n  x: 1\n  x: 2\n");
  REQUIRE(docs[0].duplicate_keys.size() == 1);
  CHECK(docs[0].duplicate_keys[0].path == "spec.x");
  CHECK(docs[0].duplicate_keys[0].mark.line == 3);
  CHECK(docs[0].duplicate_keys[0].first_mark.line == 2);
  CHECK(docs[0].root.find("spec")->find("x")->text == "2");  // the last value wins
}

TEST_CASE("JSON input is read too") {
  auto docs = load("{\"kind\": \"HyperConverged\", \"spec\": {\"n\": 10}}");
  REQUIRE(docs.size() == 1);
  CHECK(docs[0].root.string_at("kind") == "HyperConverged");
  CHECK(to_json(docs[0].root)["spec"]["n"] == 10);
}

TEST_CASE("merge keys are honoured as go-yaml does") {
  auto docs = load("base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n");
  const Node* m = docs[0].root.find("m");
  CHECK(m->find("x")->text == "1");
  CHECK(m->find("y")->text == "3");
  CHECK(m->find("<<") == nullptr);
}

TEST_CASE("hostile input is refused with a position, never a crash") {
  CHECK_THROWS_AS(load(std::string("a: b\0c\n", 7)), LoadError);
  CHECK_THROWS_AS(load("a: \xff\n"), LoadError);
  CHECK_THROWS_AS(load("a: [b\n"), LoadError);
  try {
    load("a: " + std::string(100000, '[') + std::string(100000, ']'));
    FAIL("deep nesting was accepted");
  } catch (const LoadError& e) {
    CHECK(std::string(e.what()).find("deeper than 256") != std::string::npos);
    CHECK(e.mark().line == 1);
  }
  std::string bomb = "a: &a [x,x,x,x,x,x,x,x,x,x]\n";
  for (char c = 'b'; c <= 'i'; ++c) {
    bomb += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 10; ++i) bomb += std::string(i ? "," : "") + "*" + static_cast<char>(c - 1);
    bomb += "]\n";
  }
  CHECK_THROWS_WITH_AS(load(bomb), doctest::Contains("excessive aliasing"), LoadError);
}

TEST_CASE("YAML output quotes strings that would change type") {
  nlohmann::json j{{"a", "10"}, {"b", "true"}, {"c", "text"}, {"d", 10}, {"e", nlohmann::json::array()}};
  std::string y = json_to_yaml(j);
  CHECK(y.find("a: \"10\"") != std::string::npos);
  CHECK(y.find("b: \"true\"") != std::string::npos);
  CHECK(y.find("c: text") != std::string::npos);
  CHECK(y.find("d: 10") != std::string::npos);
  CHECK(y.find("e: []") != std::string::npos);
  auto back = load(y);
  CHECK(to_json(back[0].root) == j);
}

#include <doctest/doctest.h>

#include <chrono>
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

TEST_CASE("a document with more nodes than the budget is refused where it crosses it; the next document starts afresh") {
  LoadLimits small;
  small.max_nodes = 10;
  // A mapping, 3 keys and 2 values, a sequence of 4: 11 nodes; the 11th is the last item.
  const std::string text = "a: 1\nb: 2\nc:\n- x\n- y\n- z\n- w\n";
  try {
    load(text, small);
    FAIL("the budget was not applied");
  } catch (const LoadError& e) {
    CHECK(std::string(e.what()) == "document has more than 10 nodes");
    CHECK(e.mark().line == 7);
    CHECK(std::string(e.hint()).find("oc get ... -o json") != std::string::npos);
  }
  CHECK(load("a: 1\n---\nb: 2\n---\nc: 3\n", small).size() == 3);
  // Aliases count with what they expand to.
  CHECK_THROWS_AS(load("a: &a [1, 2, 3]\nb: *a\nc: *a\n", small), LoadError);
  CHECK(load("a: &a [1, 2]\nb: *a\n", small).size() == 1);
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

// Issue #10: what fuzzing found in the loader.
TEST_CASE("a stray comma is an error at its position, not an endless stream of empty documents") {
  // yaml-cpp 0.7 returns an empty document for ',' without consuming it (jbeder/yaml-cpp#1040).
  for (const char* text : {",\n", "a: 1\n---\n,\n", "- a\n,"}) {
    CAPTURE(text);
    bool threw = false;
    std::vector<Document> docs;
    try {
      load_documents(text, [&](Document&& d) { docs.push_back(std::move(d)); });
    } catch (const LoadError& e) {
      threw = true;
      CHECK(std::string(e.what()).find("unexpected character ','") != std::string::npos);
      CHECK(e.mark().line >= 1);
    }
    CHECK(threw);
    CHECK(docs.size() <= 1);
  }
  CHECK(load("---\n---\na: 1\n").size() == 1);  // empty documents that do advance are still fine
}

TEST_CASE("merge keys: own keys win, then the first merged map, in one pass") {
  auto docs = load("a: &a {x: 1, y: 1}\nb: &b {y: 2, z: 2}\nc:\n  <<: [*a, *b]\n  x: 0\n");
  const Node& c = *docs.at(0).root.find("c");
  REQUIRE(c.entries.size() == 3);
  CHECK(c.entries[0].key == "x");
  CHECK(c.find("x")->text == "0");
  CHECK(c.find("y")->text == "1");
  CHECK(c.find("z")->text == "2");
  CHECK(c.find("<<") == nullptr);
  // 100,000 own keys and 50,000 merged ones: quadratic, this took seconds per document.
  std::string big = "base: &b\n";
  for (int i = 0; i < 50000; ++i) big += "  s" + std::to_string(i) + ": v\n";
  big += "m:\n  <<: *b\n";
  for (int i = 0; i < 100000; ++i) big += "  o" + std::to_string(i) + ": v\n";
  auto start = std::chrono::steady_clock::now();
  auto merged = load(big);
  CHECK(merged.at(0).root.find("m")->entries.size() == 150000);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
}

TEST_CASE("describe_value never cuts a UTF-8 character in half") {
  Node n;
  n.kind = Kind::String;
  n.text = std::string(79, 'a') + "\xC3\xA9";  // 79 ASCII characters and an é: byte 80 is inside the é
  const std::string d = describe_value(n);
  CHECK(d == "\"" + std::string(79, 'a') + "...\"");
  n.text = std::string(78, 'a') + "\xE2\x82\xAC\xE2\x82\xAC";  // a euro sign straddles byte 80
  CHECK(describe_value(n) == "\"" + std::string(78, 'a') + "...\"");
  n.text = std::string(80, 'a');
  CHECK(describe_value(n) == "\"" + std::string(80, 'a') + "\"");
}

TEST_CASE("a 50,000-digit plain scalar is a string, and no regex recursion overflows the stack") {
  auto docs = load("a: " + std::string(50000, '1') + "\nb: 1." + std::string(50000, '5') + "\n");
  CHECK(docs.at(0).root.find("a")->kind == Kind::String);  // beyond a double: Go's ParseFloat fails
  CHECK(docs.at(0).root.find("b")->kind == Kind::Float);
}

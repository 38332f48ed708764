// JSON under the same guards as YAML (issue #10): one depth limit, library errors as LoadError.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "yaml/json_reader.hpp"

using namespace wu::yaml;

namespace {
LoadError error_of(const std::string& text, LoadLimits limits = {}) {
  try {
    parse_json(text, limits);
  } catch (const LoadError& e) {
    return e;
  }
  FAIL("no LoadError for " << text);
  return LoadError("", {});
}
}  // namespace

TEST_CASE("parse_json: valid JSON parses as nlohmann would") {
  auto j = parse_json(R"({"a":[1,2.5,"x",null,true],"b":{"c":18446744073709551615}})");
  CHECK(j["a"][1] == 2.5);
  CHECK(j["b"]["c"].get<std::uint64_t>() == 18446744073709551615ULL);
}

TEST_CASE("parse_json: nesting beyond the limit is refused where it happens, not by a stack overflow") {
  const std::string deep = "{\"a\":" + std::string(20000, '[') + std::string(20000, ']') + "}";
  LoadError e = error_of(deep);
  CHECK(std::string(e.what()) == "nesting is deeper than 256 levels");
  CHECK(e.mark().line == 1);
  CHECK(e.mark().column == 6 + 255);  // the 257th opening bracket
  CHECK_NOTHROW(parse_json(std::string(256, '[') + std::string(256, ']')));
  CHECK_THROWS_AS(parse_json(std::string(257, '[') + std::string(257, ']')), LoadError);
  LoadLimits tight;
  tight.max_depth = 2;
  CHECK_THROWS_AS(parse_json("[[[]]]", tight), LoadError);
  // Brackets inside strings do not count.
  CHECK_NOTHROW(parse_json("[\"" + std::string(1000, '[') + "\\\"\"]"));
}

TEST_CASE("parse_json: a number beyond a double is a LoadError at the number") {
  LoadError e = error_of("{\"x\":\n  1e400}");
  CHECK(std::string(e.what()).find("1e400 is out of range") != std::string::npos);
  CHECK(e.mark().line == 2);
  CHECK(e.mark().column == 3);
}

TEST_CASE("parse_json: syntax errors carry a line and column and no library prefix") {
  LoadError e = error_of("{\"a\": 1,\n \"b\": x}");
  CHECK(e.mark().line == 2);
  CHECK(std::string(e.what()).find("[json.exception") == std::string::npos);
  CHECK(std::string(e.what()).find("invalid literal") != std::string::npos);
  CHECK_THROWS_AS(parse_json(""), LoadError);
  CHECK_THROWS_AS(parse_json("{} {}"), LoadError);
  CHECK_THROWS_AS(parse_json("\"\xC3\x28\""), LoadError);  // invalid UTF-8
  CHECK_FALSE(try_parse_json("nope").has_value());
}

TEST_CASE("find_excess_json_depth: a byte scan that works on any input") {
  CHECK(find_excess_json_depth("[[[", 2) == 2);
  CHECK(find_excess_json_depth("[[]][[]]", 2) == std::string_view::npos);
  CHECK(find_excess_json_depth("]]]][[", 1) == 5);
  CHECK(find_excess_json_depth("\"\\\"[[[\"", 0) == std::string_view::npos);
}

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "faults.hpp"
#include "hostile.hpp"

using nlohmann::json;

TEST_CASE("a corrupt rule fires once on its resource and verb, and is audited") {
  sim::Faults f(1);
  f.configure(json::parse(R"({"rules":[{"resource":"kubevirts","verb":"list","corrupt":"deepObject","count":1}]})"));
  CHECK(f.decide("kubevirts", "watch", "").corrupt.empty());
  const sim::FaultDecision d = f.decide("kubevirts", "list", "");
  CHECK(d.corrupt == "deepObject");
  CHECK(d.code == 0);
  CHECK(d.description == "corrupt:deepObject");
  CHECK(f.decide("kubevirts", "list", "").corrupt.empty());  // count 1
}

TEST_CASE("corrupt takes one of the four kinds") {
  sim::Faults f(1);
  CHECK_THROWS_WITH_AS(f.configure(json::parse(R"({"rules":[{"corrupt":"garbage"}]})")),
                       "faults.rules[0]: corrupt must be deepObject, hugeString, invalidUtf8 or numberOverflow",
                       std::invalid_argument);
}

TEST_CASE("the hostile field goes first in the object; the rest is kept") {
  CHECK(sim::withHostileField(R"({"a":1})", "numberOverflow") == R"({"simHostile":1e400,"a":1})");
  CHECK(sim::withHostileField("{}", "numberOverflow") == R"({"simHostile":1e400})");
  CHECK(sim::withHostileField(R"({"a":1})", "") == R"({"a":1})");
  const std::string deep = sim::withHostileField("{}", "deepObject");
  CHECK(deep.size() == 2 + 13 + 200000);
  CHECK(deep.substr(0, 16) == R"({"simHostile":[[)");
  const std::string bad = sim::withHostileField("{}", "invalidUtf8");
  CHECK(bad.find('\xFF') != std::string::npos);
  CHECK(sim::withHostileField("{}", "hugeString").size() > (16u << 20));
}

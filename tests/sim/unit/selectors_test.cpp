#include <doctest/doctest.h>

#include "resources.hpp"
#include "selectors.hpp"

using sim::FieldSelector;
using sim::LabelSelector;

TEST_CASE("label selector operators") {
  sim::Labels l = {{"app", "web"}, {"tier", "front"}, {"kubevirt.io/outdatedLauncherImage", ""}, {"n", "5"}};
  CHECK(LabelSelector::parse("").matches(l));
  CHECK(LabelSelector::parse("app=web").matches(l));
  CHECK(LabelSelector::parse("app==web").matches(l));
  CHECK_FALSE(LabelSelector::parse("app=db").matches(l));
  CHECK(LabelSelector::parse("app!=db").matches(l));
  CHECK(LabelSelector::parse("missing!=x").matches(l));  // != also matches absent keys
  CHECK(LabelSelector::parse("app in (db, web)").matches(l));
  CHECK_FALSE(LabelSelector::parse("app notin (db,web)").matches(l));
  CHECK(LabelSelector::parse("missing notin (a)").matches(l));
  CHECK(LabelSelector::parse("kubevirt.io/outdatedLauncherImage").matches(l));
  CHECK_FALSE(LabelSelector::parse("!kubevirt.io/outdatedLauncherImage").matches(l));
  CHECK(LabelSelector::parse("!missing").matches(l));
  CHECK(LabelSelector::parse("app=web,tier=front").matches(l));
  CHECK_FALSE(LabelSelector::parse("app=web,tier=back").matches(l));
  CHECK(LabelSelector::parse("n>4").matches(l));
  CHECK_FALSE(LabelSelector::parse("n<5").matches(l));
  CHECK(LabelSelector::parse("kubevirt.io/outdatedLauncherImage=").matches(l));
}

TEST_CASE("malformed label selectors are rejected") {
  CHECK_THROWS_AS(LabelSelector::parse("app in (a"), std::invalid_argument);
  CHECK_THROWS_AS(LabelSelector::parse("=x"), std::invalid_argument);
  CHECK_THROWS_AS(LabelSelector::parse("app=web,"), std::invalid_argument);
  CHECK_THROWS_AS(LabelSelector::parse("a b"), std::invalid_argument);
  CHECK_THROWS_AS(LabelSelector::parse("bad key!=x y"), std::invalid_argument);
  CHECK_THROWS_AS(LabelSelector::parse("-bad=x"), std::invalid_argument);
  CHECK_THROWS_AS(LabelSelector::parse("n>x"), std::invalid_argument);
}

TEST_CASE("field selectors: supported fields per resource") {
  const auto& pods = *sim::findResource("", "v1", "pods");
  const auto& vmis = *sim::findResource("kubevirt.io", "v1", "virtualmachineinstances");
  std::map<std::string, std::string> f = {{"metadata.name", "p1"}, {"metadata.namespace", "ns"},
                                          {"spec.nodeName", "w1"}, {"status.phase", "Running"}};
  CHECK(FieldSelector::parse("spec.nodeName=w1", pods).matches(f));
  CHECK(FieldSelector::parse("spec.nodeName==w1,status.phase!=Failed", pods).matches(f));
  CHECK_FALSE(FieldSelector::parse("status.phase=Pending", pods).matches(f));
  CHECK(FieldSelector::parse("metadata.name=p1", vmis).matches(f));
  try {
    FieldSelector::parse("spec.nodeName=w1", vmis);
    FAIL("expected an error");
  } catch (const std::invalid_argument& e) {
    CHECK(std::string(e.what()) == "field label not supported: spec.nodeName");
  }
  CHECK_THROWS_AS(FieldSelector::parse("nonsense", pods), std::invalid_argument);
}

TEST_CASE("field values are extracted like the API server's field labels") {
  nlohmann::json pod = {{"metadata", {{"name", "p"}, {"namespace", "n"}}},
                        {"spec", {{"nodeName", "w"}, {"hostNetwork", true}}}};
  const auto& pods = *sim::findResource("", "v1", "pods");
  auto v = sim::selectableFieldValues(pod, pods);
  CHECK(v["spec.nodeName"] == "w");
  CHECK(v["spec.hostNetwork"] == "true");
  CHECK(v["status.phase"] == "");
}

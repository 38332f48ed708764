#include <doctest/doctest.h>

#include "pagination.hpp"
#include "store.hpp"

using nlohmann::json;
using namespace std::chrono;

TEST_CASE("continue tokens round-trip and reject garbage") {
  sim::ContinueToken t{1234, "ns-1/vm-0007", 1700000000};
  auto enc = sim::encodeContinue(t);
  CHECK(enc.find('=') == std::string::npos);  // URL-safe, unpadded
  auto dec = sim::decodeContinue(enc);
  REQUIRE(dec);
  CHECK(dec->rv == 1234);
  CHECK(dec->lastKey == "ns-1/vm-0007");
  CHECK(dec->issuedAt == 1700000000);
  CHECK_FALSE(sim::decodeContinue("not a token"));
  CHECK_FALSE(sim::decodeContinue(""));
  CHECK_FALSE(sim::decodeContinue("eyJ2IjoieCJ9"));  // {"v":"x"}
}

TEST_CASE("continue tokens expire after the TTL") {
  const auto issued = system_clock::from_time_t(1700000000);
  sim::ContinueToken t{5, "k", sim::unixSeconds(issued)};
  CHECK_FALSE(sim::continueExpired(t, seconds(300), issued + seconds(300)));
  CHECK(sim::continueExpired(t, seconds(300), issued + seconds(301)));
  CHECK(sim::continueExpired(t, seconds(0), issued + seconds(1)));
}

namespace {
json vmi(const std::string& ns, const std::string& name) {
  return {{"apiVersion", "kubevirt.io/v1"}, {"kind", "VirtualMachineInstance"},
          {"metadata", {{"name", name}, {"namespace", ns}, {"labels", {{"i", name}}}}}};
}
}  // namespace

TEST_CASE("paginated lists serve a consistent snapshot") {
  sim::Store store(1000, 1);
  const auto& r = *sim::findResource("kubevirt.io", "v1", "virtualmachineinstances");
  for (int i = 0; i < 10; ++i) store.create(r, vmi("ns", "vm-" + std::to_string(i)), false);
  sim::Store::ListQuery q;
  q.limit = 4;
  auto p1 = store.list(r, q);
  REQUIRE(p1.items.size() == 4);
  CHECK(p1.more);
  CHECK(p1.remaining == 6);
  // Changes after the snapshot must not show in later pages.
  store.remove(r, "ns", "vm-5", false);
  store.create(r, vmi("ns", "vm-55"), false);
  store.modify(r, "ns", "vm-6", [](json& o) { o["metadata"]["labels"]["changed"] = "yes"; }, false);
  q.afterKey = p1.lastKey;
  q.snapshotRV = p1.rv;
  q.limit = 100;
  auto p2 = store.list(r, q);
  std::vector<std::string> names;
  for (auto& o : p2.items) names.push_back(o->name);
  CHECK(names == std::vector<std::string>{"vm-4", "vm-5", "vm-6", "vm-7", "vm-8", "vm-9"});
  CHECK(p2.items[2]->labels.count("changed") == 0);
  CHECK_FALSE(p2.more);
  // The current state does show them.
  sim::Store::ListQuery now;
  auto all = store.list(r, now);
  CHECK(all.items.size() == 10);
}

TEST_CASE("snapshots older than the history are too old") {
  sim::Store store(3, 1);
  const auto& r = *sim::findResource("kubevirt.io", "v1", "virtualmachineinstances");
  auto first = store.create(r, vmi("ns", "a"), false);
  for (int i = 0; i < 5; ++i) store.create(r, vmi("ns", "b" + std::to_string(i)), false);
  sim::Store::ListQuery q;
  q.snapshotRV = first->rv;
  CHECK_THROWS_AS(store.list(r, q), sim::TooOldError);
  CHECK_THROWS_AS(store.eventsSince(first->rv, &r), sim::TooOldError);
  CHECK(store.eventsSince(store.currentRV() - 1, &r).size() == 1);
}

TEST_CASE("selectors under pagination give no remaining count") {
  sim::Store store(1000, 1);
  const auto& r = *sim::findResource("kubevirt.io", "v1", "virtualmachineinstances");
  for (int i = 0; i < 6; ++i) store.create(r, vmi(i % 2 ? "odd" : "even", "vm-" + std::to_string(i)), false);
  auto sel = sim::LabelSelector::parse("i in (vm-0,vm-2,vm-4,vm-5)");
  sim::Store::ListQuery q;
  q.labels = &sel;
  q.limit = 2;
  auto p = store.list(r, q);
  CHECK(p.items.size() == 2);
  CHECK(p.more);
  CHECK_FALSE(p.remaining);
  sim::Store::ListQuery ns;
  ns.ns = "odd";
  CHECK(store.list(r, ns).items.size() == 3);
}

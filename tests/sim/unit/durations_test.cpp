#include <doctest/doctest.h>

#include "durations.hpp"
#include "knobs.hpp"
#include "kubevirt_model.hpp"
#include "sim_clock.hpp"

using nlohmann::json;

TEST_CASE("durations: Go-style strings and numbers") {
  CHECK(sim::parseDurationSeconds("90s").value() == 90);
  CHECK(sim::parseDurationSeconds("1m30s").value() == 90);
  CHECK(sim::parseDurationSeconds("1m0s").value() == 60);
  CHECK(sim::parseDurationSeconds("2h").value() == 7200);
  CHECK(sim::parseDurationSeconds("250ms").value() == doctest::Approx(0.25));
  CHECK(sim::parseDurationSeconds(45).value() == 45);
  CHECK(sim::parseDurationSeconds("12").value() == 12);
  CHECK_FALSE(sim::parseDurationSeconds("5x"));
  CHECK_FALSE(sim::parseDurationSeconds("1s2"));
  CHECK_FALSE(sim::parseDurationSeconds(-1));
  CHECK_FALSE(sim::parseDurationSeconds(json::object()));
}

TEST_CASE("durations: knob ranges, annotations and deterministic draws") {
  sim::Knobs k;
  k.merge({{"migrationDuration", {{"min", "30s"}, {"max", "1m30s"}}}, {"restartDelay", "5s"}, {"bad", "x"}});
  auto r = sim::knobRange(k, "migrationDuration", {1, 2});
  CHECK(r.min == 30);
  CHECK(r.max == 90);
  CHECK(sim::knobRange(k, "restartDelay", {1, 2}).max == 5);
  CHECK(sim::knobRange(k, "bad", {1, 2}).max == 2);
  CHECK(sim::knobRange(k, "absent", {1, 2}).min == 1);
  json vmi = {{"metadata", {{"annotations", {{"sim.kubevirt.io/migration-duration", "7s"}}}}}};
  CHECK(sim::drawDuration(k, 1, "migrationDuration", {1, 2}, vmi, "sim.kubevirt.io/migration-duration", "u") == 7);
  const double a = sim::drawDuration(k, 1, "migrationDuration", {1, 2}, json::object(), "x", "uid-1");
  CHECK(a >= 30);
  CHECK(a <= 90);
  CHECK(a == sim::drawDuration(k, 1, "migrationDuration", {1, 2}, json::object(), "x", "uid-1"));
  CHECK(sim::uniform01(1, "k") != sim::uniform01(2, "k"));
}

TEST_CASE("clock: timeScale from knobs speeds up simulated time") {
  auto before = sim::simNow();
  sim::Knobs k;
  k.merge({{"timeScale", 1000}});
  CHECK(sim::simClock().scale() == 1000);
  auto real = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - real < std::chrono::milliseconds(20)) {
  }
  CHECK(sim::simNow() - before >= std::chrono::seconds(19));
  k.merge({{"timeScale", 1}});
  CHECK(sim::rfc3339Millis(std::chrono::system_clock::from_time_t(0) + std::chrono::milliseconds(1500)) ==
        "1970-01-01T00:00:01.500Z");
}

TEST_CASE("kubevirt model: phase predicates and the launcher image") {
  for (const char* p : {"Scheduling", "Scheduled", "PreparingTarget", "TargetReady", "Running"})
    CHECK(sim::kv::migrationPhaseIsRunning(p));
  for (const char* p : {"", "Pending", "Succeeded", "Failed", "WaitingForSync", "Synchronizing"})
    CHECK_FALSE(sim::kv::migrationPhaseIsRunning(p));
  CHECK(sim::kv::priorityRank("system-critical") == 100);
  CHECK(sim::kv::priorityRank("") == 0);
  json kvcr = {{"spec", {{"configuration", {{"migrations", {{"parallelMigrationsPerCluster", 3}}}}}}}};
  auto l = sim::kv::migrationLimits(kvcr);
  CHECK(l.perCluster == 3);
  CHECK(l.perNode == 2);
  CHECK(sim::kv::migrationLimits(std::nullopt).perCluster == 5);
}

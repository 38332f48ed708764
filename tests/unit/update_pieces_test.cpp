#include <doctest/doctest.h>

#include "update/eviction_pacer.hpp"
#include "update/migration_object.hpp"
#include "update/run_identity.hpp"

using namespace wu::update;

TEST_CASE("the migration object follows the rules for external tools") {
  wu::cluster::Vmi vmi;
  vmi.namespace_ = "prod";
  vmi.name = "db-1";
  const auto m = migration_for(vmi, "abc123");
  CHECK(m["kind"] == "VirtualMachineInstanceMigration");
  CHECK(m["metadata"]["generateName"] == "workload-update-");
  CHECK_FALSE(m["metadata"].contains("name"));
  CHECK(m["metadata"]["namespace"] == "prod");
  CHECK(m["metadata"]["labels"][kRunLabel] == "abc123");
  CHECK(m["metadata"]["labels"][kManagedByLabel] == kManagedByValue);
  CHECK(m["spec"]["vmiName"] == "db-1");
  CHECK_FALSE(m["spec"].contains("priority"));  // only virt-controller may set it
}

TEST_CASE("run ids are label-safe and differ") {
  const std::string a = new_run_id(), b = new_run_id();
  CHECK(a.size() == 10);
  CHECK(a.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(a != b);
}

TEST_CASE("eviction pacing: a batch per interval, strictly after, slot used even when evictions fail") {
  EvictionPacer p{3, 60, std::nullopt};
  CHECK(p.allowed(1000) == 3);  // the first batch goes at once
  p.start_batch(1000);
  CHECK(p.allowed(1030) == 0);
  CHECK(p.allowed(1060) == 0);  // strictly after last + interval
  CHECK(*p.next_batch_at(1030) == 1061);
  CHECK(p.allowed(1061) == 3);
  EvictionPacer none{0, 60, std::nullopt};
  CHECK(none.allowed(1000) == 0);
  CHECK_FALSE(none.next_batch_at(1000));
  EvictionPacer no_wait{2, 0, 1000};
  CHECK(no_wait.allowed(1000) == 2);
}

// Writes, server-side dry run and eviction outcomes against the simulator.
#include <doctest/doctest.h>

#include "kube/errors.hpp"
#include "sim_process.hpp"

using namespace wu::kube;
using namespace wu::kube::testing;
using nlohmann::json;

namespace {
const ResourceRef kVmis{"kubevirt.io", "v1", "virtualmachineinstances", "it", "", ""};

json running_pod(const std::string& name, json labels = json::object(), json annotations = json::object(),
                 const std::string& node = "node1") {
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata", {{"name", name}, {"namespace", "it"}, {"labels", labels}, {"annotations", annotations}}},
          {"spec", {{"nodeName", node}, {"containers", json::array({{{"name", "c"}, {"image", "busybox"}}})}}},
          {"status", {{"phase", "Running"}, {"conditions", json::array({{{"type", "Ready"}, {"status", "True"}}})}}}};
}

json pdb(const std::string& name, const json& match_labels) {
  return {{"apiVersion", "policy/v1"},
          {"kind", "PodDisruptionBudget"},
          {"metadata", {{"name", name}, {"namespace", "it"}}},
          {"spec", {{"minAvailable", 1}, {"selector", {{"matchLabels", match_labels}}}}}};
}

json migratable_vmi(const std::string& name) {
  return {{"apiVersion", "kubevirt.io/v1"},
          {"kind", "VirtualMachineInstance"},
          {"metadata", {{"name", name}, {"namespace", "it"}}},
          {"spec", {{"evictionStrategy", "LiveMigrate"}, {"domain", {{"devices", json::object()}}}}},
          {"status",
           {{"phase", "Running"},
            {"nodeName", "node1"},
            {"conditions", json::array({{{"type", "LiveMigratable"}, {"status", "True"}}})}}}};
}

struct WriteFixture {
  SimProcess sim;
  std::unique_ptr<Client> client;
  WriteFixture() {
    sim.load_objects({namespace_object("it"), running_pod("p1", {{"app", "one"}}), running_pod("guarded", {{"app", "guarded"}}),
                      pdb("guard", {{"app", "guarded"}}), running_pod("twice", {{"app", "twice"}, {"tier", "x"}}),
                      pdb("twice-a", {{"app", "twice"}}), pdb("twice-b", {{"tier", "x"}}), migratable_vmi("vm1"),
                      running_pod("virt-launcher-vm1-abcde", {{"kubevirt.io", "virt-launcher"}},
                                  {{"kubevirt.io/domain", "vm1"}})});
    ClientOptions o;
    o.retry = fast_retry();
    client = sim.client("sim", o);
    sim.clear_audit();
  }
};
}  // namespace

TEST_CASE("writes: create, get, merge patch, update, delete") {
  if (!sim_available()) return;
  WriteFixture f;
  json p = running_pod("new");
  p.erase("status");
  auto created = f.client->create(kPods, p);
  CHECK(created["metadata"]["name"] == "new");
  auto patched = f.client->patch(kPods.named("new"), PatchType::Merge, {{"metadata", {{"labels", {{"x", "y"}}}}}});
  CHECK(patched["metadata"]["labels"]["x"] == "y");
  auto got = f.client->get(kPods.named("new"));
  got["metadata"]["labels"]["z"] = "w";
  auto updated = f.client->update(kPods.named("new"), got);
  CHECK(updated["metadata"]["labels"]["z"] == "w");
  // A stale resourceVersion is a typed conflict.
  try {
    f.client->update(kPods.named("new"), got);
    FAIL("stale update accepted");
  } catch (const ApiError& e) {
    CHECK(is_conflict(e));
  }
  f.client->remove(kPods.named("new"));
  try {
    f.client->get(kPods.named("new"));
    FAIL("deleted pod still there");
  } catch (const ApiError& e) {
    CHECK(is_not_found(e));
    CHECK(std::string(e.what()).find("Error from server (NotFound)") == 0);
  }
  // A PATCH is not replayed after a server error.
  f.sim.clear_audit();
  f.sim.add_faults({{"rules", json::array({{{"resource", "pods"}, {"verb", "patch"}, {"code", 503}, {"count", 1}}})}});
  CHECK_THROWS_AS(f.client->patch(kPods.named("p1"), PatchType::Merge, {{"metadata", {{"labels", {{"a", "b"}}}}}}),
                  ApiError);
  CHECK(f.sim.records("pods", "patch").size() == 1);
}

TEST_CASE("dry run: dryRun=All on writes, deleteOptions.dryRun for evictions - nothing persists") {
  if (!sim_available()) return;
  WriteFixture f;
  WriteOptions dry;
  dry.dry_run = true;
  json p = running_pod("ghost");
  p.erase("status");
  f.client->create(kPods, p, dry);
  f.client->patch(kPods.named("p1"), PatchType::Merge, {{"metadata", {{"labels", {{"dry", "run"}}}}}}, dry);
  DeleteOptions del;
  del.dry_run = true;
  f.client->remove(kPods.named("p1"), del);
  EvictOptions ev;
  ev.dry_run = true;
  auto out = f.client->evict("it", "p1", ev);
  CHECK(out.result == EvictionResult::Started);

  for (const auto& r : f.sim.audit()) {
    CAPTURE(r.dump());
    CHECK(r["dryRun"] == true);
    if (r["verb"] != "evict") CHECK(r["query"].get<std::string>().find("dryRun=All") != std::string::npos);
  }
  CHECK_THROWS_AS(f.client->get(kPods.named("ghost")), ApiError);
  auto p1 = f.client->get(kPods.named("p1"));
  CHECK_FALSE(p1["metadata"]["labels"].contains("dry"));
}

TEST_CASE("eviction: outcomes from the API") {
  if (!sim_available()) return;
  WriteFixture f;
  auto gone = f.client->evict("it", "no-such-pod");
  CHECK(gone.result == EvictionResult::AlreadyGone);

  auto blocked = f.client->evict("it", "guarded");
  CHECK(blocked.result == EvictionResult::BlockedByPdb);
  CHECK(blocked.http_code == 429);
  REQUIRE(blocked.error.has_value());
  CHECK(blocked.error->has_cause("DisruptionBudget"));

  auto multi = f.client->evict("it", "twice");
  CHECK(multi.result == EvictionResult::MultiplePdbs);
  CHECK(multi.http_code == 500);

  auto triggered = f.client->evict("it", "virt-launcher-vm1-abcde");
  CHECK(triggered.result == EvictionResult::EvacuationTriggered);
  CHECK(triggered.message.find("Eviction triggered evacuation of VMI \"it/vm1\"") != std::string::npos);
  auto again = f.client->evict("it", "virt-launcher-vm1-abcde");
  CHECK(again.result == EvictionResult::EvacuationInProgress);

  auto ok = f.client->evict("it", "p1");
  CHECK(ok.result == EvictionResult::Started);
  CHECK_FALSE(ok.error.has_value());

  // The body is a policy/v1 Eviction; none of the 429s were retried.
  CHECK(f.sim.records("pods", "evict").size() == 6);
}

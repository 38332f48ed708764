#include <doctest/doctest.h>

#include "protobuf.hpp"

namespace {
// Minimal protobuf writer for building test messages.
std::string varint(uint64_t v) {
  std::string s;
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    s += static_cast<char>(v ? b | 0x80 : b);
  } while (v);
  return s;
}
std::string field(int n, const std::string& bytes) { return varint(static_cast<uint64_t>(n) << 3 | 2) + varint(bytes.size()) + bytes; }
std::string envelope(const std::string& apiVersion, const std::string& kind, const std::string& raw) {
  return std::string("k8s\0", 4) + field(1, field(1, apiVersion) + field(2, kind)) + field(2, raw);
}
}  // namespace

TEST_CASE("protobuf SelfSubjectAccessReview decodes to JSON") {
  std::string attrs = field(1, "ns1") + field(2, "create") + field(3, "kubevirt.io") + field(5, "virtualmachineinstancemigrations");
  std::string body = envelope("authorization.k8s.io/v1", "SelfSubjectAccessReview", field(1, "") + field(2, field(1, attrs)));
  std::string why;
  auto j = sim::decodeKubernetesProtobuf(body, why);
  REQUIRE(j);
  CHECK((*j)["kind"] == "SelfSubjectAccessReview");
  CHECK((*j)["spec"]["resourceAttributes"]["verb"] == "create");
  CHECK((*j)["spec"]["resourceAttributes"]["namespace"] == "ns1");
  CHECK((*j)["spec"]["resourceAttributes"]["resource"] == "virtualmachineinstancemigrations");
}

TEST_CASE("protobuf Eviction with dry run decodes to JSON") {
  std::string meta = field(1, "virt-launcher-x") + field(3, "ns1");
  std::string opts = field(5, "All") + varint(1 << 3 | 0) + varint(30);
  std::string body = envelope("policy/v1", "Eviction", field(1, meta) + field(2, opts));
  std::string why;
  auto j = sim::decodeKubernetesProtobuf(body, why);
  REQUIRE(j);
  CHECK((*j)["metadata"]["name"] == "virt-launcher-x");
  CHECK((*j)["metadata"]["namespace"] == "ns1");
  CHECK((*j)["deleteOptions"]["dryRun"][0] == "All");
  CHECK((*j)["deleteOptions"]["gracePeriodSeconds"] == 30);
}

TEST_CASE("unsupported or malformed protobuf is refused with a reason") {
  std::string why;
  CHECK_FALSE(sim::decodeKubernetesProtobuf("{}", why));
  CHECK_FALSE(sim::decodeKubernetesProtobuf(envelope("v1", "Pod", ""), why));
  CHECK(why.find("Pod") != std::string::npos);
  CHECK_FALSE(sim::decodeKubernetesProtobuf(std::string("k8s\0\xff", 5), why));
}

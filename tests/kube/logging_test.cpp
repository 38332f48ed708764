// -v output against a live server: the token and the client key never appear.
#include <doctest/doctest.h>

#include <fstream>

#include "kube/encoding.hpp"
#include "sim_process.hpp"

using namespace wu::kube;
using namespace wu::kube::testing;

TEST_CASE("logging: -v=9 shows requests, a curl command and bodies, with every secret masked") {
  if (!sim_available()) return;
  SimProcess sim;
  std::string out;
  ClientOptions o;
  o.verbosity = 9;
  o.log = [&](int, std::string_view line) { out += std::string(line) + "\n"; };
  auto admin = sim.client("sim", o);
  admin->list(kNamespaces);
  admin->create(kNamespaces, {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "logged"}}}});
  auto cert = sim.client("sim-cert", o);
  cert->list(kNamespaces);

  CHECK(out.find("sim-admin-token") == std::string::npos);
  const std::string key = read_file(sim.dir() + "/certuser.key");
  REQUIRE(key.size() > 100);
  // No line of the key (nor its base64 form from the kubeconfig) shows up.
  for (std::size_t pos = 0; pos < key.size();) {
    std::size_t nl = key.find('\n', pos);
    std::string line = key.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    if (line.size() > 20 && line.find("-----") == std::string::npos) CHECK(out.find(line) == std::string::npos);
    pos = nl == std::string::npos ? key.size() : nl + 1;
  }
  CHECK(out.find(base64_encode(key).substr(0, 40)) == std::string::npos);
  CHECK(out.find("Authorization: Bearer <masked>") != std::string::npos);
  CHECK(out.find("curl -v -XGET") != std::string::npos);
  CHECK(out.find("GET " + sim.url() + "/api/v1/namespaces?limit=500 200 OK in ") != std::string::npos);
  CHECK(out.find("Response Body: ") != std::string::npos);
  CHECK(out.find("Request Body: {") != std::string::npos);
}

TEST_CASE("logging: -v=6 is one line per request - nothing below") {
  if (!sim_available()) return;
  SimProcess sim;
  std::vector<std::pair<int, std::string>> lines;
  ClientOptions o;
  o.verbosity = 6;
  o.log = [&](int level, std::string_view line) { lines.emplace_back(level, std::string(line)); };
  sim.client("sim", o)->list(kNamespaces);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].first == 6);
  CHECK(lines[0].second.rfind("GET https://127.0.0.1:", 0) == 0);
  CHECK(lines[0].second.find(" 200 OK in ") != std::string::npos);
  lines.clear();
  o.verbosity = 0;
  sim.client("sim", o)->list(kNamespaces);
  CHECK(lines.empty());
}

TEST_CASE("transport: gzip responses are decoded") {
  if (!sim_available()) return;
  SimProcess sim;
  std::string headers;
  ClientOptions o;
  o.verbosity = 8;
  o.log = [&](int, std::string_view line) { headers += std::string(line) + "\n"; };
  auto c = sim.client("sim", o);
  nlohmann::json objs = nlohmann::json::array();
  for (int i = 0; i < 1500; ++i)
    objs.push_back({{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "ns-" + std::to_string(i)}}}});
  sim.load_objects(objs);
  ListOptions all;
  all.limit = 0;  // one large response: the simulator compresses bodies over 128 KiB
  auto items = c->list(kNamespaces, all);
  std::size_t ours = 0;
  for (const auto& ns : items) ours += ns["metadata"]["name"].get<std::string>().rfind("ns-", 0) == 0;
  CHECK(ours == 1500);
  CHECK(headers.find("Content-Encoding: gzip") != std::string::npos);
}

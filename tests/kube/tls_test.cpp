// TLS verification: trusted CA, wrong CA, --insecure-skip-tls-verify, tls-server-name.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "kube/errors.hpp"
#include "sim_process.hpp"

using namespace wu::kube;
using namespace wu::kube::testing;

namespace {
}

TEST_CASE("tls: an untrusted server certificate fails with a clear message and nothing is sent") {
  if (!sim_available()) return;
  SimProcess sim;
  RestConfig rc = sim.rest_config("sim");
  rc.ca_data.clear();  // fall back to the system trust store, which does not know the simulator's CA
  Client c(rc);
  try {
    c.list(kNamespaces);
    FAIL("verification did not fail");
  } catch (const TransportError& e) {
    CHECK(e.kind() == TransportError::Kind::TlsVerify);
    CHECK_FALSE(e.request_sent());
    std::string what = e.what();
    CHECK(what.find("127.0.0.1:" + std::to_string(sim.port())) != std::string::npos);
    CHECK(what.find("--certificate-authority") != std::string::npos);
    CHECK(what.find("--insecure-skip-tls-verify") != std::string::npos);
  }
  CHECK(sim.records("namespaces").empty());
}

TEST_CASE("tls: --insecure-skip-tls-verify works without a CA, and is refused together with one") {
  if (!sim_available()) return;
  SimProcess sim;
  ConfigOverrides o;
  o.insecure_skip_tls_verify = true;
  auto rc = sim.rest_config("sim", o);
  CHECK(rc.ca_data.empty());  // the flag cleared the kubeconfig CA
  Client(rc).list(kNamespaces);
  CHECK(sim.records("namespaces", "list").size() == 1);
  RestConfig both = sim.rest_config("sim");
  both.insecure = true;
  CHECK_THROWS_WITH_AS(Client{both}, "specifying a root certificates file with the insecure flag is not allowed",
                       ConfigError);
}

TEST_CASE("tls: --certificate-authority file") {
  if (!sim_available()) return;
  SimProcess sim;
  ConfigOverrides o;
  o.certificate_authority = sim.dir() + "/ca.crt";
  auto rc = sim.rest_config("sim", o);
  CHECK(rc.ca_data.empty());
  CHECK(rc.ca_file == sim.dir() + "/ca.crt");
  Client(rc).list(kNamespaces);
}

TEST_CASE("tls: tls-server-name verifies against that name and still reaches the real address") {
  if (!sim_available()) return;
  SimProcess sim;
  ConfigOverrides o;
  o.tls_server_name = "localhost";  // in the certificate's SANs
  Client(sim.rest_config("sim", o)).list(kNamespaces);
  CHECK(sim.records("namespaces", "list").size() == 1);
  o.tls_server_name = "not-in-the-cert.example";
  try {
    Client(sim.rest_config("sim", o)).list(kNamespaces);
    FAIL("a wrong tls-server-name was accepted");
  } catch (const TransportError& e) {
    CHECK(e.kind() == TransportError::Kind::TlsVerify);
    CHECK(std::string(e.what()).find("not-in-the-cert.example") != std::string::npos);
  }
}

TEST_CASE("transport: connection refused is kubectl's message and is not retried forever") {
  if (!sim_available()) return;
  int port = 0;
  std::string ca;
  {
    SimProcess sim;
    port = sim.port();
    ca = sim.rest_config("sim").ca_data;
  }
  RestConfig rc;
  rc.host = "https://127.0.0.1:" + std::to_string(port);
  rc.ca_data = ca;
  ClientOptions opts;
  opts.retry = fast_retry(2);
  int retries = 0;
  opts.verbosity = 2;
  opts.log = [&](int, std::string_view line) {
    if (line.rfind("Retrying", 0) == 0) ++retries;
  };
  Client c(rc, opts);
  try {
    c.list(kNamespaces);
    FAIL("no error");
  } catch (const TransportError& e) {
    CHECK(e.kind() == TransportError::Kind::Connect);
    CHECK(std::string(e.what()).find("The connection to the server 127.0.0.1:" + std::to_string(port) +
                                     " was refused - did you specify the right host or port?") == 0);
  }
  CHECK(retries == 2);
}

TEST_CASE("transport: kept-alive connections are reused for reads - writes get their own") {
  if (!sim_available()) return;
  SimProcess sim;
  Client c(sim.rest_config("sim"));
  Request get;
  get.path = "/api/v1/namespaces";
  auto first = c.send(get);
  auto second = c.send(get);
  auto third = c.send(get);
  CHECK(first.new_connections == 1);
  CHECK(second.new_connections == 0);
  CHECK(third.new_connections == 0);
  Request post;
  post.method = "POST";
  post.path = "/api/v1/namespaces";
  post.body = R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"reuse"}})";
  CHECK(c.send(post).new_connections == 1);
}

TEST_CASE("transport: credentials are never sent over plain HTTP") {
  if (!sim_available()) return;
  SimProcess sim({"--plain-http"});
  REQUIRE(sim.url().rfind("http://", 0) == 0);
  // The kubeconfig has a token for this user; over http:// client-go drops it, and so do we.
  ConfigOverrides o;
  o.kubeconfig = sim.kubeconfig();
  o.context = "sim";
  RestConfig rc = resolve_client_config(o, Env::system()).rest;
  CHECK(rc.bearer_token.empty());
  rc.bearer_token = "sim-admin-token";  // even when forced into the config
  Client c(rc);
  try {
    c.list(kNamespaces);
    FAIL("an anonymous request was accepted");
  } catch (const ApiError& e) {
    CHECK(e.code() == 401);
  }
}

TEST_CASE("transport: one Client shared by many threads") {
  if (!sim_available()) return;
  SimProcess sim;
  ConfigOverrides o;
  o.qps = -1;
  auto c = sim.client("sim", {}, o);
  std::atomic<long> connections{0};
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      Request get;
      get.path = "/api/v1/namespaces";
      for (int i = 0; i < 25; ++i) {
        auto resp = c->send(get);
        connections += resp.new_connections;
        ok += resp.code == 200;
      }
    });
  for (auto& t : threads) t.join();
  CHECK(ok.load() == 200);
  CHECK(connections.load() <= 8);  // at most one connection per concurrent user, then reused
}

// Every authentication method against the simulator, as the audit log sees it.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sys/stat.h>

#include "kube/errors.hpp"
#include "sim_process.hpp"

using namespace wu::kube;
using namespace wu::kube::testing;

namespace {
void write_file(const std::string& path, const std::string& text, bool executable = false) {
  std::ofstream(path) << text;
  if (executable) ::chmod(path.c_str(), 0755);
}

// Adds an exec user + context "sim-exec" to the simulator's kubeconfig.
std::string exec_kubeconfig(const SimProcess& sim, const std::string& plugin, const std::string& extra_exec = "") {
  std::string kc = read_file(sim.kubeconfig());
  std::string users = "users:\n- name: execuser\n  user:\n    exec:\n      command: " + plugin +
                      "\n      apiVersion: client.authentication.k8s.io/v1\n      interactiveMode: Never\n"
                      "      provideClusterInfo: true\n      env:\n      - {name: WU_TEST_VAR, value: from-kubeconfig}\n" +
                      extra_exec;
  kc.replace(kc.find("users:\n"), 7, users);
  std::string ctx = "contexts:\n- name: sim-exec\n  context: {cluster: sim, user: execuser, namespace: default}\n";
  kc.replace(kc.find("contexts:\n"), 10, ctx);
  std::string path = sim.dir() + "/exec-kubeconfig";
  write_file(path, kc);
  return path;
}

std::string last_user(SimProcess& sim) {
  auto a = sim.audit();
  REQUIRE_FALSE(a.empty());
  return a.back().value("user", "");
}
}  // namespace

TEST_CASE("auth: bearer token, read-only token and client certificate") {
  if (!sim_available()) return;
  SimProcess sim;
  auto admin = sim.client("sim");
  admin->list(kNamespaces);
  CHECK(last_user(sim) == "admin");
  // User-Agent as documented.
  CHECK(sim.audit().back().value("userAgent", "") == default_user_agent());

  auto ro = sim.client("sim-readonly");
  ro->list(kNamespaces);
  CHECK(last_user(sim) == "readonly");
  try {
    ro->create(kNamespaces, {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "nope"}}}});
    FAIL("read-only create succeeded");
  } catch (const ApiError& e) {
    CHECK(is_forbidden(e));
    // The server's message names verb, resource and user; it is passed through.
    CHECK(e.status_message().find("readonly") != std::string::npos);
    CHECK(e.status_message().find("create") != std::string::npos);
    CHECK(std::string(e.what()).rfind("Error from server (Forbidden): ", 0) == 0);
  }

  auto cert = sim.client("sim-cert");
  cert->list(kNamespaces);
  CHECK(last_user(sim) == "sim-cert-user");  // the certificate's CN
  // Client certificate from files (--client-certificate/--client-key) instead of *-data.
  ConfigOverrides o;
  o.user = "readonly";  // its token is kept: token and certificate are both sent, the cert wins at the server
  o.client_certificate = sim.dir() + "/certuser.crt";
  o.client_key = sim.dir() + "/certuser.key";
  sim.client("sim", {}, o)->list(kNamespaces);
  CHECK(last_user(sim) == "sim-cert-user");  // the certificate's CN
}

TEST_CASE("auth: --token overrides the kubeconfig - a bad token is a 401 suggesting re-login") {
  if (!sim_available()) return;
  SimProcess sim;
  ConfigOverrides o;
  o.token = "sim-readonly-token";
  sim.client("sim", {}, o)->list(kNamespaces);
  CHECK(last_user(sim) == "readonly");
  o.token = "wrong-token";
  try {
    sim.client("sim", {}, o)->list(kNamespaces);
    FAIL("a wrong token was accepted");
  } catch (const ApiError& e) {
    CHECK(e.code() == 401);
    CHECK(std::string(e.what()).find("oc login") != std::string::npos);
  }
}

TEST_CASE("auth: token file from the kubeconfig") {
  if (!sim_available()) return;
  SimProcess sim;
  write_file(sim.dir() + "/token", "sim-readonly-token\n");
  std::string kc = read_file(sim.kubeconfig());
  kc.replace(kc.find("users:\n"), 7, "users:\n- name: fileuser\n  user:\n    tokenFile: token\n");
  kc.replace(kc.find("contexts:\n"), 10, "contexts:\n- name: sim-file\n  context: {cluster: sim, user: fileuser}\n");
  write_file(sim.dir() + "/file-kubeconfig", kc);
  ConfigOverrides o;
  o.kubeconfig = sim.dir() + "/file-kubeconfig";
  o.context = "sim-file";
  auto resolved = resolve_client_config(o, Env::system());
  CHECK(resolved.rest.bearer_token_file == sim.dir() + "/token");  // relative to the kubeconfig's directory
  Client c(resolved.rest);
  c.list(kNamespaces);
  CHECK(last_user(sim) == "readonly");
}

TEST_CASE("auth: exec plugin gets KUBERNETES_EXEC_INFO and env, is cached, and re-runs after a 401") {
  if (!sim_available()) return;
  SimProcess sim;
  const std::string dir = sim.dir();
  // The token the plugin hands out lives in a file the test can rotate.
  write_file(dir + "/exec-token", "exec-token-1");
  sim.control("POST", "/_sim/tokens", {{"user", "execuser"}, {"token", "exec-token-1"}, {"readOnly", false}});
  write_file(dir + "/plugin.sh",
             "#!/bin/sh\n"
             "echo run >> \"" + dir + "/runs\"\n"
             "printf '%s' \"$KUBERNETES_EXEC_INFO\" > \"" + dir + "/exec-info.json\"\n"
             "printf '%s' \"$WU_TEST_VAR\" > \"" + dir + "/exec-env\"\n"
             "echo 'plugin says hello on stderr' >&2\n"
             "printf '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\","
             "\"status\":{\"token\":\"%s\"}}' \"$(cat \"" + dir + "/exec-token\")\"\n",
             true);
  ConfigOverrides o;
  o.kubeconfig = exec_kubeconfig(sim, dir + "/plugin.sh");
  o.context = "sim-exec";
  ClientOptions opts;
  int verbosity_lines = 0;
  opts.verbosity = 9;
  std::string log;
  opts.log = [&](int, std::string_view line) {
    ++verbosity_lines;
    log += std::string(line) + "\n";
  };
  Client c(resolve_client_config(o, Env::system()).rest, opts);
  c.list(kNamespaces);
  c.list(kNamespaces);
  CHECK(last_user(sim) == "execuser");
  CHECK(read_file(dir + "/runs") == "run\n");  // cached: one run for two requests

  auto info = nlohmann::json::parse(read_file(dir + "/exec-info.json"));
  CHECK(info["apiVersion"] == "client.authentication.k8s.io/v1");
  CHECK(info["kind"] == "ExecCredential");
  CHECK(info["spec"]["interactive"] == false);
  CHECK(info["spec"]["cluster"]["server"] == sim.url());
  CHECK_FALSE(info["spec"]["cluster"].value("certificate-authority-data", "").empty());
  CHECK(read_file(dir + "/exec-env") == "from-kubeconfig");

  // Rotate the token on the server: the cached one now gets 401, the plugin runs again, the request is retried once.
  sim.control("POST", "/_sim/tokens", {{"user", "execuser"}, {"token", "exec-token-2"}, {"readOnly", false}});
  write_file(dir + "/exec-token", "exec-token-2");
  sim.clear_audit();
  c.list(kNamespaces);
  CHECK(read_file(dir + "/runs") == "run\nrun\n");
  auto records = sim.audit();  // the 401 is recorded before the request is even parsed
  REQUIRE(records.size() == 2);
  CHECK(records[0]["code"] == 401);
  CHECK(records[1]["code"] == 200);
  CHECK(records[1]["resource"] == "namespaces");
  CHECK(records[1]["user"] == "execuser");
  // The exec-issued tokens never appear in -v=9 output.
  CHECK(verbosity_lines > 0);
  CHECK(log.find("exec-token-1") == std::string::npos);
  CHECK(log.find("exec-token-2") == std::string::npos);
}

TEST_CASE("auth: exec plugin failures carry client-go's messages") {
  if (!sim_available()) return;
  SimProcess sim;
  const std::string dir = sim.dir();
  ConfigOverrides o;
  o.context = "sim-exec";

  o.kubeconfig = exec_kubeconfig(sim, dir + "/does-not-exist", "      installHint: install the thing\n");
  try {
    Client(resolve_client_config(o, Env::system()).rest).list(kNamespaces);
    FAIL("missing plugin not reported");
  } catch (const AuthError& e) {
    std::string what = e.what();
    CHECK(what.rfind("getting credentials: exec: executable " + dir + "/does-not-exist not found", 0) == 0);
    CHECK(what.find("install the thing") != std::string::npos);
  }

  write_file(dir + "/fail.sh", "#!/bin/sh\necho 'no credentials for you' >&2\nexit 3\n", true);
  o.kubeconfig = exec_kubeconfig(sim, dir + "/fail.sh");
  CHECK_THROWS_WITH_AS(Client(resolve_client_config(o, Env::system()).rest).list(kNamespaces),
                       ("getting credentials: exec: executable " + dir + "/fail.sh failed with exit code 3").c_str(),
                       AuthError);

  write_file(dir + "/beta.sh",
             "#!/bin/sh\necho '{\"apiVersion\":\"client.authentication.k8s.io/v1beta1\",\"kind\":\"ExecCredential\","
             "\"status\":{\"token\":\"x\"}}'\n",
             true);
  o.kubeconfig = exec_kubeconfig(sim, dir + "/beta.sh");
  CHECK_THROWS_WITH_AS(Client(resolve_client_config(o, Env::system()).rest).list(kNamespaces),
                       "getting credentials: exec plugin is configured to use API version "
                       "client.authentication.k8s.io/v1, plugin returned version client.authentication.k8s.io/v1beta1",
                       AuthError);
  // No request reached the server without credentials.
  CHECK(sim.audit().empty());
}

TEST_CASE("auth: exec plugin returning a client certificate") {
  if (!sim_available()) return;
  SimProcess sim;
  const std::string dir = sim.dir();
  // Emit the simulator's client certificate and key as raw PEM in JSON.
  write_file(dir + "/certplugin.sh",
             "#!/bin/sh\n"
             "esc() { awk 'BEGIN{ORS=\"\\\\n\"} {print}' \"$1\"; }\n"
             "printf '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\","
             "\"status\":{\"clientCertificateData\":\"%s\",\"clientKeyData\":\"%s\"}}' "
             "\"$(esc " + dir + "/certuser.crt)\" \"$(esc " + dir + "/certuser.key)\"\n",
             true);
  ConfigOverrides o;
  o.kubeconfig = exec_kubeconfig(sim, dir + "/certplugin.sh");
  o.context = "sim-exec";
  Client(resolve_client_config(o, Env::system()).rest).list(kNamespaces);
  CHECK(last_user(sim) == "sim-cert-user");  // the certificate's CN
}

TEST_CASE("auth: impersonation headers reach the server on every request") {
  if (!sim_available()) return;
  SimProcess sim;
  ConfigOverrides o;
  o.as = "alice";
  o.as_groups = {"team-a", "team-b"};
  o.as_uid = "uid-42";
  sim.load_objects({{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "it"}}}}});
  auto c = sim.client("sim", {}, o);
  c->list(kNamespaces);
  c->get(kNamespaces.named("it"));
  auto records = sim.records("namespaces");
  REQUIRE(records.size() == 2);
  for (const auto& r : records) {
    CHECK(r["user"] == "admin");
    CHECK(r["impersonatedUser"] == "alice");
    CHECK(r["impersonatedGroups"] == nlohmann::json::array({"team-a", "team-b"}));
    CHECK(r["impersonatedUid"] == "uid-42");
  }
  // as-user-extra from the kubeconfig: one Impersonate-Extra-<escaped key> header per value.
  RestConfig rc = sim.rest_config("sim", o);
  rc.impersonate.extra = {{"example.com/scopes", {"read", "write"}}};
  sim.clear_audit();
  Client(rc).list(kNamespaces);
  auto extra = sim.audit().back()["impersonatedExtra"];
  CHECK(extra == nlohmann::json{{"example.com%2Fscopes", {"read", "write"}}});
}

TEST_CASE("auth: exec command lookup - a path relative to the kubeconfig, or a bare name on PATH") {
  if (!sim_available()) return;
  SimProcess sim;
  const std::string dir = sim.dir();
  std::filesystem::create_directories(dir + "/bin");
  write_file(dir + "/bin/wu-test-plugin",
             "#!/bin/sh\necho '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\","
             "\"status\":{\"token\":\"sim-readonly-token\"}}'\n",
             true);
  ConfigOverrides o;
  o.context = "sim-exec";
  o.kubeconfig = exec_kubeconfig(sim, "./bin/wu-test-plugin");
  auto rc = resolve_client_config(o, Env::system()).rest;
  CHECK(rc.exec->command == dir + "/bin/wu-test-plugin");
  Client(rc).list(kNamespaces);
  CHECK(last_user(sim) == "readonly");

  o.kubeconfig = exec_kubeconfig(sim, "wu-test-plugin");
  rc = resolve_client_config(o, Env::system()).rest;
  CHECK(rc.exec->command == "wu-test-plugin");
  const std::string old_path = std::getenv("PATH") ? std::getenv("PATH") : "";
  ::setenv("PATH", (dir + "/bin:" + old_path).c_str(), 1);
  Client(rc).list(kNamespaces);
  ::setenv("PATH", old_path.c_str(), 1);
  CHECK(last_user(sim) == "readonly");
  CHECK_THROWS_WITH_AS(Client(rc).list(kNamespaces),
                       doctest::Contains("getting credentials: exec: executable wu-test-plugin not found"), AuthError);
}

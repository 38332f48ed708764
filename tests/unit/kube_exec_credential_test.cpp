// Exec credential plugins: input, output parsing, every error, caching and refresh.
#include <doctest/doctest.h>

#include "../kube/fake_env.hpp"
#include "kube/credentials.hpp"
#include "kube/errors.hpp"
#include "kube/exec_credential.hpp"

using namespace wu::kube;
using wu::kube::testing::FakeEnv;
using namespace std::chrono_literals;

namespace {
const std::string kV1 = "client.authentication.k8s.io/v1";
const std::string kBeta = "client.authentication.k8s.io/v1beta1";

ExecConfig exec_config(const std::string& mode = "Never") {
  ExecConfig c;
  c.command = "plugin";
  c.api_version = kV1;
  c.interactive_mode = mode;
  return c;
}
}  // namespace

TEST_CASE("exec: KUBERNETES_EXEC_INFO without and with cluster info") {
  auto c = exec_config();
  auto j = nlohmann::json::parse(exec_info_json(c, false, nullptr));
  CHECK(j == nlohmann::json::parse(R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","spec":{"interactive":false}})"));
  c.provide_cluster_info = true;
  ExecClusterInfo cl;
  cl.server = "https://x:6443";
  cl.tls_server_name = "api.x";
  cl.certificate_authority_data = "PEM";
  cl.config = {{"audience", "a"}};
  j = nlohmann::json::parse(exec_info_json(c, true, &cl));
  CHECK(j["spec"]["interactive"] == true);
  CHECK(j["spec"]["cluster"]["server"] == "https://x:6443");
  CHECK(j["spec"]["cluster"]["tls-server-name"] == "api.x");
  CHECK(j["spec"]["cluster"]["certificate-authority-data"] == "UEVN");  // base64 here
  CHECK(j["spec"]["cluster"]["config"]["audience"] == "a");
  CHECK_FALSE(j["spec"]["cluster"].contains("insecure-skip-tls-verify"));
}

TEST_CASE("exec: interactive modes") {
  CHECK_FALSE(exec_interactive(exec_config("Never"), true));
  CHECK(exec_interactive(exec_config("IfAvailable"), true));
  CHECK_FALSE(exec_interactive(exec_config("IfAvailable"), false));
  CHECK(exec_interactive(exec_config("Always"), true));
  CHECK_THROWS_WITH_AS(exec_interactive(exec_config("Always"), false),
                       "exec plugin cannot support interactive mode: standard input is not a terminal", AuthError);
}

TEST_CASE("exec: output parsing") {
  auto t = parse_exec_credential(
      R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"tok","expirationTimestamp":"2026-01-01T00:10:00Z"}})",
      kV1);
  CHECK(t.token == "tok");
  REQUIRE(t.expiration.has_value());
  CHECK(*t.expiration == std::chrono::sys_days{std::chrono::year{2026} / 1 / 1} + 10min);
  auto c = parse_exec_credential(
      R"({"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"clientCertificateData":"-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----\n","clientKeyData":"-----BEGIN PRIVATE KEY-----\nY\n-----END PRIVATE KEY-----\n"}})",
      kBeta);
  CHECK(c.token.empty());
  CHECK(c.client_certificate_pem.find("BEGIN CERTIFICATE") != std::string::npos);
  CHECK_FALSE(c.expiration.has_value());
  CHECK(parse_rfc3339("2026-01-01T01:00:00.5+01:00") ==
        std::chrono::sys_days{std::chrono::year{2026} / 1 / 1} + 500ms);
}

TEST_CASE("exec: every output error message") {
  auto err = [](const std::string& out, const std::string& configured = kV1) {
    try {
      parse_exec_credential(out, configured);
    } catch (const AuthError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(err(R"({"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"t"}})") ==
        "exec plugin is configured to use API version client.authentication.k8s.io/v1, plugin returned version "
        "client.authentication.k8s.io/v1beta1");
  CHECK(err(R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential"})") ==
        "exec plugin didn't return a status field");
  CHECK(err(R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{}})") ==
        "exec plugin didn't return a token or cert/key pair");
  CHECK(err(R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"clientKeyData":"k"}})") ==
        "exec plugin returned only certificate or key, not both");
  CHECK(err("garbage").rfind("decoding stdout: ", 0) == 0);
  CHECK(err(R"({"kind":"ExecCredential"})").rfind("decoding stdout: ", 0) == 0);
  CHECK(err(R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"Pod","status":{"token":"t"}})").rfind("decoding stdout: ", 0) == 0);
  CHECK(err(R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"t","expirationTimestamp":"tomorrow"}})")
            .rfind("decoding stdout: invalid expirationTimestamp", 0) == 0);
  // Issue #10: a wrongly typed field was nlohmann's type_error, not the AuthError documented here.
  CHECK(err(R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":7}})") ==
        "decoding stdout: json: cannot unmarshal number into Go struct field ExecCredential.status.token of type string");
  CHECK(err(R"({"apiVersion":1,"kind":"ExecCredential"})").rfind("decoding stdout: json: cannot unmarshal number", 0) == 0);
  CHECK(err(R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"t","expirationTimestamp":false}})")
            .rfind("decoding stdout: json: cannot unmarshal bool", 0) == 0);
  CHECK(err(R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"t","expirationTimestamp":"9999-12-31T23:59:59Z"}})") ==
        "no error");
  CHECK(err("{\"apiVersion\":" + std::string(100000, '[') + std::string(100000, ']') + "}").rfind("decoding stdout: ", 0) == 0);
}

TEST_CASE("exec: unsupported apiVersion is refused before running anything") {
  FakeEnv fe;
  auto c = exec_config();
  c.api_version = "client.authentication.k8s.io/v1alpha1";
  CHECK_THROWS_WITH_AS(run_exec_plugin(c, nullptr, fe.env()),
                       "exec plugin: invalid apiVersion \"client.authentication.k8s.io/v1alpha1\"", AuthError);
}

TEST_CASE("credentials: exec results are cached until expiry and refreshed after a 401") {
  FakeEnv fe;
  RestConfig rc;
  rc.host = "https://x";
  rc.exec = exec_config();
  int runs = 0;
  auto runner = [&](const ExecConfig&, const ExecClusterInfo*, const Env& env) {
    ++runs;
    ExecCredential c;
    c.token = "tok-" + std::to_string(runs);
    c.expiration = std::chrono::floor<std::chrono::microseconds>(env.now() + 10min);
    return c;
  };
  CredentialProvider p(rc, fe.env(), runner);
  CHECK(p.uses_exec());
  auto a = p.current();
  CHECK(a.bearer_token == "tok-1");
  CHECK(p.current().bearer_token == "tok-1");
  CHECK(runs == 1);
  fe.advance(9min);
  CHECK(p.current().bearer_token == "tok-1");
  fe.advance(2min);  // expired
  auto b = p.current();
  CHECK(b.bearer_token == "tok-2");
  CHECK(runs == 2);
  // A 401 with the current credentials re-runs the plugin once...
  CHECK(p.refresh_after_unauthorized(b));
  CHECK(runs == 3);
  // ...and a second 401 for the same (now stale) credentials does not run it again.
  CHECK(p.refresh_after_unauthorized(b));
  CHECK(runs == 3);
  CHECK(p.current().bearer_token == "tok-3");
}

TEST_CASE("credentials: plugin errors are reported as 'getting credentials'") {
  FakeEnv fe;
  RestConfig rc;
  rc.host = "https://x";
  rc.exec = exec_config();
  CredentialProvider p(rc, fe.env(), [](const ExecConfig&, const ExecClusterInfo*, const Env&) -> ExecCredential {
    throw AuthError("exec: executable plugin failed with exit code 3");
  });
  CHECK_THROWS_WITH_AS(p.current(), "getting credentials: exec: executable plugin failed with exit code 3", AuthError);
}

TEST_CASE("credentials: a token or client certificate disables the exec plugin") {
  FakeEnv fe;
  RestConfig rc;
  rc.host = "https://x";
  rc.exec = exec_config();
  rc.bearer_token = "flag-token";
  int runs = 0;
  CredentialProvider p(rc, fe.env(), [&](const ExecConfig&, const ExecClusterInfo*, const Env&) {
    ++runs;
    return ExecCredential{};
  });
  CHECK_FALSE(p.uses_exec());
  CHECK(p.current().bearer_token == "flag-token");
  CHECK(runs == 0);
  CHECK_FALSE(p.refresh_after_unauthorized(p.current()));
}

TEST_CASE("credentials: the token file is re-read at least once a minute") {
  FakeEnv fe;
  fe.files["/sa/token"] = "one\n";
  RestConfig rc;
  rc.host = "https://x";
  rc.bearer_token = "one";
  rc.bearer_token_file = "/sa/token";
  CredentialProvider p(rc, fe.env());
  CHECK(p.current().bearer_token == "one");
  fe.files["/sa/token"] = "two\n";
  fe.advance(30s);
  CHECK(p.current().bearer_token == "one");  // cached within the minute
  fe.advance(31s);
  CHECK(p.current().bearer_token == "two");
  // A vanished file keeps the last token.
  fe.files.erase("/sa/token");
  fe.advance(2min);
  CHECK(p.current().bearer_token == "two");
  // After a 401 the file is read at once.
  fe.files["/sa/token"] = "three";
  auto used = p.current();
  CHECK(p.refresh_after_unauthorized(used));
  CHECK(p.current().bearer_token == "three");
}

TEST_CASE("credentials: client certificate files are read into memory - missing ones are errors") {
  FakeEnv fe;
  fe.files["/c.crt"] = "CERT";
  fe.files["/c.key"] = "KEY";
  RestConfig rc;
  rc.host = "https://x";
  rc.cert_file = "/c.crt";
  rc.key_file = "/c.key";
  CredentialProvider p(rc, fe.env());
  CHECK(p.current().cert_pem == "CERT");
  CHECK(p.current().key_pem == "KEY");
  rc.key_file = "/missing.key";
  CHECK_THROWS_WITH_AS(CredentialProvider(rc, fe.env()),
                       "unable to read client-key /missing.key: no such file or directory", ConfigError);
}

// kubeconfig loading and merging: client-go's ClientConfigLoadingRules.
#include <doctest/doctest.h>

#include "../kube/fake_env.hpp"
#include "kube/encoding.hpp"
#include "kube/errors.hpp"
#include "kube/kubeconfig.hpp"

using namespace wu::kube;
using wu::kube::testing::FakeEnv;

namespace {

const char* kFileA = R"(apiVersion: v1
kind: Config
current-context: ""
clusters:
- name: shared
  cluster:
    server: https://a.example:6443
contexts:
- name: ctx-a
  context: {cluster: shared, user: red-user, namespace: from-a}
users:
- name: red-user
  user:
    token: token-a
)";

const char* kFileB = R"(apiVersion: v1
kind: Config
current-context: ctx-b
clusters:
- name: shared
  cluster:
    server: https://b.example:6443
    insecure-skip-tls-verify: true
- name: only-b
  cluster:
    server: https://only-b.example
contexts:
- name: ctx-b
  context: {cluster: only-b, user: red-user}
users:
- name: red-user
  user:
    client-certificate: certs/b.crt
    client-key: certs/b.key
)";

}  // namespace

TEST_CASE("kubeconfig: KUBECONFIG merge, first file defining a name wins as a whole object") {
  FakeEnv fe;
  fe.files["/cfg/a"] = kFileA;
  fe.files["/cfg/b"] = kFileB;
  fe.vars["KUBECONFIG"] = "/cfg/a:/cfg/b";
  auto loaded = load_kubeconfig("", fe.env());
  const auto& kc = loaded.config;
  CHECK(loaded.files == std::vector<std::string>{"/cfg/a", "/cfg/b"});
  // Cluster "shared": a's object whole, b's insecure flag does not leak in.
  CHECK(kc.clusters.at("shared").server == "https://a.example:6443");
  CHECK_FALSE(kc.clusters.at("shared").insecure_skip_tls_verify);
  CHECK(kc.clusters.at("only-b").server == "https://only-b.example");
  // User "red-user": a's token only, none of b's certificate fields.
  CHECK(kc.users.at("red-user").token == "token-a");
  CHECK(kc.users.at("red-user").client_certificate.empty());
  // First non-empty current-context wins: a's is empty, so b's.
  CHECK(kc.current_context == "ctx-b");
}

TEST_CASE("kubeconfig: reversed order flips the winners") {
  FakeEnv fe;
  fe.files["/cfg/a"] = kFileA;
  fe.files["/cfg/b"] = kFileB;
  fe.vars["KUBECONFIG"] = "/cfg/b:/cfg/a";
  auto kc = load_kubeconfig("", fe.env()).config;
  CHECK(kc.clusters.at("shared").server == "https://b.example:6443");
  CHECK(kc.clusters.at("shared").insecure_skip_tls_verify);
  CHECK(kc.users.at("red-user").token.empty());
  CHECK(kc.users.at("red-user").client_certificate == "/cfg/certs/b.crt");
}

TEST_CASE("kubeconfig: missing, empty and duplicate KUBECONFIG entries are skipped") {
  FakeEnv fe;
  fe.files["/cfg/a"] = kFileA;
  fe.vars["KUBECONFIG"] = "::/missing/one:/cfg/a:/cfg/a:";
  auto loaded = load_kubeconfig("", fe.env());
  CHECK(loaded.files == std::vector<std::string>{"/cfg/a"});
  CHECK(loaded.warnings.empty());
  CHECK(loaded.config.users.count("red-user") == 1);
}

TEST_CASE("kubeconfig: all KUBECONFIG entries missing gives a warning, not an error") {
  FakeEnv fe;
  fe.vars["KUBECONFIG"] = "/nope1:/nope2";
  auto loaded = load_kubeconfig("", fe.env());
  CHECK(loaded.config.empty());
  REQUIRE(loaded.warnings.size() == 1);
  CHECK(loaded.warnings[0] == "Config not found: /nope1, /nope2");
}

TEST_CASE("kubeconfig: --kubeconfig uses only that file and it must exist") {
  FakeEnv fe;
  fe.files["/cfg/a"] = kFileA;
  fe.files["/cfg/b"] = kFileB;
  fe.vars["KUBECONFIG"] = "/cfg/a";
  auto kc = load_kubeconfig("/cfg/b", fe.env()).config;
  CHECK(kc.clusters.at("shared").server == "https://b.example:6443");
  CHECK(kc.contexts.count("ctx-a") == 0);
  CHECK_THROWS_WITH_AS(load_kubeconfig("/x/y", fe.env()), "stat /x/y: no such file or directory", ConfigError);
}

TEST_CASE("kubeconfig: an unreadable --kubeconfig is a load error naming it") {
  FakeEnv fe;
  Env env = fe.env();
  env.is_file = [](const std::string&) { return false; };
  env.read_file = [](const std::string& p) -> std::optional<std::string> {
    throw wu::kube::KubeError("read " + p + ": is a directory or not a regular file");
  };
  CHECK_THROWS_WITH_AS(load_kubeconfig("/etc", env),
                       "error loading config file \"/etc\": read /etc: is a directory or not a regular file",
                       ConfigError);
}

TEST_CASE("kubeconfig: falls back to $HOME/.kube/config") {
  FakeEnv fe;
  fe.vars["HOME"] = "/home/me";
  fe.files["/home/me/.kube/config"] = kFileA;
  auto loaded = load_kubeconfig("", fe.env());
  CHECK(loaded.files == std::vector<std::string>{"/home/me/.kube/config"});
  CHECK(loaded.config.contexts.count("ctx-a") == 1);
  FakeEnv none;
  none.vars["HOME"] = "/home/nobody";
  auto empty = load_kubeconfig("", none.env());
  CHECK(empty.config.empty());
  CHECK(empty.warnings.empty());  // no warning for a missing home file
}

TEST_CASE("kubeconfig: relative paths resolve against the defining file's directory") {
  FakeEnv fe;
  fe.files["/etc/kube/main"] = R"(
clusters:
- name: c
  cluster: {server: https://x, certificate-authority: ../pki/ca.crt}
users:
- name: u
  user:
    client-certificate: ./u.crt
    client-key: keys/u.key
    tokenFile: tok
    exec: {command: ./bin/plugin, apiVersion: client.authentication.k8s.io/v1, interactiveMode: Never}
- name: bare
  user:
    exec: {command: gke-gcloud-auth-plugin, apiVersion: client.authentication.k8s.io/v1beta1}
- name: abs
  user: {client-certificate: /abs/u.crt}
)";
  auto kc = load_kubeconfig("/etc/kube/main", fe.env()).config;
  CHECK(kc.clusters.at("c").certificate_authority == "/etc/pki/ca.crt");
  const auto& u = kc.users.at("u");
  CHECK(u.client_certificate == "/etc/kube/u.crt");
  CHECK(u.client_key == "/etc/kube/keys/u.key");
  CHECK(u.token_file == "/etc/kube/tok");
  CHECK(u.exec->command == "/etc/kube/bin/plugin");
  CHECK(kc.users.at("bare").exec->command == "gke-gcloud-auth-plugin");
  // v1beta1 defaults interactiveMode to IfAvailable; v1 does not.
  CHECK(kc.users.at("bare").exec->interactive_mode == "IfAvailable");
  CHECK(kc.users.at("abs").client_certificate == "/abs/u.crt");
}

TEST_CASE("kubeconfig: *-data fields are base64-decoded PEM - bad base64 is a load error") {
  FakeEnv fe;
  std::string pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
  fe.files["/k"] = "clusters:\n- name: c\n  cluster:\n    server: https://x\n    certificate-authority-data: " +
                   base64_encode(pem) + "\n";
  CHECK(load_kubeconfig("/k", fe.env()).config.clusters.at("c").certificate_authority_data == pem);
  fe.files["/bad"] = "users:\n- name: u\n  user:\n    client-key-data: not*base64\n";
  CHECK_THROWS_WITH_AS(load_kubeconfig("/bad", fe.env()),
                       doctest::Contains("error loading config file \"/bad\": illegal base64 data at input byte 3"),
                       ConfigError);
}

TEST_CASE("kubeconfig: an unparsable file is an error naming the file") {
  FakeEnv fe;
  fe.files["/cfg/a"] = kFileA;
  fe.files["/cfg/broken"] = "clusters: [unclosed\n";
  fe.vars["KUBECONFIG"] = "/cfg/a:/cfg/broken";
  CHECK_THROWS_WITH_AS(load_kubeconfig("", fe.env()), doctest::Contains("error loading config file \"/cfg/broken\""),
                       ConfigError);
}

TEST_CASE("kubeconfig: exec env, args, provideClusterInfo and the cluster exec extension are read") {
  FakeEnv fe;
  fe.files["/k"] = R"(
clusters:
- name: c
  cluster:
    server: https://x
    extensions:
    - name: client.authentication.k8s.io/exec
      extension: {audience: sim, retries: 3}
users:
- name: u
  user:
    exec:
      command: plugin
      args: [--a, b]
      env: [{name: FOO, value: bar}]
      apiVersion: client.authentication.k8s.io/v1
      interactiveMode: Always
      provideClusterInfo: true
      installHint: install it
)";
  auto kc = load_kubeconfig("/k", fe.env()).config;
  CHECK(kc.clusters.at("c").exec_extension == nlohmann::json{{"audience", "sim"}, {"retries", 3}});
  const auto& e = *kc.users.at("u").exec;
  CHECK(e.args == std::vector<std::string>{"--a", "b"});
  REQUIRE(e.env.size() == 1);
  CHECK(e.env[0].name == "FOO");
  CHECK(e.env[0].value == "bar");
  CHECK(e.provide_cluster_info);
  CHECK(e.interactive_mode == "Always");
  CHECK(e.install_hint == "install it");
}

TEST_CASE("kubeconfig: the loader's guards apply, an alias bomb is an error not 10^9 nodes (issue #10)") {
  std::string bomb =
      "apiVersion: v1\nkind: Config\nclusters:\n- name: k\n  cluster:\n    server: https://k:6443\n"
      "    extensions:\n    - name: client.authentication.k8s.io/exec\n      extension:\n"
      "        a: &a [x,x,x,x,x,x,x,x,x,x]\n";
  for (char c = 'b'; c <= 'j'; ++c) {
    bomb += std::string("        ") + c + ": &" + c + " [";
    for (int i = 0; i < 10; ++i) bomb += std::string(i ? "," : "") + "*" + static_cast<char>(c - 1);
    bomb += "]\n";
  }
  CHECK(bomb.size() < 1000);
  try {
    parse_kubeconfig(bomb, "/home/u/.kube/config");
    FAIL("no error");
  } catch (const ConfigError& e) {
    const std::string m = e.what();
    CAPTURE(m);
    CHECK(m.find("error loading config file \"/home/u/.kube/config\": line 1") == 0);
    CHECK(m.find("excessive aliasing") != std::string::npos);
  }
  CHECK_THROWS_AS(parse_kubeconfig("clusters: " + std::string(100000, '[') + std::string(100000, ']') + "\n", "c"),
                  ConfigError);
  CHECK_THROWS_AS(parse_kubeconfig(",\n", "c"), ConfigError);
}

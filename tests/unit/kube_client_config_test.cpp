// Flags + kubeconfig + in-cluster -> RestConfig, with kubectl's precedence and messages.
#include <doctest/doctest.h>

#include "../kube/fake_env.hpp"
#include "kube/client_config.hpp"
#include "kube/encoding.hpp"
#include "kube/errors.hpp"
#include "kube/in_cluster.hpp"

using namespace wu::kube;
using wu::kube::testing::FakeEnv;

namespace {

const std::string kCaPem = "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n";

// A kubeconfig with two clusters, three users and three contexts.
std::string base_config() {
  return R"(apiVersion: v1
kind: Config
current-context: dev
clusters:
- name: dev-cluster
  cluster:
    server: https://dev.example:6443
    certificate-authority-data: )" +
         base64_encode(kCaPem) + R"(
    tls-server-name: api.dev.internal
- name: prod-cluster
  cluster:
    server: https://prod.example:6443
    certificate-authority: /pki/prod-ca.crt
    proxy-url: http://proxy.example:3128
contexts:
- name: dev
  context: {cluster: dev-cluster, user: dev-user, namespace: team-a}
- name: prod
  context: {cluster: prod-cluster, user: prod-user}
- name: dangling
  context: {cluster: missing-cluster, user: dev-user}
users:
- name: dev-user
  user: {token: dev-token}
- name: prod-user
  user: {client-certificate: /pki/prod.crt, client-key: /pki/prod.key}
- name: file-user
  user: {tokenFile: /tokens/t}
)";
}

struct Fixture {
  FakeEnv fe;
  Fixture() {
    fe.files["/home/u/.kube/config"] = base_config();
    fe.files["/pki/prod-ca.crt"] = kCaPem;
    fe.files["/pki/prod.crt"] = "CERT";
    fe.files["/pki/prod.key"] = "KEY";
    fe.files["/pki/other-ca.crt"] = kCaPem;
    fe.files["/tokens/t"] = "file-token\n";
    fe.vars["HOME"] = "/home/u";
  }
  ResolvedConfig resolve(const ConfigOverrides& o) { return resolve_client_config(o, fe.env()); }
};

}  // namespace

TEST_CASE_FIXTURE(Fixture, "client config: current-context is used by default") {
  auto r = resolve({});
  CHECK(r.context == "dev");
  CHECK(r.rest.host == "https://dev.example:6443");
  CHECK(r.rest.bearer_token == "dev-token");
  CHECK(r.rest.ca_data == kCaPem);
  CHECK(r.rest.server_name == "api.dev.internal");
  CHECK(r.namespace_ == "team-a");
  CHECK_FALSE(r.namespace_explicit);
  CHECK_FALSE(r.in_cluster);
  CHECK(r.rest.qps == 5);
  CHECK(r.rest.burst == 10);
}

TEST_CASE_FIXTURE(Fixture, "client config: --context switches cluster, user and namespace default") {
  ConfigOverrides o;
  o.context = "prod";
  auto r = resolve(o);
  CHECK(r.rest.host == "https://prod.example:6443");
  CHECK(r.rest.ca_file == "/pki/prod-ca.crt");
  CHECK(r.rest.cert_file == "/pki/prod.crt");
  CHECK(r.rest.key_file == "/pki/prod.key");
  CHECK(r.rest.bearer_token.empty());
  CHECK(r.rest.proxy_url == "http://proxy.example:3128");
  CHECK(r.namespace_ == "default");
}

TEST_CASE_FIXTURE(Fixture, "client config: --cluster and --user replace the context's references") {
  ConfigOverrides o;
  o.cluster = "prod-cluster";
  o.user = "file-user";
  auto r = resolve(o);
  CHECK(r.rest.host == "https://prod.example:6443");
  CHECK(r.rest.bearer_token == "file-token");  // trimmed
  CHECK(r.rest.bearer_token_file == "/tokens/t");
  CHECK(r.namespace_ == "team-a");  // still the context's namespace
}

TEST_CASE_FIXTURE(Fixture, "client config: unknown names give kubectl's messages") {
  ConfigOverrides o;
  o.context = "nope";
  CHECK_THROWS_WITH_AS(resolve(o), "context \"nope\" does not exist", ConfigError);
  o = {};
  o.cluster = "nope";
  CHECK_THROWS_WITH_AS(resolve(o), "cluster \"nope\" does not exist", ConfigError);
  o = {};
  o.user = "nope";
  CHECK_THROWS_WITH_AS(resolve(o), "auth info \"nope\" does not exist", ConfigError);
}

TEST_CASE_FIXTURE(Fixture, "client config: a context pointing at a missing cluster") {
  ConfigOverrides o;
  o.context = "dangling";
  CHECK_THROWS_WITH_AS(resolve(o), "invalid configuration: no configuration has been provided, try setting "
                                   "KUBERNETES_MASTER environment variable",
                       ConfigError);
}

TEST_CASE_FIXTURE(Fixture, "client config: -n overrides the context namespace") {
  ConfigOverrides o;
  o.namespace_ = "other";
  auto r = resolve(o);
  CHECK(r.namespace_ == "other");
  CHECK(r.namespace_explicit);
}

TEST_CASE_FIXTURE(Fixture, "client config: --server clears the kubeconfig tls-server-name unless --tls-server-name") {
  ConfigOverrides o;
  o.server = "https://10.0.0.1:6443";
  auto r = resolve(o);
  CHECK(r.rest.host == "https://10.0.0.1:6443");
  CHECK(r.rest.server_name.empty());
  CHECK(r.rest.bearer_token == "dev-token");
  o.tls_server_name = "api.other";
  CHECK(resolve(o).rest.server_name == "api.other");
  ConfigOverrides only_name;
  only_name.tls_server_name = "sni.example";
  CHECK(resolve(only_name).rest.server_name == "sni.example");
}

TEST_CASE_FIXTURE(Fixture, "client config: a server without scheme gets https only with TLS settings") {
  ConfigOverrides o;
  o.server = "10.0.0.1:6443";
  CHECK(resolve(o).rest.host == "https://10.0.0.1:6443");  // the cluster has CA data
  FakeEnv bare;
  bare.files["/k"] = "clusters:\n- name: c\n  cluster: {server: 'plain.example:8080'}\ncontexts:\n- name: x\n  "
                     "context: {cluster: c, user: u}\nusers:\n- name: u\n  user: {token: t}\ncurrent-context: x\n";
  ConfigOverrides k;
  k.kubeconfig = "/k";
  auto r = resolve_client_config(k, bare.env());
  CHECK(r.rest.host == "http://plain.example:8080");
  // Credentials only travel over TLS.
  CHECK(r.rest.bearer_token.empty());
  CHECK(normalize_server_url("https://x.example/k8s/clusters/c-1/?a=b", true) == "https://x.example/k8s/clusters/c-1");
}

TEST_CASE_FIXTURE(Fixture, "client config: --token replaces token and tokenFile") {
  ConfigOverrides o;
  o.token = "flag-token";
  CHECK(resolve(o).rest.bearer_token == "flag-token");
  o.user = "file-user";
  auto r = resolve(o);
  CHECK(r.rest.bearer_token == "flag-token");
  CHECK(r.rest.bearer_token_file.empty());
}

TEST_CASE_FIXTURE(Fixture, "client config: token plus client certificate is allowed, both are kept") {
  ConfigOverrides o;
  o.client_certificate = "/pki/prod.crt";
  o.client_key = "/pki/prod.key";
  auto r = resolve(o);
  CHECK(r.rest.bearer_token == "dev-token");
  CHECK(r.rest.cert_file == "/pki/prod.crt");
  CHECK(r.rest.key_file == "/pki/prod.key");
}

TEST_CASE_FIXTURE(Fixture, "client config: --insecure-skip-tls-verify clears the CA") {
  ConfigOverrides o;
  o.insecure_skip_tls_verify = true;
  auto r = resolve(o);
  CHECK(r.rest.insecure);
  CHECK(r.rest.ca_data.empty());
  CHECK(r.rest.ca_file.empty());
  o.context = "prod";
  r = resolve(o);
  CHECK(r.rest.insecure);
  CHECK(r.rest.ca_file.empty());
}

TEST_CASE_FIXTURE(Fixture, "client config: --certificate-authority replaces CA data and turns insecure off") {
  fe.files["/home/u/.kube/config"] += "- name: insecure-user\n  user: {token: x}\n";
  ConfigOverrides o;
  o.certificate_authority = "/pki/other-ca.crt";
  auto r = resolve(o);
  CHECK(r.rest.ca_file == "/pki/other-ca.crt");
  CHECK(r.rest.ca_data.empty());
  CHECK_FALSE(r.rest.insecure);
  o.certificate_authority = "/pki/missing.crt";
  CHECK_THROWS_WITH_AS(resolve(o),
                       "invalid configuration: unable to read certificate-authority /pki/missing.crt for dev-cluster "
                       "due to open /pki/missing.crt: no such file or directory",
                       ConfigError);
}

TEST_CASE_FIXTURE(Fixture, "client config: impersonation flags") {
  ConfigOverrides o;
  o.as = "system:serviceaccount:ns:sa";
  o.as_groups = {"g1", "g2"};
  o.as_uid = "1234";
  auto r = resolve(o);
  CHECK(r.rest.impersonate.user == "system:serviceaccount:ns:sa");
  CHECK(r.rest.impersonate.groups == std::vector<std::string>{"g1", "g2"});
  CHECK(r.rest.impersonate.uid == "1234");
  ConfigOverrides groups_only;
  groups_only.as_groups = {"g1"};
  CHECK_THROWS_WITH_AS(
      resolve(groups_only),
      "invalid configuration: requesting uid, groups or user-extra for dev-user without impersonating a user",
      ConfigError);
}

TEST_CASE_FIXTURE(Fixture, "client config: --request-timeout, --qps, --burst") {
  ConfigOverrides o;
  o.request_timeout = "5";
  o.qps = 20;
  o.burst = 40;
  auto r = resolve(o);
  CHECK(r.rest.timeout == std::chrono::seconds(5));
  CHECK(r.rest.qps == 20);
  CHECK(r.rest.burst == 40);
  o.request_timeout = "1m30s";
  CHECK(resolve(o).rest.timeout == std::chrono::seconds(90));
  o.request_timeout = "soon";
  CHECK_THROWS_WITH_AS(resolve(o),
                       "Invalid timeout value. Timeout must be a single integer in seconds, or an integer followed by "
                       "a corresponding time unit (e.g. 1s | 2m | 3h)",
                       ConfigError);
}

TEST_CASE("client config: validation messages") {
  FakeEnv fe;
  auto expect = [&](const std::string& user_yaml, const std::string& message, const std::string& cluster_yaml =
                                                                                  "{server: https://x}") {
    fe.files["/k"] = "current-context: c\ncontexts:\n- name: c\n  context: {cluster: cl, user: u}\nclusters:\n- name: "
                     "cl\n  cluster: " +
                     cluster_yaml + "\nusers:\n- name: u\n  user: " + user_yaml + "\n";
    ConfigOverrides o;
    o.kubeconfig = "/k";
    CHECK_THROWS_WITH_AS(resolve_client_config(o, fe.env()), message.c_str(), ConfigError);
  };
  std::string pem64 = base64_encode("PEM");
  expect("{token: t, username: a, password: b}",
         "invalid configuration: more than one authentication method found for u; found [token basicAuth], only "
         "one is allowed");
  expect("{client-certificate-data: " + pem64 + "}",
         "invalid configuration: client-key-data or client-key must be specified for u to use the clientCert "
         "authentication method.");
  expect("{exec: {command: p, apiVersion: client.authentication.k8s.io/v1}}",
         "invalid configuration: interactiveMode must be specified for u to use exec authentication plugin");
  expect("{exec: {command: p, apiVersion: client.authentication.k8s.io/v1, interactiveMode: Sometimes}}",
         "invalid configuration: invalid interactiveMode for u: \"Sometimes\"");
  expect("{exec: {apiVersion: client.authentication.k8s.io/v1, interactiveMode: Never}}",
         "invalid configuration: command must be specified for u to use exec authentication plugin");
  expect("{exec: {command: p, interactiveMode: Never}}",
         "invalid configuration: apiVersion must be specified for u to use exec authentication plugin");
  fe.files["/c.crt"] = "CERT";
  fe.files["/c.key"] = "KEY";
  expect("{client-certificate: /c.crt, client-certificate-data: " + pem64 + ", client-key: /c.key}",
         "invalid configuration: client-cert-data and client-cert are both specified for u. client-cert-data will "
         "override.");
  expect("{client-certificate: /c.crt, client-key: /c.key, client-key-data: " + pem64 + "}",
         "invalid configuration: client-key-data and client-key are both specified for u; client-key-data will "
         "override");
  expect("{client-certificate: /missing.crt, client-key: /c.key}",
         "invalid configuration: unable to read client-cert /missing.crt for u due to open /missing.crt: no such "
         "file or directory");
  expect("{client-certificate: /c.crt, client-key: /missing.key}",
         "invalid configuration: unable to read client-key /missing.key for u due to open /missing.key: no such file "
         "or directory");
  expect("{auth-provider: {name: oidc}, exec: {command: p, apiVersion: client.authentication.k8s.io/v1, "
         "interactiveMode: Never}}",
         "invalid configuration: authProvider cannot be provided in combination with an exec plugin for u");
  expect("{exec: {command: p, apiVersion: client.authentication.k8s.io/v1, interactiveMode: Never, env: [{value: "
         "x}]}}",
         "invalid configuration: env variable name must be specified for u to use exec authentication plugin");
  expect("{token: t}",
         "invalid configuration: invalid 'proxy-url' \"ftp://proxy\" for cluster \"cl\": unsupported scheme "
         "\"ftp\", must be http, https, or socks5",
         "{server: https://x, proxy-url: 'ftp://proxy'}");
  expect("{auth-provider: {name: oidc, config: {idp-issuer-url: 'https://idp'}}}",
         "the auth-provider \"oidc\" of user \"u\" is not supported; use an exec credential plugin (for OIDC, "
         "e.g. kubelogin) or a token (--token, or `oc login`)");
  fe.files["/ca"] = "CA";
  expect("{token: t}",
         "invalid configuration: certificate-authority-data and certificate-authority are both specified for cl. "
         "certificate-authority-data will override.",
         "{server: https://x, certificate-authority: /ca, certificate-authority-data: " + pem64 + "}");
  expect("{token: t}", "invalid configuration: no server found for cluster \"cl\"", "{insecure-skip-tls-verify: true}");
  expect("{client-certificate-data: " + pem64 + "}",
         "invalid configuration: [client-key-data or client-key must be specified for u to use the clientCert "
         "authentication method., no server found for cluster \"cl\"]",
         "{insecure-skip-tls-verify: true}");
}

TEST_CASE("client config: an empty kubeconfig without in-cluster is kubectl's 'no configuration' error") {
  FakeEnv fe;
  fe.vars["HOME"] = "/nowhere";
  CHECK_THROWS_WITH_AS(resolve_client_config({}, fe.env()),
                       "invalid configuration: no configuration has been provided, try setting KUBERNETES_MASTER "
                       "environment variable",
                       ConfigError);
  // --server alone is a usable (if anonymous) configuration.
  ConfigOverrides o;
  o.server = "https://only.flag:6443";
  auto r = resolve_client_config(o, fe.env());
  CHECK(r.rest.host == "https://only.flag:6443");
  CHECK(r.namespace_ == "default");
  // KUBERNETES_MASTER provides a default server.
  fe.vars["KUBERNETES_MASTER"] = "https://master.example";
  CHECK(resolve_client_config({}, fe.env()).rest.host == "https://master.example");
}

namespace {
void make_in_cluster(FakeEnv& fe) {
  fe.vars["KUBERNETES_SERVICE_HOST"] = "10.96.0.1";
  fe.vars["KUBERNETES_SERVICE_PORT"] = "443";
  fe.files[fe.sa_dir + "/token"] = "sa-token\n";
  fe.files[fe.sa_dir + "/ca.crt"] = kCaPem;
  fe.files[fe.sa_dir + "/namespace"] = "sa-ns\n";
}
}  // namespace

TEST_CASE("in-cluster: detection needs both variables and the token file") {
  FakeEnv fe;
  fe.sa_dir = "/sa";
  CHECK_FALSE(in_cluster_possible(fe.env()));
  make_in_cluster(fe);
  CHECK(in_cluster_possible(fe.env()));
  fe.vars.erase("KUBERNETES_SERVICE_PORT");
  CHECK_FALSE(in_cluster_possible(fe.env()));
  make_in_cluster(fe);
  fe.files.erase("/sa/token");
  CHECK_FALSE(in_cluster_possible(fe.env()));
}

TEST_CASE("in-cluster: used when the kubeconfig is empty - flags still override") {
  FakeEnv fe;
  fe.sa_dir = "/sa";
  make_in_cluster(fe);
  auto r = resolve_client_config({}, fe.env());
  CHECK(r.in_cluster);
  CHECK(r.rest.host == "https://10.96.0.1:443");
  CHECK(r.rest.bearer_token == "sa-token");
  CHECK(r.rest.bearer_token_file == "/sa/token");
  CHECK(r.rest.ca_data == kCaPem);
  CHECK(r.namespace_ == "sa-ns");
  fe.vars["POD_NAMESPACE"] = "pod-ns";
  CHECK(resolve_client_config({}, fe.env()).namespace_ == "pod-ns");
  ConfigOverrides o;
  o.token = "t2";
  o.namespace_ = "flag-ns";
  r = resolve_client_config(o, fe.env());
  CHECK(r.in_cluster);
  CHECK(r.rest.host == "https://10.96.0.1:443");
  CHECK(r.rest.bearer_token == "t2");
  CHECK(r.rest.bearer_token_file.empty());
  CHECK(r.rest.ca_data == kCaPem);
  CHECK(r.namespace_ == "flag-ns");
  // --server makes the flags a complete configuration of their own (as in client-go).
  o.server = "https://other:6443";
  r = resolve_client_config(o, fe.env());
  CHECK_FALSE(r.in_cluster);
  CHECK(r.rest.host == "https://other:6443");
  CHECK(r.rest.bearer_token == "t2");
  fe.vars["KUBERNETES_SERVICE_HOST"] = "fd00::1";
  CHECK(resolve_client_config({}, fe.env()).rest.host == "https://[fd00::1]:443");
}

TEST_CASE("in-cluster: a real kubeconfig wins, an unreadable ca.crt is a warning") {
  FakeEnv fe;
  fe.sa_dir = "/sa";
  make_in_cluster(fe);
  fe.files["/k"] = "current-context: c\ncontexts:\n- name: c\n  context: {cluster: cl, user: u}\nclusters:\n- name: "
                   "cl\n  cluster: {server: 'https://kc:6443'}\nusers:\n- name: u\n  user: {token: t}\n";
  ConfigOverrides o;
  o.kubeconfig = "/k";
  auto r = resolve_client_config(o, fe.env());
  CHECK_FALSE(r.in_cluster);
  CHECK(r.rest.host == "https://kc:6443");
  CHECK(r.namespace_ == "sa-ns");  // kubeconfig context has no namespace: in-cluster namespace
  fe.files.erase("/sa/ca.crt");
  auto ic = resolve_client_config({}, fe.env());
  CHECK(ic.rest.ca_data.empty());
  REQUIRE(ic.warnings.size() == 1);
  CHECK(ic.warnings[0].find("/sa/ca.crt") != std::string::npos);
}

TEST_CASE("client config: exec user gets cluster info when provideClusterInfo") {
  FakeEnv fe;
  fe.files["/k"] = "current-context: c\ncontexts:\n- name: c\n  context: {cluster: cl, user: u}\nclusters:\n- name: "
                   "cl\n  cluster: {server: 'https://kc:6443', certificate-authority-data: " +
                   base64_encode(kCaPem) +
                   ", extensions: [{name: client.authentication.k8s.io/exec, extension: {a: 1}}]}\nusers:\n- name: "
                   "u\n  user: {exec: {command: p, apiVersion: client.authentication.k8s.io/v1, interactiveMode: "
                   "Never, provideClusterInfo: true}}\n";
  ConfigOverrides o;
  o.kubeconfig = "/k";
  auto r = resolve_client_config(o, fe.env());
  REQUIRE(r.rest.exec.has_value());
  CHECK(r.rest.exec_cluster.server == "https://kc:6443");
  CHECK(r.rest.exec_cluster.certificate_authority_data == kCaPem);
  CHECK(r.rest.exec_cluster.config == nlohmann::json{{"a", 1}});
}

// The kubectl flag set registered on a CLI11 app.
#include <doctest/doctest.h>

#include <CLI/CLI.hpp>

#include "kube_flags.hpp"

using wu::kube::ConfigOverrides;

namespace {
ConfigOverrides parse(std::vector<std::string> args, std::vector<std::string>* rest = nullptr) {
  CLI::App app{"test"};
  ConfigOverrides o;
  std::vector<std::string> positional;
  wu::cmd::add_kube_flags(app, o);
  app.add_option("args", positional);
  std::reverse(args.begin(), args.end());
  app.parse(args);
  if (rest) *rest = positional;
  return o;
}
}  // namespace

TEST_CASE("kube flags: every flag lands in ConfigOverrides") {
  std::vector<std::string> rest;
  auto o = parse({"--kubeconfig", "/k", "--context=c", "--cluster", "cl", "--user", "u", "-n", "ns", "-s",
                  "https://x", "--token", "t", "--certificate-authority", "/ca", "--client-certificate", "/c",
                  "--client-key", "/k.key", "--insecure-skip-tls-verify", "--tls-server-name", "sni", "--as", "alice",
                  "--as-group", "g1", "--as-group=g2", "--as-uid", "42", "--request-timeout", "5s", "--qps", "20",
                  "--burst", "30", "plan"},
                 &rest);
  CHECK(o.kubeconfig == "/k");
  CHECK(o.context == "c");
  CHECK(o.cluster == "cl");
  CHECK(o.user == "u");
  CHECK(o.namespace_ == "ns");
  CHECK(o.server == "https://x");
  CHECK(o.token == "t");
  CHECK(o.certificate_authority == "/ca");
  CHECK(o.client_certificate == "/c");
  CHECK(o.client_key == "/k.key");
  CHECK(o.insecure_skip_tls_verify);
  CHECK(o.tls_server_name == "sni");
  CHECK(o.as == "alice");
  CHECK(o.as_groups == std::vector<std::string>{"g1", "g2"});
  CHECK(o.as_uid == "42");
  CHECK(o.request_timeout == "5s");
  CHECK(o.qps == 20);
  CHECK(o.burst == 30);
  CHECK(rest == std::vector<std::string>{"plan"});  // --as-group does not swallow positionals
}

TEST_CASE("kube flags: boolean and repeatable forms") {
  CHECK_FALSE(parse({"--insecure-skip-tls-verify=false"}).insecure_skip_tls_verify);
  CHECK(parse({"--insecure-skip-tls-verify=true"}).insecure_skip_tls_verify);
  CHECK(parse({"--namespace=x"}).namespace_ == "x");
  CHECK(parse({"-nx"}).namespace_ == "x");
  CHECK(parse({"--as-group", "a", "--as-group", "b", "--as-group", "c"}).as_groups.size() == 3);
  CHECK(parse({"--qps=-1"}).qps == -1);
  CHECK_THROWS(parse({"--burst", "0"}));
}

TEST_CASE("kube flags: defaults and help") {
  auto o = parse({});
  CHECK(o.request_timeout == "0");
  CHECK(o.qps == 5);
  CHECK(o.burst == 10);
  CHECK_FALSE(o.insecure_skip_tls_verify);
  CLI::App app{"test"};
  ConfigOverrides ov;
  wu::cmd::add_kube_flags(app, ov);
  std::string help = app.help();
  CHECK(help.find("Kubernetes connection") != std::string::npos);
  CHECK(help.find("Path to the kubeconfig file to use for CLI requests.") != std::string::npos);
  CHECK(help.find("If present, the namespace scope for this CLI request") != std::string::npos);
  CHECK(help.find("--as-group") != std::string::npos);
}

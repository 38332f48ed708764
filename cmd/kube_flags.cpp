#include "kube_flags.hpp"

#include <CLI/CLI.hpp>

#include "completion_registry.hpp"

namespace wu::cmd {

void add_kube_flags(CLI::App& app, wu::kube::ConfigOverrides& o) {
  CLI::Option_group* g = app.add_option_group("Kubernetes connection");
  complete_as_files(
      g->add_option("--kubeconfig", o.kubeconfig, "Path to the kubeconfig file to use for CLI requests.")->type_name("FILE"));
  g->add_option("--context", o.context, "The name of the kubeconfig context to use")->type_name("NAME");
  g->add_option("--cluster", o.cluster, "The name of the kubeconfig cluster to use")->type_name("NAME");
  g->add_option("--user", o.user, "The name of the kubeconfig user to use")->type_name("NAME");
  g->add_option("-n,--namespace", o.namespace_, "If present, the namespace scope for this CLI request")
      ->type_name("NAMESPACE");
  g->add_option("-s,--server", o.server, "The address and port of the Kubernetes API server")->type_name("URL");
  g->add_option("--token", o.token, "Bearer token for authentication to the API server")->type_name("TOKEN");
  complete_as_files(g->add_option("--certificate-authority", o.certificate_authority,
                                  "Path to a cert file for the certificate authority")
                        ->type_name("FILE"));
  complete_as_files(
      g->add_option("--client-certificate", o.client_certificate, "Path to a client certificate file for TLS")
          ->type_name("FILE"));
  complete_as_files(g->add_option("--client-key", o.client_key, "Path to a client key file for TLS")->type_name("FILE"));
  g->add_flag("--insecure-skip-tls-verify", o.insecure_skip_tls_verify,
              "If true, the server's certificate will not be checked for validity. This will make your HTTPS "
              "connections insecure");
  g->add_option("--tls-server-name", o.tls_server_name,
                "Server name to use for server certificate validation. If it is not provided, the hostname used to "
                "contact the server is used")
      ->type_name("NAME");
  g->add_option("--as", o.as,
                "Username to impersonate for the operation. User could be a regular user or a service account in a "
                "namespace.")
      ->type_name("USER");
  g->add_option("--as-group", o.as_groups,
                "Group to impersonate for the operation, this flag can be repeated to specify multiple groups.")
      ->type_name("GROUP")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  g->add_option("--as-uid", o.as_uid, "UID to impersonate for the operation.")->type_name("UID");
  g->add_option("--request-timeout", o.request_timeout,
                "The length of time to wait before giving up on a single server request. Non-zero values should "
                "contain a corresponding time unit (e.g. 1s, 2m, 3h). A value of zero means don't timeout requests.")
      ->type_name("DURATION")
      ->capture_default_str();
  g->add_option("--qps", o.qps,
                "Maximum sustained queries per second to the API server (client-side rate limit; a negative value "
                "disables it)")
      ->type_name("QPS")
      ->capture_default_str();
  g->add_option("--burst", o.burst, "Maximum burst of queries to the API server above --qps")
      ->type_name("N")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
}

}  // namespace wu::cmd

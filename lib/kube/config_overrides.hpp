#pragma once
// The kubectl connection flags, as typed by the user. Empty means "not given".
#include <string>
#include <vector>

namespace wu::kube {

struct ConfigOverrides {
  std::string kubeconfig;             // --kubeconfig
  std::string context;                // --context
  std::string cluster;                // --cluster
  std::string user;                   // --user
  std::string namespace_;             // -n, --namespace
  std::string server;                 // -s, --server
  std::string token;                  // --token
  std::string certificate_authority;  // --certificate-authority
  std::string client_certificate;     // --client-certificate
  std::string client_key;             // --client-key
  bool insecure_skip_tls_verify = false;  // --insecure-skip-tls-verify
  std::string tls_server_name;        // --tls-server-name
  std::string as;                     // --as
  std::vector<std::string> as_groups; // --as-group (repeatable)
  std::string as_uid;                 // --as-uid
  std::string request_timeout = "0";  // --request-timeout
  double qps = 5;                     // --qps (negative disables the limiter)
  int burst = 10;                     // --burst
};

}  // namespace wu::kube

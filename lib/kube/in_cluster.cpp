#include "kube/in_cluster.hpp"

#include "kube/encoding.hpp"
#include "kube/errors.hpp"

namespace wu::kube {

bool in_cluster_possible(const Env& env) {
  auto host = env.getenv("KUBERNETES_SERVICE_HOST");
  auto port = env.getenv("KUBERNETES_SERVICE_PORT");
  return host && !host->empty() && port && !port->empty() && env.is_file(env.service_account_dir + "/token");
}

RestConfig in_cluster_config(const Env& env, std::vector<std::string>* warnings) {
  auto host = env.getenv("KUBERNETES_SERVICE_HOST").value_or("");
  auto port = env.getenv("KUBERNETES_SERVICE_PORT").value_or("");
  if (host.empty() || port.empty())
    throw ConfigError(
        "unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be "
        "defined");
  const std::string token_file = env.service_account_dir + "/token";
  const std::string ca_file = env.service_account_dir + "/ca.crt";
  std::optional<std::string> token;
  try {
    token = env.read_file(token_file);
  } catch (const std::exception& e) {
    throw ConfigError(std::string("unable to read the in-cluster service account token: ") + e.what());
  }
  if (!token) throw ConfigError("open " + token_file + ": no such file or directory");

  RestConfig rc;
  bool ipv6 = host.find(':') != std::string::npos;
  rc.host = "https://" + (ipv6 ? "[" + host + "]" : host) + ":" + port;
  rc.bearer_token = trim(*token);
  rc.bearer_token_file = token_file;
  std::optional<std::string> ca;
  std::string why = "no such file or directory";
  try {
    ca = env.read_file(ca_file);
  } catch (const std::exception& e) {
    why = e.what();
  }
  if (ca && ca->find("-----BEGIN CERTIFICATE-----") != std::string::npos) {
    rc.ca_data = *ca;
  } else if (warnings) {
    if (ca) why = "no certificate found in the file";
    warnings->push_back("Expected to load root CA config from " + ca_file + ", but got err: " + why);
  }
  return rc;
}

std::string in_cluster_namespace(const Env& env) {
  if (auto ns = env.getenv("POD_NAMESPACE"); ns && !ns->empty()) return *ns;
  try {
    if (auto text = env.read_file(env.service_account_dir + "/namespace")) {
      std::string ns = trim(*text);
      if (!ns.empty()) return ns;
    }
  } catch (const std::exception&) {
  }
  return "default";
}

}  // namespace wu::kube

#include "kube/client_config.hpp"

#include "kube/duration.hpp"
#include "kube/encoding.hpp"
#include "kube/errors.hpp"
#include "kube/in_cluster.hpp"

namespace wu::kube {
namespace {

const char* const kEmptyConfig =
    "no configuration has been provided, try setting KUBERNETES_MASTER environment variable";

// Only this error lets the deferred loader fall back to in-cluster config.
class EmptyConfigError : public ConfigError {
 public:
  EmptyConfigError() : ConfigError(std::string("invalid configuration: ") + kEmptyConfig) {}
};

std::string aggregate(const std::vector<std::string>& errs) {
  if (errs.size() == 1) return errs[0];
  std::string s = "[";
  for (std::size_t i = 0; i < errs.size(); ++i) s += (i ? ", " : "") + errs[i];
  return s + "]";
}

std::string quote(const std::string& s) { return "\"" + s + "\""; }

bool cluster_is_empty(const Cluster& c) {
  return c.server.empty() && c.certificate_authority.empty() && c.certificate_authority_data.empty() &&
         !c.insecure_skip_tls_verify && c.tls_server_name.empty() && c.proxy_url.empty() && !c.disable_compression &&
         c.exec_extension.is_null();
}

void validate_auth_info(const std::string& name, const AuthInfo& a, const Env& env, std::vector<std::string>& errs) {
  std::vector<std::string> methods;
  if (!a.token.empty()) methods.push_back("token");
  if (!a.username.empty() || !a.password.empty()) methods.push_back("basicAuth");
  if (!a.client_certificate.empty() || !a.client_certificate_data.empty()) {
    if (!a.client_certificate.empty() && !a.client_certificate_data.empty())
      errs.push_back("client-cert-data and client-cert are both specified for " + name +
                     ". client-cert-data will override.");
    if (!a.client_key.empty() && !a.client_key_data.empty())
      errs.push_back("client-key-data and client-key are both specified for " + name +
                     "; client-key-data will override");
    if (a.client_key.empty() && a.client_key_data.empty())
      errs.push_back("client-key-data or client-key must be specified for " + name +
                     " to use the clientCert authentication method.");
    if (!a.client_certificate.empty() && !env.is_file(a.client_certificate))
      errs.push_back("unable to read client-cert " + a.client_certificate + " for " + name + " due to open " +
                     a.client_certificate + ": no such file or directory");
    if (!a.client_key.empty() && !env.is_file(a.client_key))
      errs.push_back("unable to read client-key " + a.client_key + " for " + name + " due to open " + a.client_key +
                     ": no such file or directory");
  }
  if (a.exec) {
    if (!a.auth_provider.empty())
      errs.push_back("authProvider cannot be provided in combination with an exec plugin for " + name);
    if (a.exec->command.empty())
      errs.push_back("command must be specified for " + name + " to use exec authentication plugin");
    if (a.exec->api_version.empty())
      errs.push_back("apiVersion must be specified for " + name + " to use exec authentication plugin");
    for (const auto& v : a.exec->env)
      if (v.name.empty())
        errs.push_back("env variable name must be specified for " + name + " to use exec authentication plugin");
    const std::string& mode = a.exec->interactive_mode;
    if (mode.empty())
      errs.push_back("interactiveMode must be specified for " + name + " to use exec authentication plugin");
    else if (mode != "Never" && mode != "IfAvailable" && mode != "Always")
      errs.push_back("invalid interactiveMode for " + name + ": " + quote(mode));
  }
  if (methods.size() > 1) {
    std::string list = "[";
    for (std::size_t i = 0; i < methods.size(); ++i) list += (i ? " " : "") + methods[i];
    errs.push_back("more than one authentication method found for " + name + "; found " + list +
                   "], only one is allowed");
  }
  if ((!a.impersonate_uid.empty() || !a.impersonate_groups.empty() || !a.impersonate_user_extra.empty()) &&
      a.impersonate.empty())
    errs.push_back("requesting uid, groups or user-extra for " + name + " without impersonating a user");
}

void validate_cluster(const std::string& name, const Cluster& c, const Env& env, std::vector<std::string>& errs) {
  if (cluster_is_empty(c)) {
    errs.push_back("cluster has no server defined");
    return;
  }
  if (c.server.empty())
    errs.push_back(name.empty() ? "default cluster has no server defined" : "no server found for cluster " + quote(name));
  if (!c.proxy_url.empty()) {
    auto colon = c.proxy_url.find("://");
    std::string scheme = colon == std::string::npos ? "" : c.proxy_url.substr(0, colon);
    if (scheme != "http" && scheme != "https" && scheme != "socks5")
      errs.push_back("invalid 'proxy-url' " + quote(c.proxy_url) + " for cluster " + quote(name) +
                     ": unsupported scheme " + quote(scheme) + ", must be http, https, or socks5");
  }
  if (!c.certificate_authority.empty() && !c.certificate_authority_data.empty())
    errs.push_back("certificate-authority-data and certificate-authority are both specified for " + name +
                   ". certificate-authority-data will override.");
  if (!c.certificate_authority.empty() && !env.is_file(c.certificate_authority))
    errs.push_back("unable to read certificate-authority " + c.certificate_authority + " for " + name +
                   " due to open " + c.certificate_authority + ": no such file or directory");
}

// The values a default (KUBERNETES_MASTER only) config would give.
Cluster cluster_defaults(const Env& env) {
  Cluster c;
  c.server = env.getenv("KUBERNETES_MASTER").value_or("");
  return c;
}

bool has_scheme(const std::string& s) { return s.find("://") != std::string::npos; }

}  // namespace

std::string normalize_server_url(const std::string& server, bool has_tls_settings) {
  std::string url = server;
  if (!url.empty() && !has_scheme(url)) url = (has_tls_settings ? "https://" : "http://") + url;
  for (char cut : {'#', '?'}) {
    auto pos = url.find(cut);
    if (pos != std::string::npos) url.erase(pos);
  }
  while (url.size() > 1 && url.back() == '/' && url.find('/', url.find("://") + 3) != std::string::npos) url.pop_back();
  return url;
}

RestConfig resolve_direct(const Kubeconfig& config, const ConfigOverrides& o, const Env& env) {
  // Names: flags win; otherwise the context's references.
  const bool context_required = !o.context.empty();
  const std::string context_name = context_required ? o.context : config.current_context;
  Context context;
  if (auto it = config.contexts.find(context_name); it != config.contexts.end()) context = it->second;

  const std::string user_name = o.user.empty() ? context.user : o.user;
  AuthInfo auth;
  if (auto it = config.users.find(user_name); it != config.users.end()) auth = it->second;
  else if (!o.user.empty()) throw ConfigError("auth info " + quote(user_name) + " does not exist");

  if (context_required && !config.contexts.count(context_name))
    throw ConfigError("context " + quote(context_name) + " does not exist");

  const std::string cluster_name = o.cluster.empty() ? context.cluster : o.cluster;
  Cluster cluster = cluster_defaults(env);
  if (auto it = config.clusters.find(cluster_name); it != config.clusters.end()) {
    // mergo.WithOverride: only non-empty kubeconfig fields replace defaults.
    const Cluster& k = it->second;
    Cluster merged = k;
    if (merged.server.empty()) merged.server = cluster.server;
    cluster = merged;
  } else if (!o.cluster.empty()) {
    throw ConfigError("cluster " + quote(cluster_name) + " does not exist");
  }

  // Field overrides from flags.
  if (!o.server.empty()) cluster.server = o.server;
  if (!o.token.empty()) {
    auth.token = o.token;
    auth.token_file.clear();  // --token replaces the kubeconfig token and tokenFile
  }
  if (!o.client_certificate.empty()) auth.client_certificate = o.client_certificate;
  if (!o.client_key.empty()) auth.client_key = o.client_key;
  if (!o.as.empty()) auth.impersonate = o.as;
  if (!o.as_uid.empty()) auth.impersonate_uid = o.as_uid;
  if (!o.as_groups.empty()) auth.impersonate_groups = o.as_groups;
  // --insecure-skip-tls-verify clears the CA; --certificate-authority clears insecure and CA data.
  if (o.insecure_skip_tls_verify || !o.certificate_authority.empty()) {
    cluster.insecure_skip_tls_verify = o.insecure_skip_tls_verify;
    cluster.certificate_authority = o.certificate_authority;
    cluster.certificate_authority_data.clear();
  }
  // --server without --tls-server-name clears the kubeconfig's tls-server-name.
  if (!o.tls_server_name.empty() || !o.server.empty()) cluster.tls_server_name = o.tls_server_name;

  // ConfirmUsable.
  std::vector<std::string> errs;
  if (!context_name.empty() && !config.contexts.count(context_name))
    errs.push_back("context was not found for specified context: " + context_name);
  validate_auth_info(user_name, auth, env, errs);
  validate_cluster(cluster_name, cluster, env, errs);
  if (errs.size() == 1 && errs[0] == "cluster has no server defined") throw EmptyConfigError();
  if (!errs.empty()) throw ConfigError("invalid configuration: " + aggregate(errs));

  RestConfig rc;
  rc.timeout = parse_request_timeout(o.request_timeout);
  rc.qps = o.qps;
  rc.burst = o.burst;
  rc.proxy_url = cluster.proxy_url;
  rc.disable_compression = cluster.disable_compression;
  rc.ca_file = cluster.certificate_authority;
  rc.ca_data = cluster.certificate_authority_data;
  rc.insecure = cluster.insecure_skip_tls_verify;
  rc.server_name = cluster.tls_server_name;

  const bool has_tls = !rc.ca_file.empty() || !rc.ca_data.empty() || rc.insecure || !auth.client_certificate.empty() ||
                       !auth.client_certificate_data.empty();
  rc.host = normalize_server_url(cluster.server, has_tls);

  rc.impersonate.user = auth.impersonate;
  rc.impersonate.uid = auth.impersonate_uid;
  rc.impersonate.groups = auth.impersonate_groups;
  rc.impersonate.extra = auth.impersonate_user_extra;

  // client-go reads credentials only for TLS transports.
  if (rc.host.rfind("https://", 0) == 0) {
    if (!auth.token.empty()) {
      rc.bearer_token = auth.token;
    } else if (!auth.token_file.empty()) {
      std::optional<std::string> text;
      try {
        text = env.read_file(auth.token_file);
      } catch (const std::exception& e) {
        throw ConfigError(e.what());
      }
      if (!text) throw ConfigError("open " + auth.token_file + ": no such file or directory");
      rc.bearer_token = trim(*text);
      rc.bearer_token_file = auth.token_file;
    }
    if (!auth.client_certificate.empty() || !auth.client_certificate_data.empty()) {
      rc.cert_file = auth.client_certificate;
      rc.cert_data = auth.client_certificate_data;
      rc.key_file = auth.client_key;
      rc.key_data = auth.client_key_data;
      // *-data wins over the file when both are set (validation already complained).
      if (!rc.cert_data.empty()) rc.cert_file.clear();
      if (!rc.key_data.empty()) rc.key_file.clear();
    }
    rc.username = auth.username;
    rc.password = auth.password;
    // Legacy auth-provider plugins (oidc; gcp/azure were removed in 1.26) are out of scope: say so clearly.
    if (!auth.auth_provider.empty() && !auth.exec && rc.bearer_token.empty() && rc.cert_data.empty() &&
        rc.cert_file.empty())
      throw ConfigError("the auth-provider \"" + auth.auth_provider + "\" of user \"" + user_name +
                        "\" is not supported; use an exec credential plugin (for OIDC, e.g. kubelogin) or a token "
                        "(--token, or `oc login`)");
    if (auth.exec) {
      rc.exec = auth.exec;
      if (auth.exec->provide_cluster_info) {
        rc.exec_cluster.server = rc.host;
        rc.exec_cluster.tls_server_name = rc.server_name;
        rc.exec_cluster.insecure_skip_tls_verify = rc.insecure;
        rc.exec_cluster.certificate_authority_data = rc.ca_data;
        if (rc.exec_cluster.certificate_authority_data.empty() && !rc.ca_file.empty()) {
          try {
            rc.exec_cluster.certificate_authority_data = env.read_file(rc.ca_file).value_or("");
          } catch (const std::exception& e) {
            throw ConfigError(e.what());
          }
        }
        rc.exec_cluster.proxy_url = rc.proxy_url;
        rc.exec_cluster.disable_compression = rc.disable_compression;
        rc.exec_cluster.config = cluster.exec_extension;
      }
    }
  }
  return rc;
}

ResolvedConfig resolve_client_config(const ConfigOverrides& o, const Env& env) {
  ResolvedConfig out;
  LoadedKubeconfig loaded = load_kubeconfig(o.kubeconfig, env);
  out.kubeconfig_files = loaded.files;
  out.warnings = loaded.warnings;
  const Kubeconfig& kc = loaded.config;

  bool empty_config = false;
  try {
    out.rest = resolve_direct(kc, o, env);
    // A config identical to the default one (nothing but KUBERNETES_MASTER)
    // lets in-cluster config take over, as client-go's IsDefaultConfig.
    try {
      ConfigOverrides none;
      none.qps = o.qps;
      none.burst = o.burst;
      none.request_timeout = o.request_timeout;
      empty_config = resolve_direct(Kubeconfig{}, none, env) == out.rest;
    } catch (const ConfigError&) {
    }
  } catch (const EmptyConfigError&) {
    empty_config = true;
    if (!in_cluster_possible(env)) throw;
  }

  if (empty_config && in_cluster_possible(env)) {
    out.in_cluster = true;
    out.rest = in_cluster_config(env, &out.warnings);
    // The flags in-cluster config honours: --server, --token, --certificate-authority.
    if (!o.server.empty()) out.rest.host = normalize_server_url(o.server, true);
    if (!o.token.empty()) {
      out.rest.bearer_token = o.token;
      out.rest.bearer_token_file.clear();
    }
    if (!o.certificate_authority.empty()) {
      out.rest.ca_file = o.certificate_authority;
      out.rest.ca_data.clear();
    }
    out.rest.timeout = parse_request_timeout(o.request_timeout);
    out.rest.qps = o.qps;
    out.rest.burst = o.burst;
  } else {
    out.context = o.context.empty() ? kc.current_context : o.context;
  }

  // Namespace: flag > kubeconfig context > in-cluster (when possible) > default.
  if (!o.namespace_.empty()) {
    out.namespace_ = o.namespace_;
    out.namespace_explicit = true;
  } else {
    std::string ctx_ns;
    if (auto it = kc.contexts.find(o.context.empty() ? kc.current_context : o.context); it != kc.contexts.end())
      ctx_ns = it->second.namespace_;
    if (!ctx_ns.empty() || !in_cluster_possible(env)) out.namespace_ = ctx_ns.empty() ? "default" : ctx_ns;
    else out.namespace_ = in_cluster_namespace(env);
  }
  return out;
}

}  // namespace wu::kube

#include "kube_session.hpp"

#include <iostream>

#include "kube/client_config.hpp"

namespace wu::cmd {

KubeSession connect(const kube::ConfigOverrides& overrides, const GlobalOptions& global) {
  const kube::Env env = kube::Env::system();
  kube::ResolvedConfig resolved = kube::resolve_client_config(overrides, env);
  for (const auto& w : resolved.warnings) std::cerr << "Warning: " << w << "\n";
  kube::ClientOptions options;
  options.verbosity = global.verbosity;
  options.env = env;
  options.log = [](int, std::string_view line) { std::cerr << line << "\n"; };
  options.on_warning = [](std::string_view text) { std::cerr << "Warning: " << text << "\n"; };
  KubeSession session;
  session.namespace_ = resolved.namespace_;
  session.namespace_explicit = resolved.namespace_explicit;
  session.client = std::make_unique<kube::Client>(std::move(resolved.rest), std::move(options));
  return session;
}

}  // namespace wu::cmd

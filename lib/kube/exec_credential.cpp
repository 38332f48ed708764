#include "kube/exec_credential.hpp"

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include <nlohmann/json.hpp>

#include "kube/encoding.hpp"
#include "kube/errors.hpp"
#include "util/utf8_truncate.hpp"
#include "yaml/json_reader.hpp"

extern char** environ;

namespace wu::kube {
namespace {

const char* const kInstallHintVerboseHelp =
    "\n\nIt looks like you are trying to use a client-go credential plugin that is not installed.\n\n"
    "To learn more about this feature, consult the documentation available at:\n"
    "      https://kubernetes.io/docs/reference/access-authn-authz/authentication/#client-go-credential-plugins";

// exec.LookPath: a name with '/' is used as is, otherwise the first
// executable regular file on $PATH. Done before fork(): the child may only
// make async-signal-safe calls.
std::optional<std::string> look_path(const std::string& command) {
  auto executable = [](const std::string& p) {
    struct stat st {};
    return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(p.c_str(), X_OK) == 0;
  };
  if (command.find('/') != std::string::npos) return executable(command) ? std::optional(command) : std::nullopt;
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= dirs.size()) {
    std::size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string dir = dirs.substr(start, end - start);
    if (dir.empty()) dir = ".";
    std::string candidate = dir + "/" + command;
    if (executable(candidate)) return candidate;
    start = end + 1;
  }
  return std::nullopt;
}

std::string not_found_message(const ExecConfig& config) {
  std::string msg = "exec: executable " + config.command + " not found" + kInstallHintVerboseHelp;
  if (!config.install_hint.empty()) msg += "\n\n" + config.install_hint;
  return msg;
}

bool supported_version(const std::string& v) {
  return v == "client.authentication.k8s.io/v1" || v == "client.authentication.k8s.io/v1beta1";
}

}  // namespace

bool exec_interactive(const ExecConfig& c, bool stdin_is_terminal) {
  if (c.interactive_mode == "Never") return false;
  if (c.interactive_mode == "IfAvailable") return stdin_is_terminal;
  if (c.interactive_mode == "Always") {
    if (!stdin_is_terminal)
      throw AuthError("exec plugin cannot support interactive mode: standard input is not a terminal");
    return true;
  }
  throw AuthError("exec plugin cannot support interactive mode: unknown interactiveMode: \"" + c.interactive_mode +
                  "\"");
}

std::string exec_info_json(const ExecConfig& c, bool interactive, const ExecClusterInfo* cluster) {
  nlohmann::json spec = {{"interactive", interactive}};
  if (c.provide_cluster_info && cluster) {
    nlohmann::json cl = {{"server", cluster->server}};
    if (!cluster->tls_server_name.empty()) cl["tls-server-name"] = cluster->tls_server_name;
    if (cluster->insecure_skip_tls_verify) cl["insecure-skip-tls-verify"] = true;
    if (!cluster->certificate_authority_data.empty())
      cl["certificate-authority-data"] = base64_encode(cluster->certificate_authority_data);
    if (!cluster->proxy_url.empty()) cl["proxy-url"] = cluster->proxy_url;
    if (cluster->disable_compression) cl["disable-compression"] = true;
    if (!cluster->config.is_null()) cl["config"] = cluster->config;
    spec["cluster"] = cl;
  }
  nlohmann::json j = {{"kind", "ExecCredential"}, {"apiVersion", c.api_version}, {"spec", spec}};
  return j.dump();
}

namespace {

// encoding/json's word for a JSON value's type, as its UnmarshalTypeError prints it.
const char* go_json_type(const nlohmann::json& v) {
  if (v.is_boolean()) return "bool";
  if (v.is_number()) return "number";
  if (v.is_array()) return "array";
  if (v.is_object()) return "object";
  return "string";
}

// A string field of the plugin's output; client-go's decoder refuses any other JSON type.
std::string string_field(const nlohmann::json& object, const char* key, const char* go_path) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return {};
  if (!it->is_string())
    throw AuthError(std::string("decoding stdout: json: cannot unmarshal ") + go_json_type(*it) +
                    " into Go struct field " + go_path + " of type string");
  return it->get<std::string>();
}

}  // namespace

ExecCredential parse_exec_credential(std::string_view out, const std::string& configured) {
  std::optional<nlohmann::json> parsed = yaml::try_parse_json(out);
  if (!parsed || !parsed->is_object())
    throw AuthError("decoding stdout: couldn't get version/kind; json parse error: the exec plugin did not print a "
                    "JSON ExecCredential object");
  const nlohmann::json& j = *parsed;
  std::string api_version = string_field(j, "apiVersion", "ExecCredential.apiVersion");
  std::string kind = string_field(j, "kind", "ExecCredential.kind");
  if (api_version.empty() || kind.empty())
    throw AuthError(std::string("decoding stdout: Object '") + (kind.empty() ? "Kind" : "apiVersion") +
                    "' is missing in '" + util::utf8_truncate(out, 200) + "'");
  if (api_version != configured)
    throw AuthError("exec plugin is configured to use API version " + configured + ", plugin returned version " +
                    api_version);
  if (kind != "ExecCredential")
    throw AuthError("decoding stdout: no kind \"" + kind + "\" is registered for version \"" + api_version + "\"");
  auto st = j.find("status");
  if (st == j.end() || st->is_null()) throw AuthError("exec plugin didn't return a status field");
  if (!st->is_object()) throw AuthError("decoding stdout: status must be an object");
  ExecCredential c;
  c.token = string_field(*st, "token", "ExecCredential.status.token");
  c.client_certificate_pem = string_field(*st, "clientCertificateData", "ExecCredential.status.clientCertificateData");
  c.client_key_pem = string_field(*st, "clientKeyData", "ExecCredential.status.clientKeyData");
  if (c.token.empty() && c.client_certificate_pem.empty() && c.client_key_pem.empty())
    throw AuthError("exec plugin didn't return a token or cert/key pair");
  if (c.client_certificate_pem.empty() != c.client_key_pem.empty())
    throw AuthError("exec plugin returned only certificate or key, not both");
  if (!c.client_certificate_pem.empty() &&
      (c.client_certificate_pem.find("-----BEGIN") == std::string::npos ||
       c.client_key_pem.find("-----BEGIN") == std::string::npos))
    throw AuthError("failed parsing client key/certificate: the plugin did not return PEM data");
  if (const std::string e = string_field(*st, "expirationTimestamp", "ExecCredential.status.expirationTimestamp");
      !e.empty()) {
    c.expiration = parse_rfc3339(e);
    if (!c.expiration) throw AuthError("decoding stdout: invalid expirationTimestamp \"" + util::utf8_truncate(e, 80) + "\"");
  }
  return c;
}

ExecCredential run_exec_plugin(const ExecConfig& config, const ExecClusterInfo* cluster, const Env& env) {
  if (!supported_version(config.api_version))
    throw AuthError("exec plugin: invalid apiVersion \"" + config.api_version + "\"");
  const bool interactive = exec_interactive(config, env.stdin_is_terminal ? env.stdin_is_terminal() : false);

  // Everything the child needs is prepared before fork().
  std::vector<std::string> env_strings;
  for (char** e = environ; e && *e; ++e) env_strings.emplace_back(*e);
  for (const auto& v : config.env) env_strings.push_back(v.name + "=" + v.value);
  env_strings.push_back("KUBERNETES_EXEC_INFO=" + exec_info_json(config, interactive, cluster));
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  const std::optional<std::string> program = look_path(config.command);
  if (!program) throw AuthError(not_found_message(config));
  std::vector<std::string> arg_strings{config.command};
  arg_strings.insert(arg_strings.end(), config.args.begin(), config.args.end());
  std::vector<char*> argv;
  for (auto& s : arg_strings) argv.push_back(s.data());
  argv.push_back(nullptr);

  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) throw AuthError(std::string("exec: pipe: ") + std::strerror(errno));
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    close(out_pipe[0]);
    close(out_pipe[1]);
    throw AuthError(std::string("exec: pipe: ") + std::strerror(errno));
  }
  pid_t pid = fork();
  if (pid < 0) throw AuthError(std::string("exec: fork: ") + std::strerror(errno));
  if (pid == 0) {
    // Child: stdout -> pipe, stderr inherited, stdin only when interactive.
    dup2(out_pipe[1], STDOUT_FILENO);
    if (!interactive) {
      int devnull = open("/dev/null", O_RDONLY);
      if (devnull >= 0) dup2(devnull, STDIN_FILENO);
    }
    signal(SIGPIPE, SIG_DFL);
    // Our sockets (API connections) must not leak into the plugin.
    close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
    execve(program->c_str(), argv.data(), envp.data());
    int err = errno;
    ssize_t ignored = write(err_pipe[1], &err, sizeof err);
    (void)ignored;
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  std::string output;
  char buf[4096];
  for (;;) {
    ssize_t n = read(out_pipe[0], buf, sizeof buf);
    if (n > 0) output.append(buf, static_cast<std::size_t>(n));
    else if (n == 0 || errno != EINTR) break;
  }
  close(out_pipe[0]);
  int exec_errno = 0;
  ssize_t got = read(err_pipe[0], &exec_errno, sizeof exec_errno);
  close(err_pipe[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (got == sizeof exec_errno) {
    if (exec_errno == ENOENT || exec_errno == EACCES || exec_errno == ENOTDIR) throw AuthError(not_found_message(config));
    throw AuthError("exec: fork/exec " + config.command + ": " + std::strerror(exec_errno));
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
    throw AuthError("exec: executable " + config.command + " failed with exit code " +
                    std::to_string(WEXITSTATUS(status)));
  if (WIFSIGNALED(status))
    throw AuthError("exec: executable " + config.command + " failed with exit code -1 (killed by signal " +
                    std::to_string(WTERMSIG(status)) + ")");
  return parse_exec_credential(output, config.api_version);
}

}  // namespace wu::kube

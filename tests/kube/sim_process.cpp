#include "sim_process.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace wu::kube::testing {

namespace {
#ifdef WU_KUBEVIRT_SIM
const char* kSimBinary = WU_KUBEVIRT_SIM;
#else
const char* kSimBinary = "";
#endif
}  // namespace

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

nlohmann::json namespace_object(const std::string& name) {
  return {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", name}}}};
}

nlohmann::json busybox_pod(const std::string& name, const std::string& parity_label) {
  nlohmann::json p = {{"apiVersion", "v1"},
                      {"kind", "Pod"},
                      {"metadata", {{"name", name}, {"namespace", "it"}}},
                      {"spec", {{"containers", nlohmann::json::array({{{"name", "c"}, {"image", "busybox"}}})}}}};
  if (!parity_label.empty()) p["metadata"]["labels"]["parity"] = parity_label;
  return p;
}

bool sim_available() {
  if (*kSimBinary == '\0') {
    static bool warned = false;
    if (!warned) MESSAGE("kubevirt-sim is not part of this build: simulator tests are skipped");
    warned = true;
    return false;
  }
  // Built but missing (e.g. its link failed): a failure, not a silent skip.
  REQUIRE_MESSAGE(::access(kSimBinary, X_OK) == 0, "kubevirt-sim should be at " << kSimBinary);
  return true;
}

RetryPolicy fast_retry(int max_retries) {
  RetryPolicy p;
  p.max_retries = max_retries;
  p.initial_backoff = std::chrono::milliseconds(20);
  p.max_backoff = std::chrono::milliseconds(100);
  return p;
}

SimProcess::SimProcess(std::vector<std::string> extra_args) {
  char tmpl[] = "/tmp/wu-kube-it-XXXXXX";
  REQUIRE(::mkdtemp(tmpl) != nullptr);
  dir_ = tmpl;
  std::vector<std::string> args = {kSimBinary, "--state-dir", dir_ + "/state", "--listen", "127.0.0.1:0"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  dir_ += "/state";
  const std::string log = std::string(tmpl) + "/sim.log";
  pid_ = ::fork();
  REQUIRE(pid_ >= 0);
  if (pid_ == 0) {
    int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  // Bounded wait for ready.json (written last, atomically).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!std::filesystem::exists(dir_ + "/ready.json")) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      FAIL("kubevirt-sim exited before it was ready:\n" << read_file(log));
    }
    if (std::chrono::steady_clock::now() > deadline) FAIL("kubevirt-sim not ready after 30 s:\n" << read_file(log));
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  auto ready = nlohmann::json::parse(read_file(dir_ + "/ready.json"));
  url_ = ready.at("url");
  port_ = ready.at("port");
  ClientOptions opts;
  opts.retry.max_retries = 0;
  ConfigOverrides o;
  o.qps = -1;
  admin_ = client("sim", opts, o);
}

SimProcess::~SimProcess() {
  admin_.reset();
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    int status = 0;
    while (::waitpid(pid_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  std::error_code ec;
  std::filesystem::remove_all(std::filesystem::path(dir_).parent_path(), ec);
}

RestConfig SimProcess::rest_config(const std::string& context, ConfigOverrides overrides) const {
  overrides.kubeconfig = kubeconfig();
  if (overrides.context.empty()) overrides.context = context;
  return resolve_client_config(overrides, Env::system()).rest;
}

std::unique_ptr<Client> SimProcess::client(const std::string& context, ClientOptions options,
                                           ConfigOverrides overrides) const {
  return std::make_unique<Client>(rest_config(context, overrides), std::move(options));
}

nlohmann::json SimProcess::control(const std::string& method, const std::string& path, const nlohmann::json& body) {
  Request r;
  r.method = method;
  r.path = path;
  if (!body.is_null()) r.body = body.dump();
  auto resp = admin_->send(r);
  return resp.body.empty() ? nlohmann::json() : nlohmann::json::parse(resp.body);
}

nlohmann::json SimProcess::audit() { return control("GET", "/_sim/audit"); }

void SimProcess::clear_audit() { control("DELETE", "/_sim/audit"); }

std::vector<nlohmann::json> SimProcess::records(const std::string& resource, const std::string& verb) {
  std::vector<nlohmann::json> out;
  for (const auto& r : audit())
    if (r.value("resource", "") == resource && (verb.empty() || r.value("verb", "") == verb)) out.push_back(r);
  return out;
}

}  // namespace wu::kube::testing

#include "sim_fixture.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace simtest {

namespace {
std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

std::string Reply::header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? "" : it->second;
}

Sim::Sim(std::vector<std::string> args) {
  char tmpl[] = "/tmp/kubevirt-sim-api-XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  root_ = tmpl;
  dir_ = root_ + "/state";
  std::vector<std::string> argv = {KUBEVIRT_SIM_BINARY, "--state-dir", dir_};
  argv.insert(argv.end(), args.begin(), args.end());
  const std::string log = root_ + "/sim.log";
  pid_ = fork();
  REQUIRE(pid_ >= 0);
  if (pid_ == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive a crashed test process
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
    }
    std::vector<char*> cargv;
    for (auto& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    execv(cargv[0], cargv.data());
    _exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!std::filesystem::exists(dir_ + "/ready.json")) {
    int st = 0;
    if (waitpid(pid_, &st, WNOHANG) == pid_) {
      pid_ = -1;
      FAIL("kubevirt-sim exited early:\n" << slurp(log));
    }
    if (std::chrono::steady_clock::now() > deadline) FAIL("kubevirt-sim not ready:\n" << slurp(log));
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  port_ = nlohmann::json::parse(slurp(dir_ + "/ready.json")).at("port");
}

Sim::~Sim() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    int st = 0;
    for (int i = 0; i < 100 && waitpid(pid_, &st, WNOHANG) == 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (waitpid(pid_, &st, WNOHANG) == 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &st, 0);
    }
  }
  std::error_code ec;
  std::filesystem::remove_all(root_, ec);
}

Reply Sim::request(const std::string& method, const std::string& path, const std::string& body,
                   const std::string& contentType, const std::string& token, const httplib::Headers& extra) {
  httplib::SSLClient cli("127.0.0.1", port_);
  cli.set_ca_cert_path((dir_ + "/ca.crt").c_str());
  cli.enable_server_certificate_verification(true);
  cli.set_read_timeout(20, 0);
  httplib::Headers h = extra;
  if (!token.empty()) h.emplace("Authorization", "Bearer " + token);
  httplib::Result r(nullptr, httplib::Error::Unknown);
  if (method == "GET") r = cli.Get(path.c_str(), h);
  else if (method == "POST") r = cli.Post(path.c_str(), h, body, contentType.c_str());
  else if (method == "PUT") r = cli.Put(path.c_str(), h, body, contentType.c_str());
  else if (method == "PATCH") r = cli.Patch(path.c_str(), h, body, contentType.c_str());
  else if (method == "DELETE") r = cli.Delete(path.c_str(), h, body, contentType.c_str());
  Reply out;
  if (!r) {
    out.status = -1;
    return out;
  }
  out.status = r->status;
  out.headers = r->headers;
  out.body = r->body;
  return out;
}

nlohmann::json Sim::audit() { return get("/_sim/audit").json(); }

}  // namespace simtest

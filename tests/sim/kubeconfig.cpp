#include "kubeconfig.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "base64.hpp"

namespace sim {

void writeFileAtomic(const std::string& path, const std::string& content, bool privateMode) {
  const std::string tmp = path + ".tmp." + std::to_string(getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cannot write " + tmp);
    out << content;
    out.flush();
    if (!out) throw std::runtime_error("cannot write " + tmp);
  }
  if (privateMode) chmod(tmp.c_str(), 0600);
  if (std::rename(tmp.c_str(), path.c_str()) != 0) throw std::runtime_error("cannot rename " + tmp + " to " + path);
}

namespace {
// A YAML scalar for any string (JSON strings are valid YAML).
std::string q(const std::string& s) { return nlohmann::json(s).dump(); }
}  // namespace

std::string renderKubeconfig(const StateFiles& f) {
  std::string y = "apiVersion: v1\nkind: Config\nclusters:\n- name: sim\n  cluster:\n    server: " + q(f.serverUrl) + "\n";
  if (f.pki) y += "    certificate-authority-data: " + base64Encode(f.pki->ca.cert) + "\n";
  y += "users:\n";
  for (const auto& u : f.users) y += "- name: " + q(u.name) + "\n  user:\n    token: " + q(u.token) + "\n";
  if (f.pki)
    y += "- name: certuser\n  user:\n    client-certificate-data: " + base64Encode(f.pki->client.cert) +
         "\n    client-key-data: " + base64Encode(f.pki->client.key) + "\n";
  y += "contexts:\n";
  auto context = [&](const std::string& name, const std::string& user) {
    y += "- name: " + q(name) + "\n  context:\n    cluster: sim\n    user: " + q(user) + "\n    namespace: default\n";
  };
  for (const auto& u : f.users) {
    if (u.name == "admin") context("sim", "admin");
    else if (u.name == "readonly") context("sim-readonly", "readonly");
    else context("sim-" + u.name, u.name);
  }
  if (f.pki) context("sim-cert", "certuser");
  y += "current-context: sim\npreferences: {}\n";
  return y;
}

void writeStateFiles(const StateFiles& f) {
  mkdir(f.dir.c_str(), 0700);
  struct stat st {};
  if (stat(f.dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    throw std::runtime_error("--state-dir " + f.dir + " is not a directory and cannot be created");
  std::remove((f.dir + "/ready.json").c_str());
  if (f.pki) {
    writeFileAtomic(f.dir + "/ca.crt", f.pki->ca.cert);
    writeFileAtomic(f.dir + "/certuser.crt", f.pki->client.cert);
    writeFileAtomic(f.dir + "/certuser.key", f.pki->client.key, true);
  }
  writeFileAtomic(f.dir + "/kubeconfig", renderKubeconfig(f), true);
}

void writeReady(const std::string& dir, const std::string& url, int port) {
  nlohmann::ordered_json j;
  j["url"] = url;
  j["port"] = port;
  j["pid"] = static_cast<int>(getpid());
  writeFileAtomic(dir + "/ready.json", j.dump() + "\n");
}

}  // namespace sim

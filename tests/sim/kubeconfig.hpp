// The state directory: ca.crt, certuser.crt/.key, kubeconfig, and ready.json
// (written last and atomically, so its presence means "accepting connections").
#pragma once

#include <string>
#include <vector>

#include "tls.hpp"

namespace sim {

struct TokenUser {
  std::string name;
  std::string token;
  bool readOnly = false;
};

struct StateFiles {
  std::string dir;
  std::string serverUrl;  // https://127.0.0.1:PORT
  const Pki* pki = nullptr;  // null with --plain-http
  std::vector<TokenUser> users;  // admin and readonly first
};

std::string renderKubeconfig(const StateFiles& f);
// Throws std::runtime_error naming the file on failure.
void writeStateFiles(const StateFiles& f);
void writeReady(const std::string& dir, const std::string& url, int port);
// Atomic write: temp file + rename.
void writeFileAtomic(const std::string& path, const std::string& content, bool privateMode = false);

}  // namespace sim

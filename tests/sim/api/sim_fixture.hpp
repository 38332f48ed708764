// Starts a kubevirt-sim process for a test (temporary state dir, bounded wait
// for ready.json, always stopped) and talks to it with httplib over HTTPS.
#pragma once

#include <httplib.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace simtest {

struct Reply {
  int status = 0;  // -1: no HTTP answer (connection dropped)
  httplib::Headers headers;
  std::string body;
  nlohmann::json json() const { return nlohmann::json::parse(body, nullptr, false); }
  std::string header(const std::string& name) const;
};

class Sim {
 public:
  explicit Sim(std::vector<std::string> args = {});
  ~Sim();
  Sim(const Sim&) = delete;
  Sim& operator=(const Sim&) = delete;

  Reply request(const std::string& method, const std::string& path, const std::string& body = "",
                const std::string& contentType = "application/json", const std::string& token = "sim-admin-token",
                const httplib::Headers& extra = {});
  Reply get(const std::string& path, const std::string& token = "sim-admin-token") { return request("GET", path, "", "", token); }
  nlohmann::json audit();
  const std::string& dir() const { return dir_; }

 private:
  std::string root_, dir_;
  int port_ = 0;
  int pid_ = -1;
};

// The collections both API test files load objects into (namespace ns1).
inline const std::string kVmis = "/apis/kubevirt.io/v1/namespaces/ns1/virtualmachineinstances";
inline const std::string kPods = "/api/v1/namespaces/ns1/pods";

}  // namespace simtest

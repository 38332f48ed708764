#pragma once
// Starts kubevirt-sim with a temporary state directory, waits (bounded) for
// ready.json, and always stops it. Also wraps the /_sim/ control endpoints.
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kube/client.hpp"
#include "kube/client_config.hpp"

namespace wu::kube::testing {

// False when the simulator is not part of the build (tests then skip
// themselves); a built-but-missing binary fails the test.
bool sim_available();

class SimProcess {
 public:
  explicit SimProcess(std::vector<std::string> extra_args = {});
  ~SimProcess();
  SimProcess(const SimProcess&) = delete;
  SimProcess& operator=(const SimProcess&) = delete;

  const std::string& dir() const { return dir_; }
  const std::string& url() const { return url_; }
  int port() const { return port_; }
  std::string kubeconfig() const { return dir_ + "/kubeconfig"; }

  // Resolves the generated kubeconfig exactly as the CLI would.
  RestConfig rest_config(const std::string& context = "sim", ConfigOverrides overrides = {}) const;
  std::unique_ptr<Client> client(const std::string& context = "sim", ClientOptions options = {},
                                 ConfigOverrides overrides = {}) const;

  // Admin-token requests to /_sim/ (no rate limit, no retries).
  nlohmann::json control(const std::string& method, const std::string& path, const nlohmann::json& body = nullptr);
  nlohmann::json audit();  // records since the last clear_audit()
  void clear_audit();
  void add_faults(const nlohmann::json& config) { control("POST", "/_sim/faults", config); }
  void load_objects(const nlohmann::json& objects) { control("POST", "/_sim/objects", {{"objects", objects}}); }

  // Audit records for a resource/verb (verb "" = any).
  std::vector<nlohmann::json> records(const std::string& resource, const std::string& verb = "");

 private:
  std::string dir_, url_;
  int port_ = 0;
  int pid_ = -1;
  std::unique_ptr<Client> admin_;
};

// A fast retry policy for tests (same rule, shorter backoff).
RetryPolicy fast_retry(int max_retries = 5);

// What most tests load into the simulator: namespace "it" and busybox pods in it.
inline const ResourceRef kNamespaces{"", "v1", "namespaces", "", "", ""};
inline const ResourceRef kPods{"", "v1", "pods", "it", "", ""};
nlohmann::json namespace_object(const std::string& name);
nlohmann::json busybox_pod(const std::string& name, const std::string& parity_label = "");

// The whole file ("" when it cannot be read).
std::string read_file(const std::string& path);

}  // namespace wu::kube::testing

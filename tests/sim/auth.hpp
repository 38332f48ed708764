// Authentication (bearer tokens, verified client certificates), the two-level
// authorization model (full access or read-only), and token-expiry faults.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sim {

struct User {
  User() = default;
  User(std::string n, std::vector<std::string> g, bool ro = false)
      : name(std::move(n)), groups(std::move(g)), readOnly(ro) {}
  std::string name;
  std::vector<std::string> groups;
  bool readOnly = false;
  // A ServiceAccount token's user (system:serviceaccount:NS:NAME): authorized by the stored RBAC (rbac.hpp),
  // and valid only while the ServiceAccount with this UID exists.
  bool rbac = false;
  std::string serviceAccountNamespace, serviceAccountName, serviceAccountUid;
};

class Authenticator {
 public:
  // Adds or replaces the token of a user; clears any expiry configured for it.
  void setToken(const std::string& user, const std::string& token, bool readOnly);
  // The user a bearer token belongs to. Counts the request against expiry faults:
  // an expired token authenticates nobody (401), like a revoked one.
  std::optional<User> byToken(const std::string& token);
  // The same lookup for the control endpoints, which ignore expiry faults.
  std::optional<User> byTokenIgnoringExpiry(const std::string& token) const;
  // A new token for a ServiceAccount (TokenRequest); earlier ones stay valid.
  std::string issueServiceAccountToken(const std::string& ns, const std::string& name, const std::string& uid);
  User byCertificate(const std::string& commonName, const std::vector<std::string>& orgs) const;
  // A user's access for an impersonated name: the configured one if known, else full access.
  bool isReadOnlyUser(const std::string& name) const;

  // Token expiry faults: [{"user": "admin", "afterSeconds": 5}, {"user": "x", "afterRequests": 10}].
  // Throws std::invalid_argument on bad input.
  void configureExpiry(const nlohmann::json& rules);
  void clearExpiry();
  nlohmann::json expiryState() const;

  // Read-only users may only read (and ask what they may do).
  static bool allowed(const User& u, const std::string& verb, const std::string& resource);

 private:
  struct Entry {
    std::string user;
    bool readOnly = false;
    std::string saNamespace, saName, saUid;  // set for ServiceAccount tokens
  };
  static User userOf(const Entry& e);
  struct Expiry {
    std::optional<std::chrono::steady_clock::time_point> deadline;
    std::optional<long> requestsLeft;
    bool expired = false;
  };
  mutable std::mutex mu_;
  std::map<std::string, Entry> tokens_;   // token -> user
  std::map<std::string, Expiry> expiry_;  // user -> expiry state
  uint64_t issued_ = 0;                   // ServiceAccount tokens issued, for unique values
};

}  // namespace sim

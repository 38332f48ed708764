#include "auth.hpp"

#include <algorithm>
#include <stdexcept>

namespace sim {

void Authenticator::setToken(const std::string& user, const std::string& token, bool readOnly) {
  std::lock_guard lk(mu_);
  for (auto it = tokens_.begin(); it != tokens_.end();) {
    if (it->second.user == user && it->second.saUid.empty()) it = tokens_.erase(it);
    else ++it;
  }
  tokens_[token] = Entry{user, readOnly, {}, {}, {}};
  expiry_.erase(user);
}

std::optional<User> Authenticator::byToken(const std::string& token) {
  std::lock_guard lk(mu_);
  auto it = tokens_.find(token);
  if (it == tokens_.end()) return std::nullopt;
  auto ex = expiry_.find(it->second.user);
  if (ex != expiry_.end()) {
    Expiry& e = ex->second;
    if (e.deadline && std::chrono::steady_clock::now() >= *e.deadline) e.expired = true;
    if (e.requestsLeft) {
      if (*e.requestsLeft <= 0) e.expired = true;
      else --*e.requestsLeft;
    }
    if (e.expired) return std::nullopt;
  }
  User u = userOf(it->second);
  if (!u.readOnly && !u.rbac) u.groups.insert(u.groups.begin(), "system:masters");
  return u;
}

User Authenticator::userOf(const Entry& e) {
  if (e.saUid.empty()) return User{e.user, {"system:authenticated"}, e.readOnly};
  // pkg/serviceaccount/util.go UserInfo: the ServiceAccount's groups, then system:authenticated.
  User u{e.user, {"system:serviceaccounts", "system:serviceaccounts:" + e.saNamespace, "system:authenticated"}, false};
  u.rbac = true;
  u.serviceAccountNamespace = e.saNamespace;
  u.serviceAccountName = e.saName;
  u.serviceAccountUid = e.saUid;
  return u;
}

std::string Authenticator::issueServiceAccountToken(const std::string& ns, const std::string& name,
                                                    const std::string& uid) {
  std::lock_guard lk(mu_);
  const std::string token = "sim-sa-" + uid + "-" + std::to_string(++issued_);
  tokens_[token] = {"system:serviceaccount:" + ns + ":" + name, false, ns, name, uid};
  return token;
}

std::optional<User> Authenticator::byTokenIgnoringExpiry(const std::string& token) const {
  std::lock_guard lk(mu_);
  auto it = tokens_.find(token);
  if (it == tokens_.end()) return std::nullopt;
  return userOf(it->second);
}

User Authenticator::byCertificate(const std::string& commonName, const std::vector<std::string>& orgs) const {
  User u{commonName, orgs, false};
  u.groups.push_back("system:authenticated");
  // Only members of system:masters get write access through a certificate.
  u.readOnly = std::find(orgs.begin(), orgs.end(), "system:masters") == orgs.end() || isReadOnlyUser(commonName);
  return u;
}

bool Authenticator::isReadOnlyUser(const std::string& name) const {
  std::lock_guard lk(mu_);
  for (const auto& [tok, e] : tokens_)
    if (e.user == name && e.saUid.empty()) return e.readOnly;
  return false;
}

void Authenticator::configureExpiry(const nlohmann::json& rules) {
  if (!rules.is_array()) throw std::invalid_argument("tokens: expected a list of {user, afterSeconds|afterRequests}");
  std::map<std::string, Expiry> parsed;
  for (const auto& r : rules) {
    if (!r.is_object() || !r.contains("user") || !r["user"].is_string())
      throw std::invalid_argument("tokens: every entry needs a string \"user\"");
    Expiry e;
    if (r.contains("afterSeconds")) {
      if (!r["afterSeconds"].is_number()) throw std::invalid_argument("tokens: afterSeconds must be a number");
      e.deadline = std::chrono::steady_clock::now() +
                   std::chrono::milliseconds(static_cast<long>(r["afterSeconds"].get<double>() * 1000));
    }
    if (r.contains("afterRequests")) {
      if (!r["afterRequests"].is_number_integer()) throw std::invalid_argument("tokens: afterRequests must be an integer");
      e.requestsLeft = r["afterRequests"].get<long>();
    }
    if (!e.deadline && !e.requestsLeft)
      throw std::invalid_argument("tokens: entry for \"" + r["user"].get<std::string>() +
                                  "\" needs afterSeconds or afterRequests");
    parsed[r["user"].get<std::string>()] = e;
  }
  std::lock_guard lk(mu_);
  for (auto& [u, e] : parsed) expiry_[u] = e;
}

void Authenticator::clearExpiry() {
  std::lock_guard lk(mu_);
  expiry_.clear();
}

nlohmann::json Authenticator::expiryState() const {
  std::lock_guard lk(mu_);
  nlohmann::json out = nlohmann::json::array();
  auto now = std::chrono::steady_clock::now();
  for (const auto& [user, e] : expiry_) {
    nlohmann::json j{{"user", user}, {"expired", e.expired || (e.deadline && now >= *e.deadline)}};
    if (e.requestsLeft) j["requestsLeft"] = *e.requestsLeft;
    if (e.deadline)
      j["secondsLeft"] = std::max<double>(0, std::chrono::duration<double>(*e.deadline - now).count());
    out.push_back(j);
  }
  return out;
}

bool Authenticator::allowed(const User& u, const std::string& verb, const std::string& resource) {
  if (!u.readOnly) return true;
  if (verb == "get" || verb == "list" || verb == "watch") return true;
  return verb == "create" && (resource == "selfsubjectaccessreviews" || resource == "selfsubjectreviews");
}

}  // namespace sim

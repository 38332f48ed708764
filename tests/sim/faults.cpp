#include "faults.hpp"

#include "hostile.hpp"

#include <stdexcept>

namespace sim {

using nlohmann::json;

namespace {

std::string str(const json& j, const char* key, const std::string& def, const std::string& where) {
  if (!j.contains(key)) return def;
  if (!j[key].is_string()) throw std::invalid_argument(where + ": \"" + key + "\" must be a string");
  return j[key].get<std::string>();
}

double num(const json& j, const char* key, double def, const std::string& where) {
  if (!j.contains(key)) return def;
  if (!j[key].is_number()) throw std::invalid_argument(where + ": \"" + key + "\" must be a number");
  return j[key].get<double>();
}

}  // namespace

void Faults::configure(const json& cfg) {
  if (!cfg.is_object()) throw std::invalid_argument("faults: expected an object");
  static const char* known[] = {"seed", "rules", "watch", "tokens"};
  for (auto& [k, v] : cfg.items()) {
    bool ok = false;
    for (auto* n : known) ok = ok || k == n;
    if (!ok) throw std::invalid_argument("faults: unknown key \"" + k + "\" (expected seed, rules, watch, tokens)");
  }
  std::vector<Rule> parsed;
  if (cfg.contains("rules")) {
    if (!cfg["rules"].is_array()) throw std::invalid_argument("faults.rules: expected a list");
    size_t i = 0;
    for (const auto& r : cfg["rules"]) {
      const std::string where = "faults.rules[" + std::to_string(i++) + "]";
      if (!r.is_object()) throw std::invalid_argument(where + ": expected an object");
      static const char* ruleKeys[] = {"resource", "verb", "namespace", "code", "drop", "delayMs",
                                       "retryAfterSeconds", "probability", "count", "corrupt"};
      for (auto& [k, v] : r.items()) {
        bool ok = false;
        for (auto* n : ruleKeys) ok = ok || k == n;
        if (!ok) throw std::invalid_argument(where + ": unknown key \"" + k + "\"");
      }
      Rule rule;
      rule.resource = str(r, "resource", "*", where);
      rule.verb = str(r, "verb", "*", where);
      rule.ns = str(r, "namespace", "*", where);
      rule.code = static_cast<int>(num(r, "code", 0, where));
      if (rule.code != 0 && rule.code != 429 && rule.code != 500 && rule.code != 503)
        throw std::invalid_argument(where + ": code must be 429, 500 or 503");
      if (r.contains("drop")) {
        if (!r["drop"].is_boolean()) throw std::invalid_argument(where + ": \"drop\" must be true or false");
        rule.drop = r["drop"].get<bool>();
      }
      rule.delayMs = static_cast<int>(num(r, "delayMs", 0, where));
      // 429 and 503 carry Retry-After: 1 unless told otherwise; 500 only when asked.
      rule.retryAfterSeconds = static_cast<int>(num(r, "retryAfterSeconds", rule.code == 500 ? 0 : 1, where));
      rule.probability = num(r, "probability", 1.0, where);
      if (rule.probability < 0 || rule.probability > 1)
        throw std::invalid_argument(where + ": probability must be between 0 and 1");
      rule.remaining = static_cast<long>(num(r, "count", -1, where));
      rule.corrupt = str(r, "corrupt", "", where);
      if (!rule.corrupt.empty() && !isHostileKind(rule.corrupt))
        throw std::invalid_argument(where + ": corrupt must be deepObject, hugeString, invalidUtf8 or numberOverflow");
      if (rule.code == 0 && !rule.drop && rule.delayMs <= 0 && rule.corrupt.empty())
        throw std::invalid_argument(where + ": a rule needs code, drop, delayMs or corrupt");
      parsed.push_back(rule);
    }
  }
  std::lock_guard lk(mu_);
  if (cfg.contains("seed")) {
    if (!cfg["seed"].is_number_integer()) throw std::invalid_argument("faults.seed: expected an integer");
    rng_.seed(cfg["seed"].get<uint64_t>());
  }
  rules_.insert(rules_.end(), parsed.begin(), parsed.end());
  if (cfg.contains("watch")) {
    const json& w = cfg["watch"];
    if (!w.is_object()) throw std::invalid_argument("faults.watch: expected an object");
    for (auto& [k, v] : w.items())
      if (k != "closeAfterEvents" && k != "closeAfterSeconds" && k != "expireNext")
        throw std::invalid_argument("faults.watch: unknown key \"" + k + "\"");
    watchCloseAfterEvents_ = static_cast<long>(num(w, "closeAfterEvents", 0, "faults.watch"));
    watchCloseAfterSeconds_ = num(w, "closeAfterSeconds", 0, "faults.watch");
    watchExpireNext_ = static_cast<long>(num(w, "expireNext", 0, "faults.watch"));
  }
}

void Faults::clear() {
  std::lock_guard lk(mu_);
  rules_.clear();
  watchCloseAfterEvents_ = 0;
  watchCloseAfterSeconds_ = 0;
  watchExpireNext_ = 0;
}

FaultDecision Faults::decide(const std::string& resource, const std::string& verb, const std::string& ns) {
  std::lock_guard lk(mu_);
  FaultDecision d;
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (auto& r : rules_) {
    if (r.remaining == 0) continue;
    if (r.resource != "*" && r.resource != resource) continue;
    if (r.verb != "*" && r.verb != verb) continue;
    if (r.ns != "*" && r.ns != ns) continue;
    if (d.code || d.drop) {
      if (r.code || r.drop) continue;  // one error per request; delays still add up
    }
    if (r.probability < 1.0 && unit(rng_) >= r.probability) continue;
    if (r.remaining > 0) --r.remaining;
    ++r.fired;
    d.delayMs += r.delayMs;
    if (d.corrupt.empty()) d.corrupt = r.corrupt;
    if (!d.code && !d.drop && (r.code || r.drop)) {
      d.code = r.code;
      d.drop = r.drop;
      d.retryAfterSeconds = r.retryAfterSeconds;
    }
  }
  if (d.drop) d.description = "drop";
  else if (d.code) d.description = std::to_string(d.code);
  if (!d.corrupt.empty()) d.description += std::string(d.description.empty() ? "" : "+") + "corrupt:" + d.corrupt;
  if (d.delayMs > 0) d.description += std::string(d.description.empty() ? "" : "+") + "delay" + std::to_string(d.delayMs) + "ms";
  return d;
}

WatchFaultPlan Faults::watchPlan() {
  std::lock_guard lk(mu_);
  WatchFaultPlan p;
  p.closeAfterEvents = watchCloseAfterEvents_;
  p.closeAfterSeconds = watchCloseAfterSeconds_;
  if (watchExpireNext_ > 0) {
    --watchExpireNext_;
    p.expire = true;
  }
  return p;
}

json Faults::state() const {
  std::lock_guard lk(mu_);
  json rules = json::array();
  for (const auto& r : rules_) {
    json j{{"resource", r.resource}, {"verb", r.verb}, {"namespace", r.ns}, {"probability", r.probability},
           {"fired", r.fired}};
    if (r.code) j["code"] = r.code;
    if (r.drop) j["drop"] = true;
    if (r.delayMs) j["delayMs"] = r.delayMs;
    if (!r.corrupt.empty()) j["corrupt"] = r.corrupt;
    if (r.code && r.retryAfterSeconds > 0) j["retryAfterSeconds"] = r.retryAfterSeconds;
    if (r.remaining >= 0) j["remaining"] = r.remaining;
    rules.push_back(j);
  }
  return json{{"rules", rules},
              {"watch",
               {{"closeAfterEvents", watchCloseAfterEvents_},
                {"closeAfterSeconds", watchCloseAfterSeconds_},
                {"expireNext", watchExpireNext_}}}};
}

}  // namespace sim

#include "control.hpp"

#include "http_util.hpp"
#include "migration_history.hpp"
#include "rollout_controller.hpp"
#include "sim_clock.hpp"
#include "scenario.hpp"
#include "services.hpp"
#include "status_errors.hpp"

namespace sim {

using nlohmann::json;

namespace {

void reply(const httplib::Request& req, httplib::Response& res, int code, const json& body) {
  sendBody(req, res, code, body.dump());
}

json parseJson(const httplib::Request& req) {
  json j = json::parse(req.body.empty() ? "{}" : req.body, nullptr, false);
  if (j.is_discarded()) throw badRequest("request body is not valid JSON");
  return j;
}

}  // namespace

void handleControl(Services& s, const httplib::Request& req, httplib::Response& res) {
  std::string token = req.get_header_value("Authorization");
  if (token.rfind("Bearer ", 0) == 0) token = token.substr(7);
  auto user = s.auth.byTokenIgnoringExpiry(token);
  if (!user) throw unauthorized();
  if (user->readOnly || user->rbac) throw ApiError(403, "Forbidden", "the /_sim/ control endpoints need a full-access token");

  const std::string what = req.path.substr(6);  // after "/_sim/"
  const std::string& m = req.method;
  if (what == "healthz" && m == "GET") {
    reply(req, res, 200, {{"ok", true}, {"resourceVersion", std::to_string(s.store.currentRV())}});
  } else if (what == "audit" && m == "GET") {
    uint64_t since = 0;
    if (req.has_param("since")) since = std::strtoull(req.get_param_value("since").c_str(), nullptr, 10);
    reply(req, res, 200, s.audit.since(since));
  } else if (what == "audit" && m == "DELETE") {
    s.audit.clear();
    reply(req, res, 200, {{"ok", true}});
  } else if (what == "faults" && m == "GET") {
    json st = s.faults.state();
    st["tokens"] = s.auth.expiryState();
    reply(req, res, 200, st);
  } else if (what == "faults" && m == "POST") {
    json cfg = parseJson(req);
    try {
      s.faults.configure(cfg);
      if (cfg.contains("tokens")) s.auth.configureExpiry(cfg["tokens"]);
    } catch (const std::invalid_argument& e) {
      throw badRequest(e.what());
    }
    json st = s.faults.state();
    st["tokens"] = s.auth.expiryState();
    reply(req, res, 200, st);
  } else if (what == "faults" && m == "DELETE") {
    s.faults.clear();
    s.auth.clearExpiry();
    reply(req, res, 200, {{"ok", true}});
  } else if (what == "objects" && m == "POST") {
    try {
      Scenario sc = parseScenario(req.body, "request body");
      std::unique_lock<std::mutex> between_rounds;
      if (s.controllerRound) between_rounds = std::unique_lock(*s.controllerRound);
      size_t n = applyScenario(sc, s.store, s.knobs, s.faults, s.auth);
      reply(req, res, 200, {{"loaded", n}, {"resourceVersion", std::to_string(s.store.currentRV())}});
    } catch (const ScenarioError& e) {
      throw badRequest(e.what());
    }
  } else if (what == "clock" && m == "GET") {
    reply(req, res, 200, {{"now", rfc3339Millis(simNow())}, {"timeScale", simClock().scale()}});
  } else if (what == "migrations" && m == "GET") {
    if (!s.migrations) throw genericNotFound();
    reply(req, res, 200, s.migrations->snapshot());
  } else if (what == "rollout" && m == "POST") {
    if (!s.rollout) throw genericNotFound();
    reply(req, res, 200, s.rollout->start(s, parseJson(req)));
  } else if (what == "rollout" && m == "GET") {
    if (!s.rollout) throw genericNotFound();
    reply(req, res, 200, s.rollout->state());
  } else if (what == "knobs" && m == "GET") {
    reply(req, res, 200, s.knobs.snapshot());
  } else if (what == "knobs" && m == "POST") {
    json k = parseJson(req);
    if (!k.is_object()) throw badRequest("knobs must be a JSON object");
    if (k.contains("faults")) throw badRequest("set faults through /_sim/faults");
    s.knobs.merge(k);
    reply(req, res, 200, s.knobs.snapshot());
  } else if (what == "tokens" && m == "POST") {
    json t = parseJson(req);
    if (!t.contains("user") || !t["user"].is_string() || !t.contains("token") || !t["token"].is_string() ||
        t["token"].get<std::string>().empty())
      throw badRequest("expected {\"user\": NAME, \"token\": TOKEN, \"readOnly\": false}");
    s.auth.setToken(t["user"], t["token"], t.value("readOnly", false));
    reply(req, res, 200, {{"ok", true}});
  } else {
    throw genericNotFound();
  }
}

}  // namespace sim

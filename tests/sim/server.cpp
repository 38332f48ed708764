#include "server.hpp"

#include <signal.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <iostream>
#include <memory>
#include <thread>

#include "control.hpp"
#include "controllers.hpp"
#include "evacuation_controller.hpp"
#include "migration_controller.hpp"
#include "migration_history.hpp"
#include "scheduler_controller.hpp"
#include "vm_controller.hpp"
#include "workload_updater.hpp"
#include "discovery.hpp"
#include "generator.hpp"
#include "http_util.hpp"
#include "openapi.hpp"
#include "rbac.hpp"
#include "scenario.hpp"
#include "hco_controller.hpp"
#include "rollout_controller.hpp"
#include "services.hpp"
#include "status_errors.hpp"
#include "tls.hpp"

namespace sim {

using nlohmann::json;

namespace {

bool iequalsPrefix(const std::string& s, const std::string& prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) != std::tolower(static_cast<unsigned char>(prefix[i]))) return false;
  return true;
}

std::string queryString(const httplib::Request& req) {
  std::string q;
  for (const auto& [k, v] : req.params) q += (q.empty() ? "" : "&") + k + "=" + v;
  return q;
}

class Dispatcher {
 public:
  explicit Dispatcher(Services& s) : s_(s) {}
  void operator()(const httplib::Request& req, httplib::Response& res);

 private:
  void serveDiscovery(const RequestInfo& ri, const httplib::Request& req, httplib::Response& res);
  bool serviceAccountExists(const User& u) const;
  void authorizeServiceAccount(const User& u, const RequestInfo& ri, const httplib::Request& req) const;
  Services& s_;
};

void Dispatcher::serveDiscovery(const RequestInfo& ri, const httplib::Request& req, httplib::Response& res) {
  using K = RequestInfo::Kind;
  const std::string accept = req.get_header_value("Accept");
  switch (ri.kind) {
    case K::Version:
      sendBody(req, res, 200, versionInfo().dump());
      return;
    case K::Health:
      sendBody(req, res, 200, "ok", "text/plain; charset=utf-8");
      return;
    case K::CoreVersions:
    case K::Groups: {
      const std::string v = aggregatedVersionRequested(accept);
      if (!v.empty()) {
        sendBody(req, res, 200, aggregatedDiscovery(ri.kind == K::CoreVersions, v).dump(), aggregatedContentType(v));
        return;
      }
      sendBody(req, res, 200, (ri.kind == K::CoreVersions ? coreVersions(s_.serverAddress) : groupList()).dump());
      return;
    }
    case K::CoreResources:
      sendBody(req, res, 200, resourceList("", "v1").dump());
      return;
    case K::Group: {
      json g = groupInfo(ri.group);
      if (g.is_null()) throw genericNotFound();
      sendBody(req, res, 200, g.dump());
      return;
    }
    case K::GroupResources: {
      json l = resourceList(ri.group, ri.version);
      if (l.is_null()) throw genericNotFound();
      sendBody(req, res, 200, l.dump());
      return;
    }
    case K::OpenApiV3Root:
      sendBody(req, res, 200, openApiV3Root().dump());
      return;
    case K::OpenApiV3Doc: {
      json d = openApiV3Document(ri.openApiPath);
      if (d.is_null()) throw genericNotFound();
      sendBody(req, res, 200, d.dump());
      return;
    }
    default:
      // No OpenAPI v2: kubectl uses v3, which says validation happens server-side.
      throw genericNotFound();
  }
}

// A ServiceAccount token is bound to the ServiceAccount's UID: deleted (or recreated), it authenticates nobody.
bool Dispatcher::serviceAccountExists(const User& u) const {
  ObjPtr sa = s_.store.get(*findResource("", "v1", "serviceaccounts"), u.serviceAccountNamespace, u.serviceAccountName);
  return sa && sa->uid == u.serviceAccountUid;
}

// The API server's WithAuthorization filter for a ServiceAccount user: the request's attributes
// (apiserver's RequestInfoFactory) judged by the stored RBAC; 403 with the API server's message.
void Dispatcher::authorizeServiceAccount(const User& u, const RequestInfo& ri, const httplib::Request& req) const {
  using K = RequestInfo::Kind;
  AccessAttributes a;
  if (ri.kind != K::Resource && ri.kind != K::UnknownResource) {
    a.resourceRequest = false;
    a.path = req.path;
    // requestinfo.go: a non-resource request's verb is the lower-cased HTTP method.
    a.verb = req.method;
    for (auto& ch : a.verb) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (a.verb == "head") a.verb = "get";
  } else {
    a.verb = ri.verb == "evict" ? "create" : ri.verb;
    a.group = ri.group;
    a.resource = ri.resourceName;
    a.subresource = ri.verb == "evict" ? "eviction" : ri.subresource;
    a.name = ri.name;
    a.ns = ri.ns;
    if (a.verb.empty()) return;  // the handler answers 405
    // requestinfo.go: a list or watch with fieldSelector metadata.name=X is a request for the object X.
    const std::string fs = param(req, "fieldSelector");
    if ((a.verb == "list" || a.verb == "watch") && a.name.empty())
      for (const char* prefix : {"metadata.name==", "metadata.name="})
        if (fs.rfind(prefix, 0) == 0 && fs.find(',') == std::string::npos) {
          a.name = fs.substr(std::string(prefix).size());
          break;
        }
  }
  const AccessDecision d = authorizeRbac(s_.store, u, a);
  if (!d.allowed) throwRbacForbidden(u, a, d.reason);
}

void Dispatcher::operator()(const httplib::Request& req, httplib::Response& res) {
  const auto start = std::chrono::steady_clock::now();
  if (req.path.rfind("/_sim/", 0) == 0) {
    try {
      handleControl(s_, req, res);
    } catch (const ApiError& e) {
      sendError(req, res, e);
    } catch (const std::exception& e) {
      sendError(req, res, internalError(e.what()));
    }
    return;
  }

  json audit = json::object();
  std::string userName;
  std::optional<User> user;
  RequestInfo ri;
  bool dryRun = false;
  bool dropped = false;
  bool recorded = true;
  try {
    // Authentication: verified client certificate first, then bearer token (apiserver's order).
    if (auto peer = verifiedPeer(req.ssl)) user = s_.auth.byCertificate(peer->commonName, peer->organizations);
    const std::string authz = req.get_header_value("Authorization");
    if (!user && iequalsPrefix(authz, "Bearer ")) user = s_.auth.byToken(authz.substr(7));
    if (!user) throw unauthorized();
    if (user->rbac && !serviceAccountExists(*user)) throw unauthorized();
    userName = user->name;

    // Impersonation.
    std::string impUser = req.get_header_value("Impersonate-User");
    std::vector<std::string> impGroups;
    json impExtra = json::object();
    for (const auto& [k, v] : req.headers) {
      if (iequalsPrefix(k, "Impersonate-Group") && k.size() == 17) impGroups.push_back(v);
      else if (iequalsPrefix(k, "Impersonate-Extra-")) impExtra[k.substr(18)].push_back(v);
    }
    const std::string impUid = req.get_header_value("Impersonate-Uid");
    if (!impUser.empty() || !impGroups.empty() || !impUid.empty() || !impExtra.empty()) {
      if (!impUser.empty()) audit["impersonatedUser"] = impUser;
      if (!impGroups.empty()) audit["impersonatedGroups"] = impGroups;
      if (!impUid.empty()) audit["impersonatedUid"] = impUid;
      if (!impExtra.empty()) audit["impersonatedExtra"] = impExtra;
      if (user->rbac) {
        AccessAttributes a;
        a.verb = "impersonate";
        a.resource = "users";
        a.name = impUser;
        if (auto d = authorizeRbac(s_.store, *user, a); !d.allowed) throwRbacForbidden(*user, a, d.reason);
      } else if (user->readOnly)
        throw ApiError(403, "Forbidden",
                       "users \"" + (impUser.empty() ? std::string() : impUser) + "\" is forbidden: User \"" + user->name +
                           "\" cannot impersonate resource \"users\" in API group \"\" at the cluster scope",
                       json{{"name", impUser}, {"kind", "users"}});
      if (impUser.empty()) throw badRequest("requested impersonation of groups without impersonating a user");
      User eff{impUser, impGroups, s_.auth.isReadOnlyUser(impUser)};
      eff.groups.push_back("system:authenticated");
      eff.rbac = user->rbac;  // what a ServiceAccount may impersonate, RBAC still judges
      user = eff;
    }

    ri = parseRequest(req);
    if (user->rbac && ri.kind != RequestInfo::Kind::Resource) authorizeServiceAccount(*user, ri, req);
    if (ri.kind != RequestInfo::Kind::Resource) {
      recorded = false;  // discovery is not audited: it would drown the interesting records
      if (ri.kind == RequestInfo::Kind::UnknownResource) throw genericNotFound();
      serveDiscovery(ri, req, res);
      return;
    }
    const ResourceInfo& r = *ri.resource;
    audit["verb"] = ri.verb;
    audit["resource"] = r.plural;
    if (!r.group.empty()) audit["apiGroup"] = r.group;
    if (!ri.subresource.empty()) audit["subresource"] = ri.subresource;
    if (!ri.ns.empty()) audit["namespace"] = ri.ns;
    if (!ri.name.empty()) audit["name"] = ri.name;
    if (ri.verb.empty()) throw methodNotAllowed("the server does not allow this method on the requested resource");

    const std::string dr = param(req, "dryRun");
    if (!dr.empty() && dr != "All") throw badRequest("Invalid dryRun value: " + dr + ". Valid value is All");
    dryRun = dr == "All";

    // Faults (after authentication, like API priority and fairness).
    FaultDecision f = s_.faults.decide(r.plural, ri.verb, ri.ns);
    if (!f.description.empty()) audit["injectedFault"] = f.description;
    if (f.delayMs > 0) std::this_thread::sleep_for(std::chrono::milliseconds(f.delayMs));
    if (f.drop) {
      dropped = true;
      dropConnection(req);
      res.status = 500;  // never reaches the client
      throw std::runtime_error("dropped");
    }
    if (f.code == 429)
      throw tooManyRequests("Too many requests, please try again later.", f.retryAfterSeconds);
    if (f.code == 503) {
      ApiError e(503, "ServiceUnavailable", "the server is currently unable to handle the request",
                 f.retryAfterSeconds > 0 ? json{{"retryAfterSeconds", f.retryAfterSeconds}} : json());
      throw e;
    }
    if (f.code == 500) {
      ApiError e(500, "InternalError", "Internal error occurred: injected fault",
                 f.retryAfterSeconds > 0 ? json{{"retryAfterSeconds", f.retryAfterSeconds}} : json());
      throw e;
    }

    // Authorization.
    if (user->rbac) authorizeServiceAccount(*user, ri, req);
    const std::string authzVerb = ri.verb == "evict" ? "create" : ri.verb;
    if (!Authenticator::allowed(*user, authzVerb, r.plural)) {
      const std::string sub = ri.verb == "evict" ? "eviction" : ri.subresource;
      throw forbidden(user->name, authzVerb, r.plural, r.group, ri.ns,
                      ri.verb == "create" ? "" : ri.name, sub);
    }

    Call call{req, res, ri, *user, dryRun, audit, f.corrupt};
    handleResource(s_, call);
    dryRun = call.dryRun;
  } catch (const ApiError& e) {
    sendError(req, res, e);
  } catch (const nlohmann::json::exception& e) {
    // A body whose fields have the wrong JSON types, as the API server's decoder would reject it.
    sendError(req, res, badRequest(std::string("the object provided is malformed: ") + e.what()));
  } catch (const std::exception& e) {
    if (!dropped) sendError(req, res, internalError(e.what()));
  }
  if (!recorded) return;
  audit["user"] = userName;
  audit["userAgent"] = req.get_header_value("User-Agent");
  audit["method"] = req.method;
  audit["path"] = req.path;
  audit["query"] = queryString(req);
  if (!audit.contains("code")) audit["code"] = dropped ? 0 : res.status;
  audit["dryRun"] = audit.value("dryRun", dryRun);
  audit["latencyMs"] =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  for (const char* k : {"verb", "resource", "subresource", "namespace", "name", "impersonatedUser", "injectedFault"})
    if (!audit.contains(k)) audit[k] = "";
  if (!audit.contains("impersonatedGroups")) audit["impersonatedGroups"] = json::array();
  if (!audit.contains("mutation")) audit["mutation"] = false;
  s_.audit.append(std::move(audit));
}

std::string hostForUrl(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

}  // namespace

int runServer(const Config& cfg) {
  // Signals are taken by a dedicated thread; block them everywhere else.
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGINT);
  sigaddset(&sigs, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);
  signal(SIGPIPE, SIG_IGN);

  try {
    Store store(cfg.watchHistory, cfg.seed ^ 0x9e3779b97f4a7c15ULL);
    Faults faults(cfg.seed);
    Authenticator auth;
    for (const auto& u : cfg.users) auth.setToken(u.name, u.token, u.readOnly);
    AuditLog audit(cfg.auditLog);
    Knobs knobs;
    std::atomic<bool> stopping{false};
    Services services{store, faults, auth, audit, knobs, std::chrono::seconds(cfg.pageTokenTtl),
                      std::chrono::seconds(std::max(1, cfg.bookmarkInterval)), &stopping, ""};
    services.seed = cfg.seed;
    MigrationHistory migrations;
    services.migrations = &migrations;
    store.addHook([&migrations](const StoreEvent& ev) { migrations.observe(ev); });

    // Cluster state: the namespaces every cluster has, then the fleet and the scenarios.
    const ResourceInfo& nsRes = *findResource("", "v1", "namespaces");
    for (const char* ns : {"default", "kube-system", "kube-public", "kube-node-lease"})
      store.upsert(nsRes, {{"apiVersion", "v1"}, {"kind", "Namespace"},
                           {"metadata", {{"name", ns}, {"labels", {{"kubernetes.io/metadata.name", ns}}}}},
                           {"spec", {{"finalizers", {"kubernetes"}}}}, {"status", {{"phase", "Active"}}}});
    if (cfg.generate > 0) {
      FleetSummary sum;
      // Generation and storing (serialisation) overlap: the generator runs on its own thread.
      std::mutex qmu;
      std::condition_variable qcv;
      std::deque<GeneratedObject> queue;
      bool done = false;
      std::thread producer([&] {
        generateFleet(cfg.generate, cfg.seed, [&](const ResourceInfo& r, json&& o) {
          std::unique_lock lk(qmu);
          qcv.wait(lk, [&] { return queue.size() < 4096; });
          queue.push_back({&r, std::move(o)});
          qcv.notify_all();
        }, &sum, FleetOptions{cfg.placementCases});
        std::lock_guard lk(qmu);
        done = true;
        qcv.notify_all();
      });
      for (;;) {
        std::deque<GeneratedObject> batch;
        {
          std::unique_lock lk(qmu);
          qcv.wait(lk, [&] { return !queue.empty() || done; });
          if (queue.empty() && done) break;
          batch.swap(queue);
          qcv.notify_all();
        }
        for (auto& o : batch) store.upsert(*o.resource, std::move(o.object));
      }
      producer.join();
      std::cerr << "kubevirt-sim: generated " << sum.vmis << " VMIs (" << sum.running << " running, " << sum.outdated
                << " outdated, " << sum.migratable << " migratable, " << sum.standalone << " standalone), " << sum.vms
                << " VMs, " << sum.pods << " pods, " << sum.migrations << " unfinished migrations, " << sum.nodes
                << " nodes, " << sum.namespaces << " namespaces\n";
    }
    addBootstrapPolicy(store);  // after the fleet, so that its UIDs do not depend on it
    for (const auto& path : cfg.scenarios) {
      Scenario sc = loadScenarioFile(path);
      size_t n = applyScenario(sc, store, knobs, faults, auth);
      std::cerr << "kubevirt-sim: loaded " << n << " objects from " << path << "\n";
    }

    std::unique_ptr<Pki> pki;
    std::unique_ptr<httplib::Server> server;
    if (cfg.plainHttp) {
      server = std::make_unique<httplib::Server>();
    } else {
      pki = std::make_unique<Pki>(generatePki("sim-cert-user", "system:masters"));
      const Pki* p = pki.get();
      server = std::make_unique<httplib::SSLServer>([p](SSL_CTX& ctx) { return configureServerContext(ctx, *p); });
    }
    if (!server->is_valid()) throw std::runtime_error("cannot set up the HTTPS server");
    const size_t threads = cfg.threads;
    server->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    server->set_keep_alive_max_count(1000);
    server->set_read_timeout(30);
    server->set_write_timeout(30);
    server->set_tcp_nodelay(true);
    auto dispatcher = std::make_shared<Dispatcher>(services);
    auto handler = [dispatcher](const httplib::Request& req, httplib::Response& res) { (*dispatcher)(req, res); };
    server->Get(".*", handler);
    server->Post(".*", handler);
    server->Put(".*", handler);
    server->Patch(".*", handler);
    server->Delete(".*", handler);

    int port = cfg.port;
    if (port == 0) {
      port = server->bind_to_any_port(cfg.host);
      if (port <= 0) throw std::runtime_error("cannot listen on " + cfg.host + ":0");
    } else if (!server->bind_to_port(cfg.host, port)) {
      throw std::runtime_error("cannot listen on " + cfg.host + ":" + std::to_string(port));
    }
    const std::string url = std::string(cfg.plainHttp ? "http" : "https") + "://" + hostForUrl(cfg.host) + ":" +
                            std::to_string(port);
    services.serverAddress = hostForUrl(cfg.host) + ":" + std::to_string(port);

    StateFiles files{cfg.stateDir, url, pki.get(), cfg.users};
    writeStateFiles(files);

    // The HCO has reconciled the KubeVirt CR before any client can look (a loaded pair that differs is
    // already reverted, unless the scenario switched hcoReconcile off).
    HcoController::reconcile(services);
    ControllerLoop controllers(services, std::chrono::milliseconds(cfg.tickMs));
    // KubeVirt's controllers run before the termination controller, so that an unfinished
    // migration being deleted is failed before its finalizer is released.
    controllers.add(std::make_unique<HcoController>());
    auto rollout = std::make_unique<RolloutController>();
    services.rollout = rollout.get();
    controllers.add(std::move(rollout));
    controllers.add(std::make_unique<EvacuationController>());
    controllers.add(std::make_unique<WorkloadUpdater>());
    controllers.add(std::make_unique<MigrationController>());
    controllers.add(std::make_unique<VmController>());
    controllers.add(std::make_unique<SchedulerController>());  // places the pods created above
    controllers.add(std::make_unique<TerminationController>());
    controllers.start();

    std::thread listener([&] { server->listen_after_bind(); });
    for (int i = 0; i < 1000 && !server->is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    if (!server->is_running()) throw std::runtime_error("the server did not start");
    writeReady(cfg.stateDir, url, port);
    std::cerr << "kubevirt-sim: serving " << url << " (state in " << cfg.stateDir << ")\n";

    std::thread signals([&] {
      int sig = 0;
      sigwait(&sigs, &sig);
      stopping = true;
      store.wakeAll();
      server->stop();
    });
    listener.join();
    stopping = true;
    controllers.stop();
    if (signals.joinable()) {
      pthread_kill(signals.native_handle(), SIGTERM);
      signals.join();
    }
    std::remove((cfg.stateDir + "/ready.json").c_str());
    return 0;
  } catch (const ScenarioError& e) {
    std::cerr << "kubevirt-sim: scenario error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "kubevirt-sim: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace sim

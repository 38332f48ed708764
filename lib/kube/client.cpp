#include "kube/client.hpp"

#include <condition_variable>
#include <random>

#include "kube/duration.hpp"
#include "kube/encoding.hpp"
#include "kube/errors.hpp"
#include "wu/version.hpp"
#include "util/utf8_truncate.hpp"
#include "yaml/json_reader.hpp"

namespace wu::kube {
namespace {

// Thrown inside the watch body callback to end the stream on a 410 ERROR event.
struct WatchExpired {
  ApiError error;
};

const char* arch() {
#if defined(__x86_64__)
  return "amd64";
#elif defined(__aarch64__)
  return "arm64";
#elif defined(__powerpc64__)
  return "ppc64le";
#elif defined(__s390x__)
  return "s390x";
#else
  return "unknown";
#endif
}

std::string read_ca(const RestConfig& c, const Env& env) {
  if (!c.ca_data.empty()) return c.ca_data;
  if (c.ca_file.empty()) return {};
  std::optional<std::string> text;
  try {
    text = env.read_file(c.ca_file);
  } catch (const std::exception& e) {
    throw ConfigError("unable to read certificate-authority " + c.ca_file + ": " + e.what());
  }
  if (!text) throw ConfigError("unable to read certificate-authority " + c.ca_file + ": no such file or directory");
  return *text;
}

// A 2xx body that must be JSON; a proxy's HTML page gets a clear error.
nlohmann::json parse_json(const HttpResponse& resp, const std::string& what) {
  try {
    return yaml::parse_json(resp.body);
  } catch (const yaml::LoadError& e) {
    throw KubeError("the server's answer to " + what + " is not JSON (HTTP " + std::to_string(resp.code) +
                    ", line " + std::to_string(e.mark().line) + ", column " + std::to_string(e.mark().column) +
                    ": " + e.what() + "): " + std::string(util::utf8_prefix(resp.body, 200)));
  }
}

std::string describe(const AttemptOutcome& o, const std::exception* e) {
  if (o.http_code) return status_text(o.http_code);
  return e ? e->what() : "connection error";
}

}  // namespace

std::string default_user_agent() {
  return std::string("kubectl-workload_update/") + wu::kVersion + " (linux/" + arch() + ") " + wu::kGitCommit;
}

std::string parse_warning_header(std::string_view v) {
  // warn-code SP warn-agent SP "warn-text" [SP warn-date]
  auto q = v.find('"');
  if (q == std::string_view::npos) return std::string(trim(v));
  std::string text;
  for (std::size_t i = q + 1; i < v.size(); ++i) {
    if (v[i] == '\\' && i + 1 < v.size()) text += v[++i];
    else if (v[i] == '"') break;
    else text += v[i];
  }
  return text;
}

Client::Client(RestConfig config, ClientOptions options)
    : config_(std::move(config)),
      options_(std::move(options)),
      tls_(config_.host.rfind("https://", 0) == 0),
      limiter_(config_.qps, config_.burst, options_.clock) {
  if (config_.host.empty()) throw ConfigError("invalid configuration: no server found for the cluster");
  if (config_.insecure && (!config_.ca_data.empty() || !config_.ca_file.empty()))
    throw ConfigError("specifying a root certificates file with the insecure flag is not allowed");
  if (options_.user_agent.empty()) options_.user_agent = default_user_agent();
  if (!options_.random01) {
    auto gen = std::make_shared<std::mt19937_64>(std::random_device{}());
    auto mu = std::make_shared<std::mutex>();
    options_.random01 = [gen, mu] {
      std::lock_guard<std::mutex> lock(*mu);
      return std::uniform_real_distribution<double>(0.0, 1.0)(*gen);
    };
  }
  TransportConfig tc;
  tc.ca_pem = read_ca(config_, options_.env);
  tc.insecure = config_.insecure;
  tc.server_name = config_.server_name;
  tc.proxy_url = config_.proxy_url;
  tc.disable_compression = config_.disable_compression;
  tc.user_agent = options_.user_agent;
  transport_ = std::make_unique<HttpTransport>(tc);
  // Credentials only travel over TLS, as in client-go.
  if (tls_) credentials_ = std::make_unique<CredentialProvider>(config_, options_.env);
}

Client::~Client() = default;

void Client::log(int level, std::string_view line) const {
  if (options_.log && level <= options_.verbosity) options_.log(level, line);
}

std::string Client::url_for(const Request& r) const {
  std::string url = config_.host + r.path;
  Query q = r.query;
  if (r.send_timeout_param && !r.timeout && config_.timeout.count() > 0)
    q.emplace_back("timeout", format_go_duration(config_.timeout));
  std::string qs = encode_query(q);
  if (!qs.empty()) url += "?" + qs;
  return url;
}

Headers Client::build_headers(const Request& r, const RequestCredentials& creds) const {
  Headers h;
  h.emplace_back("Accept", "application/json");
  if (!r.body.empty() || r.method == "POST" || r.method == "PUT" || r.method == "PATCH")
    h.emplace_back("Content-Type", r.content_type);
  h.emplace_back("User-Agent", options_.user_agent);
  if (!creds.bearer_token.empty()) h.emplace_back("Authorization", "Bearer " + creds.bearer_token);
  else if (!creds.username.empty() || !creds.password.empty())
    h.emplace_back("Authorization", "Basic " + base64_encode(creds.username + ":" + creds.password));
  const Impersonation& imp = config_.impersonate;
  if (!imp.user.empty()) {
    h.emplace_back("Impersonate-User", imp.user);
    if (!imp.uid.empty()) h.emplace_back("Impersonate-Uid", imp.uid);
    for (const auto& g : imp.groups) h.emplace_back("Impersonate-Group", g);
    for (const auto& [k, values] : imp.extra)
      for (const auto& v : values) h.emplace_back("Impersonate-Extra-" + header_key_escape(k), v);
  }
  return h;
}

bool Client::sleep_for(std::chrono::milliseconds d, const std::stop_token& stop) {
  if (d.count() <= 0) return !stop.stop_requested();
  std::mutex m;
  std::condition_variable_any cv;
  std::unique_lock<std::mutex> lock(m);
  cv.wait_for(lock, stop, d, [] { return false; });
  return !stop.stop_requested();
}

void Client::wait_for_rate_limit(const Request& r, const std::string& url) {
  auto wait = limiter_.reserve();
  if (wait.count() <= 0) return;
  if (wait > std::chrono::seconds(1))
    log(4, "Waited for " + format_go_duration(wait) +
               " due to client-side throttling, not priority and fairness, request: " + r.method + ":" + url);
  if (!sleep_for(std::chrono::duration_cast<std::chrono::milliseconds>(wait) + std::chrono::milliseconds(1), r.stop))
    throw CancelledError();
}

void Client::emit_warnings(const HttpResponse& resp) {
  if (!options_.on_warning) return;
  for (const auto& v : resp.header_values("Warning")) {
    std::string text = parse_warning_header(v);
    if (text.empty()) continue;
    if (options_.dedupe_warnings) {
      std::lock_guard<std::mutex> lock(warn_mu_);
      if (!seen_warnings_.insert(text).second) continue;
    }
    options_.on_warning(text);
  }
}

HttpResponse Client::execute(const Request& r) {
  const std::string url = url_for(r);
  auto total = r.timeout ? *r.timeout : config_.timeout;
  std::optional<std::chrono::steady_clock::time_point> deadline;
  if (total.count() > 0) deadline = std::chrono::steady_clock::now() + total;

  const bool idempotent = r.idempotent.value_or(is_idempotent_method(r.method));
  bool refreshed_after_401 = false;
  for (int attempt = 0;;) {
    wait_for_rate_limit(r, url);
    RequestCredentials creds;
    if (credentials_) creds = credentials_->current();

    HttpRequest hr;
    hr.method = r.method;
    hr.url = url;
    hr.headers = build_headers(r, creds);
    hr.body = r.body;
    hr.client_cert_pem = creds.cert_pem;
    hr.client_key_pem = creds.key_pem;
    hr.deadline = deadline;
    hr.stop = r.stop;
    hr.replay_unsafe = !idempotent;
    bool delivered = false;
    if (r.on_body) {
      hr.on_body = [&](std::string_view chunk) {
        delivered = true;
        r.on_body(chunk);
      };
    }
    if (options_.verbosity >= 7) log_request(options_.log, options_.verbosity, r.method, url, hr.headers, r.body);

    AttemptOutcome outcome;
    HttpResponse resp;
    try {
      resp = transport_->perform(hr);
    } catch (const TransportError& e) {
      if (options_.verbosity >= 6)
        log(6, r.method + " " + url + " failed: " + e.what());
      if (delivered) throw;  // a stream broke midway: replaying it would duplicate data
      outcome.transport_error = e.kind();
      outcome.request_sent = e.request_sent();
      auto d = decide_retry(options_.retry, idempotent, r.retry_on_429, attempt, outcome, options_.random01());
      if (!d.retry || (deadline && std::chrono::steady_clock::now() + d.delay >= *deadline)) throw;
      log(2, "Retrying " + r.method + " " + url + " in " + format_go_duration(d.delay) + " after: " +
                 describe(outcome, &e) + " (retry " + std::to_string(attempt + 1) + "/" +
                 std::to_string(options_.retry.max_retries) + ")");
      if (!sleep_for(d.delay, r.stop)) throw CancelledError();
      ++attempt;
      continue;
    }

    if (options_.verbosity >= 6)
      log_response(options_.log, options_.verbosity, r.method, url, resp.code, status_text(resp.code), resp.elapsed,
                   resp.headers, resp.body);
    emit_warnings(resp);
    if (resp.code < 400) return resp;

    if (resp.code == 401 && credentials_ && !refreshed_after_401 && !delivered) {
      refreshed_after_401 = true;
      if (credentials_->refresh_after_unauthorized(creds)) {
        log(2, "Got 401 Unauthorized for " + r.method + " " + url + ": refreshed the credentials, retrying once");
        continue;
      }
    }
    outcome.http_code = resp.code;
    outcome.retry_after = parse_retry_after(resp.header("Retry-After"));
    auto d = decide_retry(options_.retry, idempotent, r.retry_on_429, attempt, outcome, options_.random01());
    if (d.retry && !(deadline && std::chrono::steady_clock::now() + d.delay >= *deadline)) {
      log(2, "Retrying " + r.method + " " + url + " in " + format_go_duration(d.delay) + " after: " +
                 status_text(resp.code) + " (retry " + std::to_string(attempt + 1) + "/" +
                 std::to_string(options_.retry.max_retries) + ")");
      if (!sleep_for(d.delay, r.stop)) throw CancelledError();
      ++attempt;
      continue;
    }
    if (!r.throw_on_error) return resp;
    int ra = outcome.retry_after ? static_cast<int>(outcome.retry_after->count()) : 0;
    throw api_error_from_response(resp.code, resp.body, ra, r.method, url);
  }
}

HttpResponse Client::send(const Request& request) { return execute(request); }

nlohmann::json Client::get(const ResourceRef& ref, std::stop_token stop) {
  Request r;
  r.path = resource_path(ref);
  r.stop = stop;
  return parse_json(execute(r), r.method + " " + r.path);
}

ListSummary Client::list_pages(const ResourceRef& ref, const ListOptions& o,
                               const std::function<void(std::string_view)>& on_page,
                               const std::function<void()>& on_restart, std::stop_token stop) {
  ListSummary summary;
  std::string continue_token;
  for (;;) {
    Request r;
    r.path = resource_path(ref);
    r.stop = stop;
    if (!o.label_selector.empty()) r.query.emplace_back("labelSelector", o.label_selector);
    if (!o.field_selector.empty()) r.query.emplace_back("fieldSelector", o.field_selector);
    if (o.limit > 0) r.query.emplace_back("limit", std::to_string(o.limit));
    if (!continue_token.empty()) {
      r.query.emplace_back("continue", continue_token);
    } else {
      if (!o.resource_version.empty()) r.query.emplace_back("resourceVersion", o.resource_version);
      if (!o.resource_version_match.empty()) r.query.emplace_back("resourceVersionMatch", o.resource_version_match);
    }
    HttpResponse resp;
    try {
      resp = execute(r);
    } catch (const ApiError& e) {
      // An expired continue token: start again from the beginning (a
      // consistent snapshot) rather than accept an inconsistent remainder.
      if (!continue_token.empty() && is_resource_expired(e) && summary.restarts < 3) {
        if (!on_restart) throw;
        log(2, "The list of " + ref.resource + " expired while paging (" + e.status_message() +
                   "); listing again from the start");
        on_restart();
        continue_token.clear();
        summary.pages = 0;
        ++summary.restarts;
        continue;
      }
      throw;
    }
    ListMeta meta = extract_list_meta(resp.body);
    on_page(resp.body);
    ++summary.pages;
    summary.resource_version = meta.resource_version;
    if (meta.continue_token.empty()) return summary;
    continue_token = meta.continue_token;
  }
}

nlohmann::json Client::list(const ResourceRef& ref, const ListOptions& options, ListSummary* summary,
                            std::stop_token stop) {
  nlohmann::json items = nlohmann::json::array();
  auto s = list_pages(
      ref, options,
      [&](std::string_view body) {
        nlohmann::json page;
        try {
          page = yaml::parse_json(body);
        } catch (const yaml::LoadError& e) {
          throw KubeError("a page of " + ref.resource + " is not JSON (line " + std::to_string(e.mark().line) +
                          ", column " + std::to_string(e.mark().column) + ": " + e.what() +
                          "); the API server or a proxy in between sent it: retry, and report it if it persists");
        }
        if (auto it = page.find("items"); page.is_object() && it != page.end() && it->is_array())
          for (auto& item : *it) items.push_back(std::move(item));
      },
      [&] { items = nlohmann::json::array(); }, stop);
  if (summary) *summary = s;
  return items;
}

namespace {
void add_write_query(Request& r, const WriteOptions& o) {
  if (o.dry_run) r.query.emplace_back("dryRun", "All");
  if (!o.field_manager.empty()) r.query.emplace_back("fieldManager", o.field_manager);
}
}  // namespace

nlohmann::json Client::create(const ResourceRef& ref, const nlohmann::json& object, const WriteOptions& o) {
  Request r;
  r.method = "POST";
  r.path = resource_path(ref);
  r.body = object.dump();
  r.stop = o.stop;
  add_write_query(r, o);
  return parse_json(execute(r), r.method + " " + r.path);
}

nlohmann::json Client::update(const ResourceRef& ref, const nlohmann::json& object, const WriteOptions& o) {
  Request r;
  r.method = "PUT";
  r.path = resource_path(ref);
  r.body = object.dump();
  r.stop = o.stop;
  add_write_query(r, o);
  return parse_json(execute(r), r.method + " " + r.path);
}

nlohmann::json Client::patch(const ResourceRef& ref, PatchType type, const nlohmann::json& patch,
                             const WriteOptions& o) {
  Request r;
  r.method = "PATCH";
  r.path = resource_path(ref);
  r.body = patch.dump();
  r.stop = o.stop;
  switch (type) {
    case PatchType::Merge: r.content_type = "application/merge-patch+json"; break;
    case PatchType::StrategicMerge: r.content_type = "application/strategic-merge-patch+json"; break;
    case PatchType::Json: r.content_type = "application/json-patch+json"; break;
  }
  add_write_query(r, o);
  return parse_json(execute(r), r.method + " " + r.path);
}

nlohmann::json Client::remove(const ResourceRef& ref, const DeleteOptions& o) {
  Request r;
  r.method = "DELETE";
  r.path = resource_path(ref);
  r.stop = o.stop;
  if (o.dry_run) r.query.emplace_back("dryRun", "All");
  nlohmann::json body = nlohmann::json::object();
  if (o.grace_period_seconds) body["gracePeriodSeconds"] = *o.grace_period_seconds;
  if (!o.propagation_policy.empty()) body["propagationPolicy"] = o.propagation_policy;
  if (!o.precondition_uid.empty()) body["preconditions"]["uid"] = o.precondition_uid;
  if (!o.precondition_resource_version.empty())
    body["preconditions"]["resourceVersion"] = o.precondition_resource_version;
  if (!body.empty()) {
    body["apiVersion"] = "v1";
    body["kind"] = "DeleteOptions";
    r.body = body.dump();
  }
  auto resp = execute(r);
  return resp.body.empty() ? nlohmann::json::object() : parse_json(resp, r.method + " " + r.path);
}

EvictionOutcome Client::evict(const std::string& ns, const std::string& pod, const EvictOptions& o) {
  Request r;
  r.method = "POST";
  r.path = resource_path(ResourceRef{"", "v1", "pods", ns, pod, "eviction"});
  nlohmann::json del = nlohmann::json::object();
  if (o.dry_run) del["dryRun"] = nlohmann::json::array({"All"});
  if (o.grace_period_seconds) del["gracePeriodSeconds"] = *o.grace_period_seconds;
  nlohmann::json body = {{"apiVersion", "policy/v1"},
                         {"kind", "Eviction"},
                         {"metadata", {{"name", pod}, {"namespace", ns}}}};
  if (!del.empty()) body["deleteOptions"] = del;
  r.body = body.dump();
  r.stop = o.stop;
  r.retry_on_429 = false;  // a PDB (or KubeVirt) answers 429: the caller decides
  r.throw_on_error = false;
  auto resp = execute(r);
  std::optional<ApiError> err;
  if (resp.code >= 400) {
    int ra = 0;
    if (auto v = parse_retry_after(resp.header("Retry-After"))) ra = static_cast<int>(v->count());
    err = api_error_from_response(resp.code, resp.body, ra, r.method, url_for(r));
  }
  return classify_eviction(resp.code, err);
}

std::string Client::watch(const ResourceRef& ref, const WatchOptions& o,
                          const std::function<void(const WatchEvent&)>& handler, std::stop_token stop,
                          const std::function<std::string()>& relist) {
  std::string rv = o.resource_version;
  int failures = 0;
  std::string last_error;
  std::mt19937 gen(std::random_device{}());
  while (!stop.stop_requested()) {
    int timeout_s = o.timeout_seconds > 0 ? o.timeout_seconds : 300 + static_cast<int>(gen() % 300);
    Request r;
    r.path = resource_path(ref);
    r.stop = stop;
    r.query.emplace_back("watch", "true");
    if (!rv.empty()) r.query.emplace_back("resourceVersion", rv);
    if (o.allow_bookmarks) r.query.emplace_back("allowWatchBookmarks", "true");
    if (!o.label_selector.empty()) r.query.emplace_back("labelSelector", o.label_selector);
    if (!o.field_selector.empty()) r.query.emplace_back("fieldSelector", o.field_selector);
    r.query.emplace_back("timeoutSeconds", std::to_string(timeout_s));
    // The server ends the watch after timeoutSeconds; the client deadline only
    // guards against a connection that silently hangs.
    r.timeout = std::chrono::seconds(timeout_s + 60);
    r.send_timeout_param = false;
    LineSplitter splitter;
    int events = 0;
    r.on_body = [&](std::string_view chunk) {
      splitter.feed(chunk, [&](std::string_view line) {
        auto ev = parse_watch_event(line);
        if (!ev) return;
        if (ev->type == WatchEventType::Error) {
          auto err = api_error_from_status(ev->object.dump());
          if (!err) throw KubeError("watch ERROR event without a Status: " + util::utf8_truncate(ev->object.dump(), 200));
          if (is_resource_expired(*err)) throw WatchExpired{*err};
          throw *err;
        }
        if (!ev->resource_version.empty()) rv = ev->resource_version;
        ++events;
        handler(*ev);
      });
    };
    auto started = std::chrono::steady_clock::now();
    std::optional<ApiError> expired;
    try {
      execute(r);
      // The server closed the watch (timeoutSeconds): resume from rv. A watch
      // that closes at once without events counts as a failure (backoff).
      if (events > 0 || std::chrono::steady_clock::now() - started > std::chrono::seconds(1)) {
        failures = 0;
        continue;
      }
      last_error = "the server closed the watch at once";
      log(2, "The watch of " + ref.resource + " closed immediately; reconnecting from resourceVersion " + rv);
    } catch (const WatchExpired& e) {
      expired = e.error;
    } catch (const CancelledError&) {
      return rv;
    } catch (const ApiError& e) {
      if (is_resource_expired(e)) {
        expired = e;
      } else {
        if (!(e.code() == 429 || e.code() >= 500)) throw;
        last_error = e.what();
        log(2, "The watch of " + ref.resource + " failed: " + e.what() + "; reconnecting");
      }
    } catch (const TransportError& e) {
      if (e.kind() == TransportError::Kind::TlsVerify) throw;
      last_error = e.what();
      log(2, "The watch of " + ref.resource + " was interrupted (" + e.what() + "); reconnecting from resourceVersion " + rv);
      if (events > 0) failures = 0;
    }
    if (expired) {
      if (!relist) throw *expired;
      log(2, "The watch of " + ref.resource + " expired (" + expired->status_message() + "); listing again");
      rv = relist();
      failures = 0;
      continue;
    }
    if (++failures > options_.retry.max_retries + 5)
      throw KubeError("the watch of " + ref.resource + " keeps failing; giving up after " +
                      std::to_string(failures) + " attempts (last error: " + last_error + ")");
    auto d = decide_retry(RetryPolicy{failures + 1, options_.retry.initial_backoff, options_.retry.max_backoff,
                                      options_.retry.jitter},
                          true, true, failures - 1, AttemptOutcome{503, std::nullopt, std::nullopt, true},
                          options_.random01());
    if (!sleep_for(d.delay, stop)) return rv;
  }
  return rv;
}

}  // namespace wu::kube

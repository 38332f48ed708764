#pragma once
// The API client: typed verbs over one HttpTransport, with credentials,
// impersonation, rate limiting, retries (see retry.hpp for the rule),
// pagination, watches and -v logging. Thread-safe: one Client can serve
// many threads (each request borrows its own curl handle).
// --request-timeout bounds a whole call, retries included, and is also sent
// as ?timeout= (not for watches, which use timeoutSeconds). A 401 re-runs the
// exec plugin (or re-reads the token file) and retries the request once.
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stop_token>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "kube/api_error.hpp"
#include "kube/credentials.hpp"
#include "kube/env.hpp"
#include "kube/eviction.hpp"
#include "kube/http_transport.hpp"
#include "kube/list_pager.hpp"
#include "kube/rate_limiter.hpp"
#include "kube/request_log.hpp"
#include "kube/resource_path.hpp"
#include "kube/rest_config.hpp"
#include "kube/retry.hpp"
#include "kube/watch_stream.hpp"

namespace wu::kube {

struct ClientOptions {
  int verbosity = 0;  // -v level; log lines above it are not even formatted
  // -v output (levels 6-9, see request_log.hpp) and notices with their level:
  // 2 = retries, reconnects and relists; 4 = client-side throttling over 1 s.
  LogFn log;
  // Text of each server "Warning:" header (kubectl prints "Warning: <text>").
  std::function<void(std::string_view text)> on_warning;
  bool dedupe_warnings = true;  // like kubectl: each distinct text once per Client
  RetryPolicy retry;
  std::string user_agent;  // default: kubectl-workload_update/<version> (linux/<arch>) <commit>
  Env env = Env::system();
  std::function<double()> random01;  // jitter source; default std::random_device
  TokenBucket::Clock clock;          // rate-limiter clock; default steady_clock
};

// A raw request; every typed verb goes through this.
struct Request {
  std::string method = "GET";
  std::string path;  // "/api/v1/...", appended to the server's path prefix
  Query query;
  std::string body;
  std::string content_type = "application/json";
  // Safe to replay? Default: GET, HEAD, PUT and DELETE are (see retry.hpp).
  // Set false for a PUT that creates something each time (KubeVirt's migrate).
  std::optional<bool> idempotent;
  bool retry_on_429 = true;     // false for evictions: the caller handles PDB 429s
  bool throw_on_error = true;   // false: return >= 400 responses instead of throwing ApiError
  std::function<void(std::string_view)> on_body;  // stream 2xx bodies (no retry once bytes arrived)
  std::optional<std::chrono::milliseconds> timeout;  // overrides --request-timeout (watches)
  bool send_timeout_param = true;  // ?timeout= from --request-timeout
  std::stop_token stop;
};

struct WriteOptions {
  bool dry_run = false;        // ?dryRun=All
  std::string field_manager;   // ?fieldManager=
  std::stop_token stop;
};

enum class PatchType { Merge, StrategicMerge, Json };

struct DeleteOptions {
  bool dry_run = false;
  std::optional<int> grace_period_seconds;
  std::string propagation_policy;  // "Foreground", "Background", "Orphan"
  std::string precondition_uid;
  std::string precondition_resource_version;
  std::stop_token stop;
};

struct EvictOptions {
  bool dry_run = false;  // deleteOptions.dryRun: ["All"]
  std::optional<int> grace_period_seconds;
  std::stop_token stop;
};

struct WatchOptions {
  std::string resource_version;  // start after this version; "" = now, with synthetic ADDED events
  std::string label_selector;
  std::string field_selector;
  bool allow_bookmarks = true;
  int timeout_seconds = 0;  // server-side watch length; 0 = random 5-10 min like client-go's reflector
};

class Client {
 public:
  explicit Client(RestConfig config, ClientOptions options = {});
  ~Client();

  const RestConfig& config() const { return config_; }

  // GET one object. Throws ApiError (is_not_found, ...), TransportError, AuthError, CancelledError.
  nlohmann::json get(const ResourceRef& ref, std::stop_token stop = {});

  // LIST page by page (limit/continue). Each page body is handed over raw and
  // then dropped, so a caller can parse it without holding the whole list.
  // When a continue token expires (410) the list restarts from scratch:
  // `on_restart` is called first so the caller can discard what it received;
  // without `on_restart` an expiry after the first page throws the ApiError.
  ListSummary list_pages(const ResourceRef& ref, const ListOptions& options,
                         const std::function<void(std::string_view page_body)>& on_page,
                         const std::function<void()>& on_restart = {}, std::stop_token stop = {});

  // All items of a LIST (paginated); `summary` receives the list resourceVersion.
  nlohmann::json list(const ResourceRef& ref, const ListOptions& options = {}, ListSummary* summary = nullptr,
                      std::stop_token stop = {});

  nlohmann::json create(const ResourceRef& ref, const nlohmann::json& object, const WriteOptions& options = {});
  nlohmann::json update(const ResourceRef& ref, const nlohmann::json& object, const WriteOptions& options = {});
  nlohmann::json patch(const ResourceRef& ref, PatchType type, const nlohmann::json& patch,
                       const WriteOptions& options = {});
  // DELETE; returns the server's answer (the object or a Status).
  nlohmann::json remove(const ResourceRef& ref, const DeleteOptions& options = {});

  // policy/v1 Eviction of a pod. Never throws for an HTTP answer: the outcome
  // is classified (PDB, KubeVirt evacuation, gone, ...). Throws TransportError etc.
  EvictionOutcome evict(const std::string& namespace_, const std::string& pod, const EvictOptions& options = {});

  // Watches until `stop` is requested and returns the last resourceVersion.
  // The handler sees ADDED/MODIFIED/DELETED and BOOKMARK events (ERROR events
  // are handled here); an exception thrown by the handler ends the watch.
  // Bookmarks and events advance the resourceVersion; after a server timeout
  // or a dropped connection it reconnects from there (with backoff when
  // connections keep failing). On 410 (HTTP or ERROR event) it calls `relist`,
  // which must re-list and return the resourceVersion to continue from;
  // without `relist` the 410 ApiError is thrown. Other ApiErrors (401, 403,
  // 404, ...) are thrown. The handler runs on the calling thread.
  std::string watch(const ResourceRef& ref, const WatchOptions& options,
                    const std::function<void(const WatchEvent&)>& handler, std::stop_token stop,
                    const std::function<std::string()>& relist = {});

  // Any request (subresources like KubeVirt's migrate, discovery, ...).
  HttpResponse send(const Request& request);

 private:
  HttpResponse execute(const Request& request);
  void wait_for_rate_limit(const Request& r, const std::string& url);
  void emit_warnings(const HttpResponse& resp);
  bool sleep_for(std::chrono::milliseconds d, const std::stop_token& stop);
  std::string url_for(const Request& r) const;
  Headers build_headers(const Request& r, const RequestCredentials& creds) const;
  void log(int level, std::string_view line) const;

  RestConfig config_;
  ClientOptions options_;
  bool tls_;
  std::unique_ptr<HttpTransport> transport_;
  std::unique_ptr<CredentialProvider> credentials_;
  TokenBucket limiter_;
  std::mutex warn_mu_;
  std::set<std::string> seen_warnings_;
};

// The User-Agent we send: "kubectl-workload_update/v0.1.0 (linux/amd64) <commit>".
std::string default_user_agent();

// The text of a Warning header ("299 - \"text\"" -> "text").
std::string parse_warning_header(std::string_view value);

}  // namespace wu::kube

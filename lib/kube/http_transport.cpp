#include "kube/http_transport.hpp"

#include <atomic>
#include <cctype>
#include <cstring>
#include <exception>
#include <sys/socket.h>

#include <curl/curl.h>

#include "kube/errors.hpp"
#include "util/strings.hpp"

namespace wu::kube {
namespace {

std::once_flag g_curl_init;

struct Exchange {
  const HttpRequest* req = nullptr;
  CURL* curl = nullptr;
  HttpResponse* resp = nullptr;
  std::exception_ptr error;
  // The connection's socket once known, so a stop request can shut it down
  // and wake a transfer blocked in recv() at once (a watch waiting for events).
  std::mutex sock_mu;
  curl_socket_t sock = CURL_SOCKET_BAD;
  bool stopped = false;
};

void remember_socket(Exchange* ex) {
  std::lock_guard<std::mutex> lock(ex->sock_mu);
  if (ex->sock != CURL_SOCKET_BAD) return;
  curl_socket_t s = CURL_SOCKET_BAD;
  if (curl_easy_getinfo(ex->curl, CURLINFO_ACTIVESOCKET, &s) == CURLE_OK) ex->sock = s;
  if (ex->stopped && ex->sock != CURL_SOCKET_BAD) ::shutdown(ex->sock, SHUT_RDWR);
}

using util::iequals;

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* ex = static_cast<Exchange*>(user);
  remember_socket(ex);
  std::string_view line(data, size * n);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (line.rfind("HTTP/", 0) == 0) {
    ex->resp->headers.clear();  // a new response (after 100-continue)
  } else if (auto colon = line.find(':'); colon != std::string_view::npos) {
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    ex->resp->headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
  }
  return size * n;
}

size_t on_write(char* data, size_t size, size_t n, void* user) {
  auto* ex = static_cast<Exchange*>(user);
  long code = 0;
  curl_easy_getinfo(ex->curl, CURLINFO_RESPONSE_CODE, &code);
  std::string_view chunk(data, size * n);
  if (ex->req->on_body && code >= 200 && code < 300) {
    try {
      ex->req->on_body(chunk);
    } catch (...) {
      ex->error = std::current_exception();
      return 0;  // aborts the transfer with CURLE_WRITE_ERROR
    }
  } else {
    ex->resp->body.append(chunk);
  }
  return size * n;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* ex = static_cast<Exchange*>(user);
  return ex->req->stop.stop_requested() ? 1 : 0;
}

struct Target {
  std::string url;        // URL to give curl
  std::string connect_to; // "name:port:host:port" or empty
  std::string host_header;
  std::string host;       // host for messages
  bool loopback = false;
};

Target make_target(const std::string& url, const std::string& server_name) {
  Target t;
  t.url = url;
  CURLU* u = curl_url();
  if (curl_url_set(u, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK) {
    char* host = nullptr;
    char* port = nullptr;
    curl_url_get(u, CURLUPART_HOST, &host, 0);
    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT);
    std::string h = host ? host : "", p = port ? port : "";
    t.host = h + (p.empty() ? "" : ":" + p);
    std::string bare = h;
    if (bare.size() > 2 && bare.front() == '[') bare = bare.substr(1, bare.size() - 2);
    t.loopback = bare == "localhost" || bare.rfind("127.", 0) == 0 || bare == "::1";
    if (!server_name.empty() && server_name != h) {
      // No "tls-server-name" option in libcurl: address the server by that
      // name and route the connection to the real host:port.
      t.connect_to = server_name + ":" + p + ":" + h + ":" + p;
      t.host_header = "Host: " + t.host;
      curl_url_set(u, CURLUPART_HOST, server_name.c_str(), 0);
      char* rewritten = nullptr;
      if (curl_url_get(u, CURLUPART_URL, &rewritten, 0) == CURLUE_OK) t.url = rewritten;
      curl_free(rewritten);
    }
    curl_free(host);
    curl_free(port);
  }
  curl_url_cleanup(u);
  return t;
}

// Go resolves names through a SOCKS5 proxy (remote DNS); curl needs socks5h for that.
std::string proxy_for_curl(const std::string& url) {
  if (url.rfind("socks5://", 0) == 0) return "socks5h://" + url.substr(9);
  return url;
}

void set_blob(CURL* c, CURLoption opt, const std::string& pem) {
  curl_blob blob{const_cast<char*>(pem.data()), pem.size(), CURL_BLOB_COPY};
  curl_easy_setopt(c, opt, &blob);
}

[[noreturn]] void throw_transport(CURLcode rc, CURL* c, const Target& t, const char* errbuf, const TransportConfig& cfg) {
  using K = TransportError::Kind;
  std::string detail = errbuf && *errbuf ? errbuf : curl_easy_strerror(rc);
  curl_off_t pretransfer = 0;
  curl_easy_getinfo(c, CURLINFO_PRETRANSFER_TIME_T, &pretransfer);
  switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      throw TransportError(K::Resolve,
                           "Unable to connect to the server " + t.host + ": " + detail +
                               " (check the server URL of the cluster in your kubeconfig, or --server)",
                           false);
    case CURLE_COULDNT_CONNECT:
      throw TransportError(K::Connect,
                           "The connection to the server " + t.host +
                               " was refused - did you specify the right host or port? (" + detail + ")",
                           false);
    case CURLE_PEER_FAILED_VERIFICATION:
      throw TransportError(
          K::TlsVerify,
          "Unable to connect to the server " + t.host + ": tls: failed to verify the server certificate (" + detail +
              "). If the cluster uses a private certificate authority, pass it with --certificate-authority (or "
              "set certificate-authority-data in the kubeconfig); to skip verification knowingly, use "
              "--insecure-skip-tls-verify" +
              (cfg.server_name.empty() ? "" : " (verified against --tls-server-name " + cfg.server_name + ")"),
          false);
    case CURLE_SSL_CERTPROBLEM:
      throw TransportError(K::TlsHandshake,
                           "Unable to use the client certificate for " + t.host + ": " + detail +
                               " (check client-certificate/client-key in the kubeconfig)",
                           false);
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_CACERT_BADFILE:
      throw TransportError(K::TlsHandshake, "Unable to connect to the server " + t.host + ": TLS handshake failed: " + detail,
                           false);
    case CURLE_OPERATION_TIMEDOUT:
      throw TransportError(K::Timeout,
                           "Unable to connect to the server " + t.host + ": " + detail +
                               " (the request timed out; see --request-timeout)",
                           pretransfer > 0);
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      throw TransportError(K::Dropped, "The connection to the server " + t.host + " was closed: " + detail, true);
    default:
      throw TransportError(K::Other, "Unable to connect to the server " + t.host + ": " + detail, pretransfer > 0);
  }
}

}  // namespace

std::string HttpResponse::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (iequals(k, name)) return v;
  return {};
}

std::vector<std::string> HttpResponse::header_values(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : headers)
    if (iequals(k, name)) out.push_back(v);
  return out;
}

HttpTransport::HttpTransport(TransportConfig config) : config_(std::move(config)) {
  std::call_once(g_curl_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

HttpTransport::~HttpTransport() {
  for (void* h : idle_) curl_easy_cleanup(static_cast<CURL*>(h));
}

void* HttpTransport::acquire() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      void* h = idle_.back();
      idle_.pop_back();
      return h;
    }
  }
  CURL* c = curl_easy_init();
  if (!c) throw TransportError(TransportError::Kind::Other, "could not initialise libcurl", false);
  return c;
}

void HttpTransport::release(void* handle) {
  std::lock_guard<std::mutex> lock(mu_);
  idle_.push_back(handle);
}

HttpResponse HttpTransport::perform(const HttpRequest& req) {
  if (req.stop.stop_requested()) throw CancelledError();
  long timeout_ms = 0;
  if (req.deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*req.deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0)
      throw TransportError(TransportError::Kind::Timeout,
                           "the request timed out before it could be sent (see --request-timeout)", false);
    timeout_ms = static_cast<long>(left.count());
  }

  CURL* c = static_cast<CURL*>(acquire());
  // reset keeps live connections and the DNS cache.
  curl_easy_reset(c);
  HttpResponse resp;
  Exchange ex;
  ex.req = &req;
  ex.curl = c;
  ex.resp = &resp;
  Target target = make_target(req.url, config_.server_name);
  char errbuf[CURL_ERROR_SIZE] = {0};

  curl_easy_setopt(c, CURLOPT_URL, target.url.c_str());
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(c, CURLOPT_TCP_KEEPIDLE, 30L);
  curl_easy_setopt(c, CURLOPT_TCP_KEEPINTVL, 30L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(config_.connect_timeout.count()));
  if (timeout_ms > 0) curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
  if (!config_.user_agent.empty()) curl_easy_setopt(c, CURLOPT_USERAGENT, config_.user_agent.c_str());
  if (!config_.disable_compression) curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");

  // TLS. No session resumption: client-go never resumes TLS sessions, and
  // servers that verify client certificates without a session id context
  // (OpenSSL) fail resumed handshakes with "internal error".
  curl_easy_setopt(c, CURLOPT_SSL_SESSIONID_CACHE, 0L);
  if (config_.insecure) {
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
  } else {
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!config_.ca_pem.empty()) set_blob(c, CURLOPT_CAINFO_BLOB, config_.ca_pem);
  }
  if (!req.client_cert_pem.empty() && !req.client_key_pem.empty()) {
    set_blob(c, CURLOPT_SSLCERT_BLOB, req.client_cert_pem);
    curl_easy_setopt(c, CURLOPT_SSLCERTTYPE, "PEM");
    set_blob(c, CURLOPT_SSLKEY_BLOB, req.client_key_pem);
    curl_easy_setopt(c, CURLOPT_SSLKEYTYPE, "PEM");
  }
  curl_slist* connect_to = nullptr;
  if (!target.connect_to.empty()) {
    connect_to = curl_slist_append(connect_to, target.connect_to.c_str());
    curl_easy_setopt(c, CURLOPT_CONNECT_TO, connect_to);
  }
  // Proxy: the kubeconfig's proxy-url, else the environment (like Go), but
  // never for loopback servers (Go's ProxyFromEnvironment skips them too).
  if (!config_.proxy_url.empty()) curl_easy_setopt(c, CURLOPT_PROXY, proxy_for_curl(config_.proxy_url).c_str());
  else if (target.loopback) curl_easy_setopt(c, CURLOPT_PROXY, "");

  // libcurl silently re-sends a request once when a reused keep-alive
  // connection turns out dead, even a POST. Go does not replay non-idempotent
  // requests, and neither may we (an eviction or create could run twice), so
  // they always get a connection of their own.
  if (req.replay_unsafe) curl_easy_setopt(c, CURLOPT_FRESH_CONNECT, 1L);

  // Method and body.
  if (req.method == "GET") {
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
  } else if (req.method == "HEAD") {
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  } else {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req.method.c_str());
    if (!req.body.empty() || req.method == "POST") {
      curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
      curl_easy_setopt(c, CURLOPT_POSTFIELDS, req.body.data());
    }
  }

  curl_slist* headers = nullptr;
  for (const auto& [k, v] : req.headers) headers = curl_slist_append(headers, (k + ": " + v).c_str());
  if (!target.host_header.empty()) headers = curl_slist_append(headers, target.host_header.c_str());
  headers = curl_slist_append(headers, "Expect:");
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);

  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &ex);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_write);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &ex);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, &ex);

  auto start = std::chrono::steady_clock::now();
  CURLcode rc;
  {
    std::stop_callback on_stop(req.stop, [&ex] {
      std::lock_guard<std::mutex> lock(ex.sock_mu);
      ex.stopped = true;
      if (ex.sock != CURL_SOCKET_BAD) ::shutdown(ex.sock, SHUT_RDWR);
    });
    rc = curl_easy_perform(c);
  }
  resp.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  long code = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
  resp.code = static_cast<int>(code);
  curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &resp.new_connections);

  std::exception_ptr failure = ex.error;
  if (!failure && rc != CURLE_OK) {
    try {
      if (req.stop.stop_requested()) throw CancelledError();
      throw_transport(rc, c, target, errbuf, config_);
    } catch (...) {
      failure = std::current_exception();
    }
  }
  // Forget every per-request option (pointers into this stack frame, the
  // copies of key material) but keep the connection cache for the next user.
  curl_easy_reset(c);
  curl_slist_free_all(headers);
  curl_slist_free_all(connect_to);
  release(c);
  if (failure) std::rethrow_exception(failure);
  return resp;
}

}  // namespace wu::kube

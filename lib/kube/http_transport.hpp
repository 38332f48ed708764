#pragma once
// One HTTPS exchange over libcurl. Easy handles are pooled and reused so
// connections (and TLS sessions) are kept alive across requests and threads.
// Credentials arrive per request (headers, PEM blobs); nothing touches disk.
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "kube/request_log.hpp"

namespace wu::kube {

struct TransportConfig {
  std::string ca_pem;  // empty: the system trust store
  bool insecure = false;
  std::string server_name;  // tls-server-name (SNI and verification name)
  std::string proxy_url;    // empty: HTTPS_PROXY/NO_PROXY from the environment
  bool disable_compression = false;
  std::string user_agent;
  std::chrono::milliseconds connect_timeout{30000};
};

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  Headers headers;
  std::string body;
  std::string client_cert_pem, client_key_pem;  // per request: exec plugins rotate them
  // Overall deadline; none when unset.
  std::optional<std::chrono::steady_clock::time_point> deadline;
  std::stop_token stop;
  // A request that must never be replayed gets a connection of its own (see perform()).
  bool replay_unsafe = false;
  // When set, 2xx bodies are streamed here chunk by chunk instead of being kept.
  // An exception thrown here aborts the transfer and is rethrown by perform().
  std::function<void(std::string_view)> on_body;
};

struct HttpResponse {
  int code = 0;
  Headers headers;
  std::string body;  // whole body unless streamed
  std::chrono::milliseconds elapsed{0};
  long new_connections = 0;  // 0 when a kept-alive connection was reused

  // First value of a header (case-insensitive), empty when absent.
  std::string header(std::string_view name) const;
  std::vector<std::string> header_values(std::string_view name) const;
};

class HttpTransport {
 public:
  explicit HttpTransport(TransportConfig config);
  ~HttpTransport();
  HttpTransport(const HttpTransport&) = delete;
  HttpTransport& operator=(const HttpTransport&) = delete;

  // Throws TransportError (no HTTP response) or CancelledError (stop requested).
  HttpResponse perform(const HttpRequest& request);

  const TransportConfig& config() const { return config_; }

 private:
  void* acquire();
  void release(void* handle);

  TransportConfig config_;
  std::mutex mu_;
  std::vector<void*> idle_;
};

}  // namespace wu::kube

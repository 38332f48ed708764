#pragma once
// Error types thrown by wu::kube. Every message is meant to be shown to a user
// as is (the CLI prefixes it with "error: "), so each one says what to do.
#include <stdexcept>
#include <string>

namespace wu::kube {

// Base of every error thrown by this library.
class KubeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The kubeconfig, the flags or the in-cluster environment do not describe a
// usable connection. Messages match kubectl/client-go word for word.
class ConfigError : public KubeError {
 public:
  using KubeError::KubeError;
};

// An exec credential plugin or a credential file could not provide credentials.
class AuthError : public KubeError {
 public:
  using KubeError::KubeError;
};

// The request was stopped through its stop_token.
class CancelledError : public KubeError {
 public:
  CancelledError() : KubeError("request cancelled") {}
};

// No HTTP response: DNS, connect, TLS, timeout, connection dropped.
class TransportError : public KubeError {
 public:
  enum class Kind {
    Resolve,        // host name could not be resolved (request never sent)
    Connect,        // TCP connect failed (request never sent)
    TlsVerify,      // server certificate not trusted (request never sent)
    TlsHandshake,   // other TLS failure before the request (request never sent)
    Timeout,        // deadline reached (request may have been processed)
    Dropped,        // connection closed/reset mid-exchange (may have been processed)
    Other,
  };
  TransportError(Kind kind, std::string message, bool request_sent)
      : KubeError(std::move(message)), kind_(kind), request_sent_(request_sent) {}
  Kind kind() const noexcept { return kind_; }
  // False only when the request provably never reached the server.
  bool request_sent() const noexcept { return request_sent_; }

 private:
  Kind kind_;
  bool request_sent_;
};

}  // namespace wu::kube

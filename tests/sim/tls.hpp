// A throwaway PKI generated at start-up: a CA, a server certificate for the
// loopback names, and a client certificate for the cert-authenticated user.
#pragma once

#include <openssl/ssl.h>

#include <optional>
#include <string>
#include <vector>

namespace sim {

struct PemPair {
  std::string cert;
  std::string key;
};

struct Pki {
  PemPair ca;
  PemPair server;
  PemPair client;
};

// Throws std::runtime_error with the OpenSSL error text on failure.
Pki generatePki(const std::string& clientCommonName, const std::string& clientOrganization);

// Installs the server certificate and asks for (but does not require) client
// certificates signed by the CA. Returns false on failure.
bool configureServerContext(SSL_CTX& ctx, const Pki& pki);

struct PeerIdentity {
  std::string commonName;
  std::vector<std::string> organizations;
};
// The verified client certificate of a TLS connection, if any.
std::optional<PeerIdentity> verifiedPeer(const SSL* ssl);

}  // namespace sim

// Response writing (with the API server's gzip policy) and access to the
// underlying connection (for dropped-connection faults and watch liveness).
#pragma once

#include <httplib.h>

#include <string>

namespace sim {

class ApiError;

// Writes a body. Compresses with gzip when the client accepts it and the body
// is at least 128 KiB, like kube-apiserver. httplib's own compression is
// bypassed (it would pick brotli at its slowest level for clients that offer br).
void sendBody(const httplib::Request& req, httplib::Response& res, int status, std::string body,
              const std::string& contentType = "application/json");
void sendError(const httplib::Request& req, httplib::Response& res, const ApiError& err);

// The socket of the request's connection, or -1.
int connectionFd(const httplib::Request& req);
// True when the peer has closed (or reset) the connection.
bool peerClosed(int fd);
// Closes the connection without an answer (the client sees EOF or a reset).
void dropConnection(const httplib::Request& req);

std::string param(const httplib::Request& req, const char* name);

}  // namespace sim

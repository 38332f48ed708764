#include "http_util.hpp"

#include <dirent.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <cstring>
#include <memory>

#include "status_errors.hpp"

namespace sim {

namespace {

constexpr size_t kGzipThreshold = 128 * 1024;

bool acceptsGzip(const httplib::Request& req) {
  const std::string ae = req.get_header_value("Accept-Encoding");
  return ae.find("gzip") != std::string::npos;
}

std::string gzip(const std::string& in) {
  z_stream zs{};
  // Level 1, as kube-apiserver's defaultGzipContentEncodingLevel: speed over size.
  if (deflateInit2(&zs, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return {};
  std::string out;
  out.resize(deflateBound(&zs, in.size()));
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return rc == Z_STREAM_END ? out : std::string();
}

int portOf(const sockaddr_storage& ss) {
  if (ss.ss_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in&>(ss).sin_port);
  if (ss.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6&>(ss).sin6_port);
  return -1;
}

}  // namespace

void sendBody(const httplib::Request& req, httplib::Response& res, int status, std::string body,
              const std::string& contentType) {
  res.status = status;
  if (body.size() >= kGzipThreshold && acceptsGzip(req)) {
    std::string z = gzip(body);
    if (!z.empty()) {
      body = std::move(z);
      res.set_header("Content-Encoding", "gzip");
      res.set_header("Vary", "Accept-Encoding");
    }
  }
  auto data = std::make_shared<std::string>(std::move(body));
  res.set_content_provider(data->size(), contentType, [data](size_t offset, size_t length, httplib::DataSink& sink) {
    return sink.write(data->data() + offset, std::min(length, data->size() - offset));
  });
}

void sendError(const httplib::Request& req, httplib::Response& res, const ApiError& err) {
  if (int ra = err.retryAfterSeconds(); ra > 0) res.set_header("Retry-After", std::to_string(ra));
  sendBody(req, res, err.code(), err.toStatus().dump());
}

int connectionFd(const httplib::Request& req) {
  if (req.ssl) return SSL_get_fd(req.ssl);
  // Plain HTTP: find our socket by its local and remote ports.
  DIR* d = opendir("/proc/self/fd");
  if (!d) return -1;
  int found = -1;
  while (dirent* e = readdir(d)) {
    int fd = std::atoi(e->d_name);
    if (fd <= 2) continue;
    sockaddr_storage local{}, peer{};
    socklen_t ll = sizeof local, pl = sizeof peer;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &ll) != 0) continue;
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &pl) != 0) continue;
    if (portOf(local) == req.local_port && portOf(peer) == req.remote_port) {
      found = fd;
      break;
    }
  }
  closedir(d);
  return found;
}

bool peerClosed(int fd) {
  if (fd < 0) return false;
  pollfd p{fd, POLLRDHUP, 0};
  if (poll(&p, 1, 0) <= 0) return false;
  return (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) != 0;
}

void dropConnection(const httplib::Request& req) {
  int fd = connectionFd(req);
  if (fd >= 0) {
    // Reset rather than FIN so the client cannot mistake it for an empty answer.
    linger lg{1, 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    shutdown(fd, SHUT_RDWR);
  }
}

std::string param(const httplib::Request& req, const char* name) {
  return req.has_param(name) ? req.get_param_value(name) : std::string();
}

}  // namespace sim

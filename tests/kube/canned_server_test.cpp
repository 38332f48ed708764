// Responses the simulator does not produce (Warning headers, a proxy's HTML
// error page), served by a tiny plain-HTTP server on loopback.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>
#include <vector>

#include "kube/client.hpp"

using namespace wu::kube;

namespace {

// Answers each connection with the next canned response, then closes it.
class CannedServer {
 public:
  explicit CannedServer(std::vector<std::string> responses) : responses_(std::move(responses)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd_ >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(fd_, 8) == 0);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] {
      for (const auto& resp : responses_) {
        int c = ::accept(fd_, nullptr, nullptr);
        if (c < 0) return;
        std::string req;
        char buf[4096];
        while (req.find("\r\n\r\n") == std::string::npos) {
          ssize_t n = ::read(c, buf, sizeof buf);
          if (n <= 0) break;
          req.append(buf, static_cast<std::size_t>(n));
        }
        requests_.push_back(req);
        ssize_t ignored = ::write(c, resp.data(), resp.size());
        (void)ignored;
        ::close(c);
      }
    });
  }
  ~CannedServer() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    if (thread_.joinable()) thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // The requests received; call once every canned response was served.
  const std::vector<std::string>& requests() {
    if (thread_.joinable()) thread_.join();
    return requests_;
  }

 private:
  std::vector<std::string> responses_;
  std::vector<std::string> requests_;
  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
};

std::string response(int code, const std::string& phrase, const std::string& headers, const std::string& body) {
  return "HTTP/1.1 " + std::to_string(code) + " " + phrase + "\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\nConnection: close\r\n" + headers + "\r\n" + body;
}

const ResourceRef kPodsInNs{"", "v1", "pods", "ns", "", ""};
}  // namespace

TEST_CASE("warnings: server Warning headers reach the callback once each") {
  const std::string w = "Warning: 299 - \"policy/v1beta1 PodDisruptionBudget is deprecated in v1.21+\"\r\n"
                        "Warning: 299 - \"second warning\"\r\n";
  const std::string list = R"({"kind":"PodList","metadata":{"resourceVersion":"5"},"items":[]})";
  CannedServer server({response(200, "OK", w, list), response(200, "OK", w, list)});
  RestConfig rc;
  rc.host = server.url();
  ClientOptions o;
  std::vector<std::string> warnings;
  o.on_warning = [&](std::string_view text) { warnings.emplace_back(text); };
  Client c(rc, o);
  c.list(kPodsInNs);
  c.list(kPodsInNs);
  REQUIRE(warnings.size() == 2);  // deduplicated across the two responses, like kubectl
  CHECK(warnings[0] == "policy/v1beta1 PodDisruptionBudget is deprecated in v1.21+");
  CHECK(warnings[1] == "second warning");
  // The request carried kubectl's headers.
  REQUIRE(server.requests().size() == 2);
  const std::string& req = server.requests()[0];
  CHECK(req.find("GET /api/v1/namespaces/ns/pods?limit=500 HTTP/1.1") == 0);
  CHECK(req.find("Accept: application/json") != std::string::npos);
  CHECK(req.find("User-Agent: " + default_user_agent()) != std::string::npos);
  CHECK(req.find("Authorization") == std::string::npos);  // plain HTTP: no credentials
}

TEST_CASE("errors: a proxy's HTML error page becomes an ApiError with the code and the start of the body") {
  const std::string html = "<html><head><title>502 Bad Gateway</title></head><body>upstream unavailable</body></html>";
  CannedServer server({response(502, "Bad Gateway", "Content-Type: text/html\r\n", html)});
  RestConfig rc;
  rc.host = server.url();
  ClientOptions o;
  o.retry.max_retries = 0;
  Client c(rc, o);
  try {
    c.get(kPodsInNs.named("p"));
    FAIL("no error");
  } catch (const ApiError& e) {
    CHECK(e.code() == 502);
    std::string what = e.what();
    CHECK(what.find("HTTP 502 Bad Gateway") != std::string::npos);
    CHECK(what.find("upstream unavailable") != std::string::npos);
  }
}

TEST_CASE("proxy: the cluster's proxy-url carries the request") {
  const std::string list = R"({"kind":"PodList","metadata":{"resourceVersion":"5"},"items":[]})";
  CannedServer proxy({response(200, "OK", "", list)});
  RestConfig rc;
  rc.host = "http://api.cluster.invalid:6443";  // never resolved locally: the proxy gets the absolute URL
  rc.proxy_url = proxy.url();
  Client c(rc);
  c.list(kPodsInNs);
  REQUIRE(proxy.requests().size() == 1);
  CHECK(proxy.requests()[0].find("GET http://api.cluster.invalid:6443/api/v1/namespaces/ns/pods?limit=500 HTTP/1.1") ==
        0);
}

TEST_CASE("errors: a 200 that is not JSON (a captive portal, a wrong server) is a clear error") {
  CannedServer server({response(200, "OK", "Content-Type: text/html\r\n", "<html>Please sign in to the Wi-Fi</html>")});
  RestConfig rc;
  rc.host = server.url();
  Client c(rc);
  CHECK_THROWS_WITH_AS(c.get(kPodsInNs.named("p")),
                       "the server's answer to GET /api/v1/namespaces/ns/pods/p is not JSON (HTTP 200, line 1, column 1: "
                       "syntax error while parsing value - invalid literal; last read: '<'): <html>Please sign in to the "
                       "Wi-Fi</html>",
                       KubeError);
}

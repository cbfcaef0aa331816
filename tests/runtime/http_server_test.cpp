// The HTTP server behind /metrics, /healthz and /readyz: routing, methods, HEAD, malformed and
// oversized requests, and clients that connect and send nothing.
#include <boost/test/unit_test.hpp>

#include <arpa/inet.h>
#include <chrono>
#include <netinet/in.h>
#include <string>
#include <sys/socket.h>
#include <sys/time.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include "runtime/http_server.hpp"

namespace aetherial::runtime {
namespace {

using namespace std::chrono_literals;

/// A connected client socket to 127.0.0.1:`port`, reads time out after 5 s; -1 on failure.
int connect_to(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

/// Everything the server sends until it closes the connection (or 5 s pass).
std::string read_all(int fd) {
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0)
    out.append(buf, static_cast<std::size_t>(n));
  return out;
}

/// Sends `request` raw and returns the whole answer.
std::string round_trip(int port, const std::string& request) {
  const int fd = connect_to(port);
  if (fd < 0) return {};
  (void)!::write(fd, request.data(), request.size());
  auto out = read_all(fd);
  ::close(fd);
  return out;
}

std::string get(int port, const std::string& path, const std::string& method = "GET") {
  return round_trip(port,
                    method + " " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
}

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

bool has(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

/// A server with /ok (200, "hello\n") and /down (503), on an ephemeral port.
struct server_fixture {
  explicit server_fixture(http_server_options o = {}) : server(o) {
    server.route("/ok", [] { return http_response{200, "text/plain", "hello\n"}; });
    server.route("/down", [] { return http_response{503, "application/json", "{}"}; });
    auto p = server.start("127.0.0.1", 0);
    BOOST_TEST_REQUIRE(p.has_value(), (p ? "" : p.error_value().message));
    port = p.value();
  }
  http_server server;
  int port = -1;
};

BOOST_AUTO_TEST_SUITE(http_server_suite)

BOOST_AUTO_TEST_CASE(get_answers_the_route_with_no_store) {
  server_fixture f;
  const auto r = get(f.port, "/ok?x=1");
  BOOST_TEST(starts_with(r, "HTTP/1.1 200 OK\r\n"), r);
  BOOST_TEST(has(r, "Content-Type: text/plain\r\n"), r);
  BOOST_TEST(has(r, "Cache-Control: no-store\r\n"), r);
  BOOST_TEST(has(r, "Content-Length: 6\r\n"), r);
  BOOST_TEST(has(r, "\r\n\r\nhello\n"), r);
  BOOST_TEST(starts_with(get(f.port, "/down"), "HTTP/1.1 503 Service Unavailable\r\n"));
}

BOOST_AUTO_TEST_CASE(http_1_0_gets_an_answer_and_a_close) {
  server_fixture f;
  const auto r = round_trip(f.port, "GET /ok HTTP/1.0\r\n\r\n");
  BOOST_TEST(starts_with(r, "HTTP/1.0 200 OK\r\n"), r);
  BOOST_TEST(has(r, "\r\n\r\nhello\n"), r);
}

BOOST_AUTO_TEST_CASE(unknown_paths_are_404_other_methods_405) {
  server_fixture f;
  BOOST_TEST(starts_with(get(f.port, "/nope"), "HTTP/1.1 404 Not Found\r\n"));
  const auto r = get(f.port, "/ok", "POST");
  BOOST_TEST(starts_with(r, "HTTP/1.1 405 Method Not Allowed\r\n"), r);
  BOOST_TEST(has(r, "Allow: GET, HEAD\r\n"), r);
  BOOST_TEST(starts_with(get(f.port, "/ok", "DELETE"), "HTTP/1.1 405"));
}

BOOST_AUTO_TEST_CASE(head_has_the_headers_of_get_and_no_body) {
  server_fixture f;
  const auto r = get(f.port, "/ok", "HEAD");
  BOOST_TEST(starts_with(r, "HTTP/1.1 200 OK\r\n"), r);
  BOOST_TEST(has(r, "Content-Length: 6\r\n"), r);
  BOOST_TEST(r.size() == r.find("\r\n\r\n") + 4, r); // nothing after the headers
}

BOOST_AUTO_TEST_CASE(malformed_requests_are_400) {
  server_fixture f;
  BOOST_TEST(starts_with(round_trip(f.port, "\x01\x02 / HTTP/1.1\r\n\r\n"), "HTTP/1.1 400"));
  BOOST_TEST(starts_with(round_trip(f.port, "GET /ok HTTP/x.y\r\n\r\n"), "HTTP/1.1 400"));
  BOOST_TEST(
      starts_with(round_trip(f.port, "GET /ok HTTP/1.1\r\nno colon here\r\n\r\n"), "HTTP/1.1 400"));
}

BOOST_AUTO_TEST_CASE(headers_over_the_limit_are_refused) {
  server_fixture f;
  const std::string big(10 * 1024, 'a');
  const auto r = round_trip(f.port, "GET /ok HTTP/1.1\r\nHost: x\r\nX-Big: " + big + "\r\n\r\n");
  BOOST_TEST(starts_with(r, "HTTP/1.1 431"), r.substr(0, 200));
  // Just under the limit is fine.
  const std::string fits(7 * 1024, 'a');
  const auto ok = round_trip(
      f.port, "GET /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Fits: " + fits + "\r\n\r\n");
  BOOST_TEST(starts_with(ok, "HTTP/1.1 200"), ok.substr(0, 200));
}

BOOST_AUTO_TEST_CASE(keep_alive_serves_several_requests_on_one_connection) {
  server_fixture f;
  const auto r = round_trip(f.port, "GET /ok HTTP/1.1\r\nHost: x\r\n\r\n"
                                    "GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  BOOST_TEST(starts_with(r, "HTTP/1.1 200 OK\r\n"), r);
  BOOST_TEST(has(r, "HTTP/1.1 404 Not Found\r\n"), r);
}

BOOST_AUTO_TEST_CASE(a_silent_client_neither_blocks_others_nor_stays) {
  http_server_options o;
  o.read_deadline = 1500ms;
  server_fixture f(o);
  const int idle = connect_to(f.port); // connects and sends nothing
  BOOST_TEST_REQUIRE(idle >= 0);
  const int trickle = connect_to(f.port); // sends a byte at a time, never finishing
  BOOST_TEST_REQUIRE(trickle >= 0);
  (void)!::write(trickle, "GET /ok", 7);
  const auto started = std::chrono::steady_clock::now();
  BOOST_TEST(starts_with(get(f.port, "/ok"), "HTTP/1.1 200 OK"));
  BOOST_TEST((std::chrono::steady_clock::now() - started < 1000ms));
  // The read deadline closes both; a trickling client does not extend it.
  (void)!::write(trickle, " ", 1);
  const auto waited = std::chrono::steady_clock::now();
  BOOST_TEST(read_all(idle).empty());
  BOOST_TEST(read_all(trickle).empty());
  BOOST_TEST((std::chrono::steady_clock::now() - waited < 3s));
  ::close(idle);
  ::close(trickle);
}

BOOST_AUTO_TEST_CASE(connections_over_the_cap_get_503) {
  http_server_options o;
  o.max_connections = 2;
  server_fixture f(o);
  const int a = connect_to(f.port), b = connect_to(f.port);
  BOOST_TEST_REQUIRE((a >= 0 && b >= 0));
  std::this_thread::sleep_for(100ms); // both accepted
  const int c = connect_to(f.port);   // answered without reading a request
  BOOST_TEST_REQUIRE(c >= 0);
  BOOST_TEST(starts_with(read_all(c), "HTTP/1.1 503"));
  ::close(c);
  ::close(a);
  ::close(b);
  std::string r;
  for (int i = 0; i < 50 && !starts_with(r, "HTTP/1.1 200"); ++i) {
    std::this_thread::sleep_for(20ms);
    r = get(f.port, "/ok");
  }
  BOOST_TEST(starts_with(r, "HTTP/1.1 200"), r);
}

BOOST_AUTO_TEST_CASE(a_port_in_use_is_an_error_and_stop_closes_the_port) {
  server_fixture f;
  http_server second;
  auto r = second.start("127.0.0.1", f.port);
  BOOST_TEST_REQUIRE(!r.has_value());
  BOOST_TEST(has(r.error_value().message, "cannot listen on 127.0.0.1:" + std::to_string(f.port)),
             r.error_value().message);
  f.server.stop();
  f.server.stop(); // idempotent
  BOOST_TEST(connect_to(f.port) < 0);
}

BOOST_AUTO_TEST_SUITE_END()

} // namespace
} // namespace aetherial::runtime

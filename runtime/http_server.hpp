#pragma once
// A small HTTP/1.1 server (Boost.Beast over Boost.Asio) for the node's metrics and health
// endpoints: GET and HEAD on a fixed set of paths, one I/O thread, bounded against clients
// that misbehave (header size limit, a read deadline per request so that a slow or idle
// client cannot hold a connection, a cap on open connections).

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "schemas/result.hpp"

namespace aetherial::runtime {

/// What a route answers. HEAD gets the same status and headers without the body.
struct http_response {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

/// Limits of the server; defaults beside each.
struct http_server_options {
  std::size_t header_limit = 8 * 1024;             ///< request line + headers; larger: 431; 8 KiB
  std::size_t body_limit = 1024;                   ///< request body; larger: 413; 1 KiB
  std::chrono::milliseconds read_deadline{10000};  ///< to read one whole request; 10 s
  std::chrono::milliseconds write_deadline{10000}; ///< to write one response; 10 s
  std::size_t max_connections = 64; ///< open at once; more are answered 503 and closed; 64
};

/// The HTTP server. Routes are added before start(); each answers GET and HEAD on its exact
/// path (a query string is ignored). Unknown paths: 404; other methods: 405; malformed
/// requests: 400. Every response carries `Cache-Control: no-store`.
class http_server {
public:
  using handler = std::function<http_response()>;

  explicit http_server(http_server_options options = {});
  ~http_server();
  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  /// Serves `path` with `h` (called on the server's thread).
  void route(const std::string& path, handler h);

  /// Binds `address`:`port` (0: an ephemeral port) and serves on a thread of its own; returns
  /// the bound port, or an error saying why it could not bind.
  [[nodiscard]] result<int> start(const std::string& address, int port);

  /// Stops serving and closes every connection. Idempotent.
  void stop();

  /// The bound port; -1 before start().
  [[nodiscard]] int port() const noexcept;

  struct impl;

private:
  std::unique_ptr<impl> impl_;
};

} // namespace aetherial::runtime

#include "runtime/http_server.hpp"

#include <array>
#include <atomic>
#include <map>
#include <optional>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include "runtime/errc.hpp"

namespace aetherial::runtime {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

const char* reason_text(int status) {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 413: return "Payload Too Large";
    case 431: return "Request Header Fields Too Large";
    case 503: return "Service Unavailable";
    default: return "";
  }
}

} // namespace

struct http_server::impl {
  http_server_options options;
  std::map<std::string, handler> routes;
  std::size_t connections = 0; ///< touched on the I/O thread only
  std::atomic<int> port{-1};
  // The I/O objects last: pending handlers (holding sessions) die with the context. Reset by
  // stop(), so that the port and every connection close then.
  std::optional<net::io_context> ioc{std::in_place, 1};
  std::optional<tcp::acceptor> acceptor{std::in_place, *ioc};
  std::thread thread;

  void accept();
};

namespace {

/// One client connection: read a request (under a deadline), answer, again while kept alive.
class session : public std::enable_shared_from_this<session> {
public:
  session(tcp::socket socket, http_server::impl& server)
      : stream_(std::move(socket)), server_(server) {
    ++server_.connections;
  }
  ~session() { --server_.connections; }
  session(const session&) = delete;
  session& operator=(const session&) = delete;

  void read() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(server_.options.header_limit));
    parser_->body_limit(server_.options.body_limit);
    // One deadline for the whole request: a client trickling bytes does not extend it.
    stream_.expires_after(server_.options.read_deadline);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

private:
  void on_read(beast::error_code ec) {
    if (ec == http::error::header_limit) return respond_error(431, "request header too large\n");
    if (ec == http::error::body_limit) return respond_error(413, "request body too large\n");
    if (ec == beast::error::timeout) return; // the stream is closed already
    if (ec == http::error::end_of_stream || ec == http::error::partial_message) return close();
    if (ec && ec.category() == http::make_error_code(http::error::bad_method).category())
      return respond_error(400, "malformed request\n");
    if (ec) return;
    const auto& req = parser_->get();
    std::string target(req.target());
    if (auto q = target.find('?'); q != std::string::npos) target.resize(q);
    http_response r;
    auto route = server_.routes.find(target);
    const bool head = req.method() == http::verb::head;
    if (route == server_.routes.end()) {
      r = {404, "text/plain; charset=utf-8", "not found\n"};
    } else if (req.method() != http::verb::get && !head) {
      r = {405, "text/plain; charset=utf-8", "method not allowed (GET or HEAD)\n"};
    } else {
      r = route->second();
    }
    respond(r, req.version(), req.keep_alive(), head);
  }

  void respond_error(int status, const char* body) {
    respond({status, "text/plain; charset=utf-8", body}, 11, false, false);
  }

  void respond(const http_response& r, unsigned version, bool keep_alive, bool head) {
    res_.emplace();
    res_->version(version);
    res_->result(static_cast<unsigned>(r.status));
    res_->reason(reason_text(r.status));
    res_->set(http::field::content_type, r.content_type);
    res_->set(http::field::cache_control, "no-store");
    if (r.status == 405) res_->set(http::field::allow, "GET, HEAD");
    res_->keep_alive(keep_alive);
    res_->body() = r.body;
    res_->prepare_payload();
    if (head) res_->body().clear(); // keeps the Content-Length of the GET answer
    stream_.expires_after(server_.options.write_deadline);
    http::async_write(stream_, *res_,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        if (ec) return;
                        if (self->res_->need_eof()) return self->close();
                        self->read();
                      });
  }

  /// Ends the answer and reads what the client still sends until it closes (or the read
  /// deadline), so that unread input does not reset the connection under the answer.
  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(server_.options.read_deadline);
    drain();
  }

  void drain() {
    stream_.async_read_some(net::buffer(discard_),
                            [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              if (!ec) self->drain();
                            });
  }

  beast::tcp_stream stream_;
  http_server::impl& server_;
  beast::flat_buffer buffer_; ///< bounded by the parser's limits
  std::array<char, 512> discard_{};
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::string_body>> res_;
};

} // namespace

void http_server::impl::accept() {
  acceptor->async_accept([this](beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor->is_open()) return;
    if (!ec) {
      if (connections >= options.max_connections) {
        // Over the cap: a short answer without reading the request, then close.
        static const char busy[] = "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n"
                                   "Content-Length: 0\r\nCache-Control: no-store\r\n\r\n";
        beast::error_code ignored;
        socket.non_blocking(true, ignored);
        socket.write_some(net::buffer(busy, sizeof busy - 1), ignored);
        socket.shutdown(tcp::socket::shutdown_both, ignored);
        socket.close(ignored);
      } else {
        std::make_shared<session>(std::move(socket), *this)->read();
      }
    }
    accept();
  });
}

http_server::http_server(http_server_options options) : impl_(std::make_unique<impl>()) {
  impl_->options = options;
}

http_server::~http_server() {
  stop();
}

void http_server::route(const std::string& path, handler h) {
  impl_->routes[path] = std::move(h);
}

result<int> http_server::start(const std::string& address, int port) {
  auto& d = *impl_;
  if (d.thread.joinable()) return d.port.load();
  const auto where = address + ":" + std::to_string(port);
  if (!d.ioc) return make_error(errc::configuration, "cannot serve " + where + " again");
  beast::error_code ec;
  tcp::resolver resolver(*d.ioc);
  auto endpoints = resolver.resolve(address, std::to_string(port),
                                    tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || endpoints.empty())
    return make_error(errc::configuration, "cannot resolve " + where + ": " + ec.message());
  const auto endpoint = endpoints.begin()->endpoint();
  d.acceptor->open(endpoint.protocol(), ec);
  if (!ec) d.acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) d.acceptor->bind(endpoint, ec);
  if (!ec) d.acceptor->listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    beast::error_code ignored;
    d.acceptor->close(ignored);
    return make_error(errc::configuration, "cannot listen on " + where + ": " + ec.message());
  }
  d.port = d.acceptor->local_endpoint(ec).port();
  d.accept();
  d.thread = std::thread([&d] { d.ioc->run(); });
  return d.port.load();
}

void http_server::stop() {
  auto& d = *impl_;
  if (!d.thread.joinable()) return;
  d.ioc->stop();
  d.thread.join();
  d.acceptor.reset(); // closes the port
  d.ioc.reset();      // destroys the pending handlers: every connection closes
}

int http_server::port() const noexcept {
  return impl_->port.load();
}

} // namespace aetherial::runtime

#pragma once

/// The HTTP server's listening socket: binding to the configured address,
/// and accepting connections, each onto a strand of its own with a session.
/// Private to transport/.

#include <cstdint>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "transport/server_context.hpp"

namespace usms::http::detail {

class listener : public std::enable_shared_from_this<listener> {
public:
  explicit listener(boost::asio::io_context& ioc);

  /// Resolves `host`, binds and listens. Empty on success, else what went
  /// wrong ("cannot listen on 127.0.0.1:80: permission denied").
  std::string listen(const std::string& host, uint16_t port);

  /// The bound port (the real one when 0 was asked).
  uint16_t port() const {
    return port_;
  }

  /// Starts accepting; every connection gets a session over `ctx`.
  void run(std::shared_ptr<const server_context> ctx);

  /// Only while no I/O thread runs.
  void close_now();

private:
  using tcp = boost::asio::ip::tcp;

  void do_accept();
  void on_accept(boost::system::error_code ec, tcp::socket socket);
  void start(tcp::socket socket);

  boost::asio::io_context& ioc_;
  tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_;
  std::shared_ptr<const server_context> ctx_;
  uint16_t port_ = 0;
};

} // namespace usms::http::detail

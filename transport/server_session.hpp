#pragma once

/// One connection of the HTTP server, as the rest of the server sees it
/// (the registry of open connections, the responders), and how one starts.
/// Private to transport/.

#include <cstdint>
#include <memory>
#include <string>

#include <boost/asio/ip/tcp.hpp>

#include "transport/http_server.hpp"

namespace usms::http::detail {

struct server_context;

/// What the registry and the responders see of a connection.
class session_base : public std::enable_shared_from_this<session_base> {
public:
  virtual ~session_base() = default;

  /// Any thread: posts the answer for request `seq` onto the strand.
  virtual void deliver(std::uint64_t seq, response res) = 0;

  /// Any thread: every copy of the responder for `seq` died uncalled.
  virtual void abandon(std::uint64_t seq) = 0;

  /// Only while no I/O thread runs (server::stop): close the socket.
  virtual void close_now() = 0;
};

/// Serves `socket` (accepted onto a strand of its own) from `remote`: the
/// TLS handshake when the server has TLS, then one request after the other.
/// Does nothing when the registry is already closed (the server stops).
void start_session(boost::asio::ip::tcp::socket socket,
                   std::shared_ptr<const server_context> ctx,
                   std::string remote);

} // namespace usms::http::detail

#pragma once

/// What the HTTP server's listener and every session share. Immutable after
/// server::start(). Private to transport/.

#include <chrono>
#include <cstddef>
#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>

#include "transport/http_server.hpp"
#include "transport/server_registry.hpp"

namespace usms::http::detail {

struct server_context {
  std::shared_ptr<const handler> on_request;
  std::shared_ptr<session_registry> sessions;
  std::shared_ptr<boost::asio::ssl::context> tls; ///< null: plain http
  /// Weak: sessions live in handlers queued on the io_context, so a strong
  /// reference here would make a cycle.
  std::weak_ptr<boost::asio::io_context> ioc;
  std::size_t max_body = 0;
  std::chrono::seconds idle_timeout{0};
};

} // namespace usms::http::detail

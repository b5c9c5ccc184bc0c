#pragma once

/// What the HTTP server's listener and every session share. Immutable after
/// server::start(), except the TLS context, which a reload replaces.
/// Private to transport/.

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>

#include "transport/http_server.hpp"
#include "transport/server_registry.hpp"

namespace usms::http::detail {

/// The TLS context new connections use. A connection keeps the context it
/// started with, so replacing it never disturbs open connections.
class tls_slot {
public:
  explicit tls_slot(std::shared_ptr<boost::asio::ssl::context> tls)
    : tls_(std::move(tls)) {
  }

  std::shared_ptr<boost::asio::ssl::context> current() const {
    std::lock_guard<std::mutex> guard{mutex_};
    return tls_;
  }

  void replace(std::shared_ptr<boost::asio::ssl::context> tls) {
    std::lock_guard<std::mutex> guard{mutex_};
    tls_.swap(tls);
    // The old context dies outside the lock (when no connection uses it).
  }

private:
  mutable std::mutex mutex_;
  std::shared_ptr<boost::asio::ssl::context> tls_;
};

struct server_context {
  std::shared_ptr<const handler> on_request;
  head_guard on_head; ///< empty: every request goes on
  std::shared_ptr<session_registry> sessions;
  std::shared_ptr<tls_slot> tls; ///< null: plain http
  /// Weak: sessions live in handlers queued on the io_context, so a strong
  /// reference here would make a cycle.
  std::weak_ptr<boost::asio::io_context> ioc;
  std::size_t max_body = 0;
  std::size_t max_connections = 0; ///< 0: no limit
  std::chrono::milliseconds header_timeout{0};
  std::chrono::milliseconds idle_timeout{0};
};

} // namespace usms::http::detail

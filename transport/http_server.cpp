#include "transport/http_server.hpp"

#include <algorithm>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "transport/server_context.hpp"
#include "transport/server_listener.hpp"
#include "transport/server_registry.hpp"
#include "transport/tls_setup.hpp"

// The facade: the I/O threads, start and stop. The listener, the sessions
// (reading, pipelining, writing), the responders and the registry of open
// connections live in server_*.cpp; the TLS context in tls_setup.cpp.

namespace usms::http {

namespace net = boost::asio;

struct server::impl {
  server_options options;
  std::shared_ptr<const handler> on_request;
  std::shared_ptr<net::io_context> ioc;
  std::shared_ptr<detail::session_registry> sessions
    = std::make_shared<detail::session_registry>();
  std::shared_ptr<detail::listener> accept_loop;
  std::shared_ptr<detail::tls_slot> tls; ///< null: plain http
  std::vector<std::thread> threads;
  std::mutex control; // start() against stop()
  uint16_t port = 0;
  bool started = false;
  bool stopped = false;

  std::string start();
  std::string reload_tls();
  void stop();
};

std::string server::impl::start() {
  std::lock_guard<std::mutex> guard{control};
  if (started || stopped)
    return "server already started";
  auto threads_wanted = std::max(1u, options.io_threads);
  ioc = std::make_shared<net::io_context>(static_cast<int>(threads_wanted));

  auto tls = detail::make_server_tls(options);
  if (!tls.error.empty())
    return tls.error;

  auto loop = std::make_shared<detail::listener>(*ioc);
  auto error = loop->listen(options.host, options.port);
  port = loop->port();
  if (!error.empty())
    return error;

  auto ctx = std::make_shared<detail::server_context>();
  ctx->on_request = on_request;
  ctx->on_head = options.on_head;
  ctx->sessions = sessions;
  if (tls.context)
    this->tls = std::make_shared<detail::tls_slot>(std::move(tls.context));
  ctx->tls = this->tls;
  ctx->ioc = ioc;
  ctx->max_body = options.max_body;
  ctx->max_connections = options.max_connections;
  auto positive = [](std::chrono::milliseconds value,
                     std::chrono::milliseconds fallback) {
    return value.count() > 0 ? value : fallback;
  };
  ctx->header_timeout = positive(options.header_timeout,
                                 std::chrono::seconds(10));
  ctx->idle_timeout = positive(options.idle_timeout, std::chrono::seconds(120));

  accept_loop = std::move(loop);
  accept_loop->run(std::move(ctx));
  threads.reserve(threads_wanted);
  for (unsigned i = 0; i < threads_wanted; ++i)
    threads.emplace_back([ioc = ioc] { ioc->run(); });
  started = true;
  return {};
}

std::string server::impl::reload_tls() {
  std::lock_guard<std::mutex> guard{control};
  if (!tls)
    return "the server does not serve https";
  auto fresh = detail::make_server_tls(options);
  if (!fresh.error.empty())
    return fresh.error;
  tls->replace(std::move(fresh.context));
  return {};
}

void server::impl::stop() {
  std::lock_guard<std::mutex> guard{control};
  if (stopped)
    return;
  stopped = true;
  if (!started)
    return;
  // Abrupt on purpose: stop() must not wait for answers the application may
  // never give. Handlers still queued die with the io_context.
  ioc->stop();
  for (auto& t : threads)
    t.join();
  threads.clear();
  accept_loop->close_now();
  for (auto& s : sessions->close())
    s->close_now();
}

server::server(server_options options, handler on_request)
  : impl_(std::make_unique<impl>()) {
  impl_->options = std::move(options);
  impl_->on_request = std::make_shared<const handler>(std::move(on_request));
}

server::~server() {
  stop();
}

std::string server::start() {
  return impl_->start();
}

uint16_t server::port() const {
  return impl_->port;
}

std::string server::reload_tls() {
  return impl_->reload_tls();
}

void server::stop() {
  impl_->stop();
}

} // namespace usms::http

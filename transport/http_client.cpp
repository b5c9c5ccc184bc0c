#include "transport/http_client.hpp"

#include <algorithm>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "transport/client_call.hpp"
#include "transport/client_config.hpp"
#include "transport/client_pool.hpp"
#include "transport/url.hpp"

// The facade: the I/O threads, one pool per (scheme, host, port), and the
// checks a call gets before it reaches its pool. The pool, the connection
// state machine, the proxy tunnel and the TLS setup live in client_*.cpp and
// tls_setup.cpp.

namespace usms::http {

namespace net = boost::asio;
using detail::call;
using detail::pool;

struct client::impl {
  explicit impl(client_options options);

  std::shared_ptr<pool> pool_for(const url& target);

  std::shared_ptr<const detail::client_config> cfg;
  net::io_context ioc;
  net::executor_work_guard<net::io_context::executor_type> work;
  std::vector<std::thread> threads;
  std::mutex mutex; // pools and stopped
  std::unordered_map<std::string, std::shared_ptr<pool>> pools;
  bool stopped = false;
};

client::impl::impl(client_options options)
  : ioc(static_cast<int>(std::max(1u, options.io_threads))),
    work(net::make_work_guard(ioc)) {
  // Proxy and TLS setup errors surface on the calls, as `connect`.
  cfg = detail::make_client_config(std::move(options));
  auto n = std::max(1u, cfg->options.io_threads);
  threads.reserve(n);
  for (unsigned i = 0; i < n; ++i)
    threads.emplace_back([this] { ioc.run(); });
}

std::shared_ptr<pool> client::impl::pool_for(const url& target) {
  auto key = target.scheme + "://" + detail::authority(target, true);
  auto& slot = pools[key];
  if (!slot)
    slot = std::make_shared<pool>(ioc, cfg, key);
  return slot;
}

client::client(client_options options)
  : impl_(std::make_unique<impl>(std::move(options))) {
}

client::~client() {
  stop();
}

void client::send(outgoing req, completion done) {
  auto c = std::make_shared<call>();
  c->started = detail::steady::now();
  c->done = std::move(done);
  c->timeout = req.timeout.count() > 0 ? req.timeout
                                       : impl_->cfg->options.request_timeout;
  auto target = parse_url(req.url);
  std::string early_error;
  failure_kind early_kind = failure_kind::none;
  if (!target) {
    early_kind = failure_kind::bad_url;
    early_error = "not an http(s) URL: '" + req.url + "'";
  } else if (!impl_->cfg->proxy_error.empty()) {
    early_kind = failure_kind::connect;
    early_error = impl_->cfg->proxy_error;
  }
  {
    std::lock_guard<std::mutex> guard{impl_->mutex};
    if (impl_->stopped) {
      // No I/O thread is left to run the completion on: the one case in
      // which it runs here, inside send().
      detail::complete(*c, detail::failed(failure_kind::connect, false,
                                          "client stopped"));
      return;
    }
    // Posted under the lock: stop() joins the I/O threads only after every
    // handler posted before it set `stopped` has run, so none is lost.
    if (early_kind != failure_kind::none) {
      // Even a call that fails before it reaches a pool completes on an
      // I/O thread, not inside send().
      net::post(impl_->ioc, [c, early_kind, early_error] {
        detail::complete(*c, detail::failed(early_kind, false, early_error));
      });
      return;
    }
    c->target = std::move(*target);
    c->req = std::move(req);
    impl_->pool_for(c->target)->submit(std::move(c));
  }
}

std::string client::setup_error(std::string_view scheme) const {
  auto& cfg = *impl_->cfg;
  if (!cfg.proxy_error.empty())
    return cfg.proxy_error;
  return scheme == "https" ? cfg.tls_error : std::string{};
}

void client::stop() {
  std::vector<std::shared_ptr<pool>> pools;
  {
    std::lock_guard<std::mutex> guard{impl_->mutex};
    if (impl_->stopped)
      return;
    impl_->stopped = true;
    for (auto& entry : impl_->pools)
      pools.push_back(entry.second);
  }
  for (auto& p : pools)
    p->shutdown();
  // run() returns once the failed calls have completed and nothing is
  // pending any more.
  impl_->work.reset();
  for (auto& t : impl_->threads)
    t.join();
  impl_->threads.clear();
  std::lock_guard<std::mutex> guard{impl_->mutex};
  impl_->pools.clear();
}

} // namespace usms::http

#include "transport/client_pool.hpp"

#include <algorithm>
#include <utility>

#include <boost/asio/post.hpp>

#include "transport/client_connection.hpp"

namespace usms::http::detail {

namespace net = boost::asio;
using boost::system::error_code;

pool::pool(net::io_context& ioc, std::shared_ptr<const client_config> cfg,
           std::string name)
  : strand_(net::make_strand(ioc)),
    cfg_(std::move(cfg)),
    name_(std::move(name)),
    sweep_(strand_) {
}

void pool::submit(call_ptr c) {
  net::post(strand_, [self = shared_from_this(), c = std::move(c)]() mutable {
    self->enqueue(std::move(c));
  });
}

void pool::shutdown() {
  net::post(strand_, [self = shared_from_this()] { self->on_shutdown(); });
}

void pool::release(const std::shared_ptr<connection>& c, bool reusable) {
  busy_.erase(std::remove(busy_.begin(), busy_.end(), c), busy_.end());
  if (reusable && !stopped_) {
    c->mark_idle(steady::now());
    idle_.push_back(c);
    arm_sweep();
  } else {
    c->close();
    --open_;
  }
  pump();
}

void pool::enqueue(call_ptr c) {
  if (stopped_) {
    complete(*c, failed(failure_kind::connect, false, "client stopped"));
    return;
  }
  waiting_.push_back(std::move(c));
  pump();
}

// Hands waiting calls to idle connections, or to new ones while the
// per-host limit allows; the rest keep waiting in FIFO order.
void pool::pump() {
  const auto limit
    = std::max<std::size_t>(1, cfg_->options.max_connections_per_host);
  while (!waiting_.empty()) {
    auto conn = take_idle();
    bool fresh = false;
    if (!conn) {
      if (open_ >= limit)
        break;
      conn = std::make_shared<connection>(strand_, shared_from_this(), cfg_);
      ++open_;
      fresh = true;
    }
    auto c = std::move(waiting_.front());
    waiting_.pop_front();
    if (c->wait_timer) {
      c->wait_timer->cancel();
      c->wait_timer.reset();
    }
    busy_.push_back(conn);
    if (fresh)
      conn->open_and_run(std::move(c));
    else
      conn->run(std::move(c));
  }
  for (auto& c : waiting_)
    if (!c->wait_timer)
      start_wait_timer(c);
}

std::shared_ptr<connection> pool::take_idle() {
  auto now = steady::now();
  // Most recently used first: the likeliest to be alive.
  while (!idle_.empty()) {
    auto conn = std::move(idle_.back());
    idle_.pop_back();
    if (conn->still_usable(now))
      return conn;
    conn->close();
    --open_;
  }
  return nullptr;
}

// A call must not wait for a connection forever: it gets its own timeout
// for the wait, and fails as `connect` (nothing was sent) when it expires.
void pool::start_wait_timer(const call_ptr& c) {
  c->wait_timer = std::make_unique<net::steady_timer>(strand_);
  c->wait_timer->expires_at(c->started + c->timeout);
  c->wait_timer->async_wait(
    [self = shared_from_this(), weak = std::weak_ptr<call>(c)](error_code ec) {
      auto c = weak.lock();
      if (ec || !c)
        return;
      self->expire_waiting(c);
    });
}

void pool::expire_waiting(const call_ptr& c) {
  auto i = std::find(waiting_.begin(), waiting_.end(), c);
  if (i == waiting_.end())
    return;
  waiting_.erase(i);
  c->wait_timer.reset();
  complete(*c, failed(failure_kind::connect, false,
                      "no free connection to " + name_ + " within "
                        + ms_text(c->timeout)));
}

// Closes connections idle longer than max_idle, so they do not linger until
// the server drops them.
void pool::arm_sweep() {
  if (sweep_armed_ || idle_.empty())
    return;
  sweep_armed_ = true;
  auto oldest = idle_.front()->idle_since();
  for (auto& c : idle_)
    oldest = std::min(oldest, c->idle_since());
  sweep_.expires_at(oldest + cfg_->options.max_idle);
  sweep_.async_wait([self = shared_from_this()](error_code ec) {
    self->sweep_armed_ = false;
    if (ec || self->stopped_)
      return;
    self->sweep();
  });
}

void pool::sweep() {
  auto now = steady::now();
  auto stale = [&](const std::shared_ptr<connection>& c) {
    return now - c->idle_since() >= cfg_->options.max_idle;
  };
  for (auto& c : idle_)
    if (stale(c)) {
      c->close();
      --open_;
    }
  idle_.erase(std::remove_if(idle_.begin(), idle_.end(), stale), idle_.end());
  arm_sweep();
}

void pool::on_shutdown() {
  stopped_ = true;
  sweep_.cancel();
  auto waiting = std::move(waiting_);
  waiting_.clear();
  for (auto& c : waiting) {
    if (c->wait_timer)
      c->wait_timer->cancel();
    c->wait_timer.reset();
    complete(*c, failed(failure_kind::connect, false, "client stopped"));
  }
  for (auto& c : idle_)
    c->close();
  open_ -= idle_.size();
  idle_.clear();
  // Their handlers fail the calls and come back through release().
  auto busy = busy_;
  for (auto& c : busy)
    c->close();
}

} // namespace usms::http::detail

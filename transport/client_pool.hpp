#pragma once

/// The HTTP client's connections to one (scheme, host, port): at most
/// `max_connections_per_host` of them, the calls waiting for one in FIFO
/// order (each with its own deadline), and the sweep that closes connections
/// idle for longer than `max_idle`. Private to transport/.

#include <cstddef>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "transport/client_call.hpp"
#include "transport/client_config.hpp"

namespace usms::http::detail {

class connection;

/// Everything runs on the pool's strand.
class pool : public std::enable_shared_from_this<pool> {
public:
  pool(boost::asio::io_context& ioc, std::shared_ptr<const client_config> cfg,
       std::string name);

  /// Any thread.
  void submit(call_ptr c);

  /// Any thread: fails waiting calls, closes every connection.
  void shutdown();

  /// On the strand: `c` finished its call.
  void release(const std::shared_ptr<connection>& c, bool reusable);

  /// Connections open or being opened (for tests and statistics).
  std::size_t open_connections() const {
    return open_;
  }

private:
  void enqueue(call_ptr c);
  void pump();
  std::shared_ptr<connection> take_idle();
  void start_wait_timer(const call_ptr& c);
  void expire_waiting(const call_ptr& c);
  void arm_sweep();
  void sweep();
  void on_shutdown();

  strand_type strand_;
  std::shared_ptr<const client_config> cfg_;
  std::string name_;
  boost::asio::steady_timer sweep_;
  std::deque<call_ptr> waiting_;
  std::vector<std::shared_ptr<connection>> idle_;
  std::vector<std::shared_ptr<connection>> busy_;
  std::size_t open_ = 0;
  bool sweep_armed_ = false;
  bool stopped_ = false;
};

} // namespace usms::http::detail

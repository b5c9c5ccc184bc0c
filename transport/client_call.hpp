#pragma once

/// One call of the HTTP client from send() to its completion, and the small
/// helpers every stage of a call uses (the facade, the pool, the
/// connection). Private to transport/.

#include <chrono>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "transport/http_client.hpp"
#include "transport/url.hpp"

namespace usms::http::detail {

using steady = std::chrono::steady_clock;

/// A pool's strand: every handler of a pool and its connections runs on it.
using strand_type
  = boost::asio::strand<boost::asio::io_context::executor_type>;

/// One call from send() to its completion.
struct call {
  outgoing req;
  url target;
  completion done;
  steady::time_point started;
  std::chrono::milliseconds timeout{0};
  /// Only while the call waits for a free connection.
  std::unique_ptr<boost::asio::steady_timer> wait_timer;
};

using call_ptr = std::shared_ptr<call>;

/// Runs the completion of `c` exactly once (later calls do nothing), with
/// the elapsed time filled in.
void complete(call& c, outcome o);

/// An outcome without an HTTP answer.
outcome failed(failure_kind kind, bool sent, std::string error);

/// `host[:port]` as it goes into a Host header or a CONNECT target: IPv6
/// literals in brackets, the port only when it is not the scheme's default
/// or `always_port` is set.
std::string authority(const url& u, bool always_port);

/// `1500 ms`, for error messages.
std::string ms_text(std::chrono::milliseconds d);

} // namespace usms::http::detail

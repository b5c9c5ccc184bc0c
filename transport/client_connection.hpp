#pragma once

/// One kept-alive connection of the HTTP client to a host (through the proxy
/// when configured), and the state machine of a call on it: resolve, TCP
/// connect, proxy CONNECT, TLS handshake, then write the request and read
/// the answer under one deadline. Private to transport/.

#include <chrono>
#include <memory>
#include <optional>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "transport/client_call.hpp"
#include "transport/client_config.hpp"

namespace usms::http::detail {

class pool;

/// All its handlers run on its pool's strand.
class connection : public std::enable_shared_from_this<connection> {
public:
  connection(strand_type ex, std::shared_ptr<pool> owner,
             std::shared_ptr<const client_config> cfg);

  /// Connects (resolve, TCP, proxy CONNECT, TLS), then runs `c`.
  void open_and_run(call_ptr c);

  /// Runs `c` on this already open connection.
  void run(call_ptr c);

  /// Whether an idle connection may carry another request: not idle for too
  /// long, and the server has neither closed it nor sent anything unasked.
  bool still_usable(steady::time_point now);

  void mark_idle(steady::time_point now) {
    idle_since_ = now;
  }

  steady::time_point idle_since() const {
    return idle_since_;
  }

  /// Cancels whatever runs; pending handlers fail the current call.
  void close();

private:
  using error_code = boost::beast::error_code;
  using tcp = boost::asio::ip::tcp;

  boost::beast::tcp_stream& lowest();

  template <class F>
  void with_stream(F&& f) {
    if (tls_)
      f(*tls_);
    else
      f(*tcp_);
  }

  void arm(std::chrono::milliseconds d);
  void disarm();
  void on_deadline();

  void on_resolve(error_code ec, tcp::resolver::results_type results);
  void on_connect(error_code ec, const tcp::endpoint&);
  void on_tunnel(error_code ec, const std::string& refusal);
  void start_tls();
  void on_handshake(error_code ec);
  void connected();

  void build_request();
  void on_write(error_code ec, std::size_t);
  void do_read();
  void on_header(error_code ec, std::size_t);
  void on_read(error_code ec, std::size_t);

  /// After the request left: when the client stopped or the deadline
  /// passed, fails the call as such (`unfinished`: what the deadline cut
  /// short) and returns true.
  bool finish_interrupted(const char* unfinished);
  void fail_connect(const std::string& step, error_code ec);
  void fail_connect(std::string message);
  void finish(outcome o, bool reusable);

  std::shared_ptr<pool> owner_;
  std::shared_ptr<const client_config> cfg_;
  tcp::resolver resolver_;
  boost::asio::steady_timer timer_;
  std::optional<boost::beast::tcp_stream> tcp_; // moved into tls_ for https
  std::optional<boost::beast::ssl_stream<boost::beast::tcp_stream>> tls_;
  boost::beast::flat_buffer buffer_;
  boost::beast::http::request<boost::beast::http::string_body> req_;
  std::optional<
    boost::beast::http::response_parser<boost::beast::http::string_body>>
    parser_;
  call_ptr call_;
  steady::time_point idle_since_;
  unsigned generation_ = 0; // tells a stale deadline from the current one
  bool timed_out_ = false;
  bool closed_ = false;
};

} // namespace usms::http::detail

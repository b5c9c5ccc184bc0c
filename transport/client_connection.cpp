#include "transport/client_connection.hpp"

#include <utility>

#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "common/ascii.hpp"
#include "transport/beast_text.hpp"
#include "transport/client_pool.hpp"
#include "transport/client_proxy.hpp"
#include "transport/tls_setup.hpp"

namespace usms::http::detail {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;

namespace {

/// Larger than Beast's 8 KiB default: some servers send long cookies.
constexpr std::uint32_t header_limit = 64 * 1024;

} // namespace

connection::connection(strand_type ex, std::shared_ptr<pool> owner,
                       std::shared_ptr<const client_config> cfg)
  : owner_(std::move(owner)),
    cfg_(std::move(cfg)),
    resolver_(ex),
    timer_(ex) {
  tcp_.emplace(ex);
}

beast::tcp_stream& connection::lowest() {
  return tls_ ? beast::get_lowest_layer(*tls_) : *tcp_;
}

// --- connect phase ---------------------------------------------------------

void connection::open_and_run(call_ptr c) {
  call_ = std::move(c);
  timed_out_ = false;
  if (call_->target.scheme == "https" && !cfg_->tls_error.empty())
    return fail_connect(cfg_->tls_error);
  // One deadline for resolve + connect + CONNECT + TLS handshake.
  arm(cfg_->options.connect_timeout);
  const url& first_hop = cfg_->proxy ? *cfg_->proxy : call_->target;
  resolver_.async_resolve(first_hop.host, std::to_string(first_hop.port),
                          tcp::resolver::numeric_service,
                          beast::bind_front_handler(&connection::on_resolve,
                                                    shared_from_this()));
}

void connection::on_resolve(error_code ec,
                            tcp::resolver::results_type results) {
  if (ec)
    return fail_connect(cfg_->proxy ? "resolve proxy" : "resolve", ec);
  tcp_->async_connect(results,
                      beast::bind_front_handler(&connection::on_connect,
                                                shared_from_this()));
}

void connection::on_connect(error_code ec, const tcp::endpoint&) {
  if (ec)
    return fail_connect(cfg_->proxy ? "connect to proxy" : "connect", ec);
  error_code ignored;
  tcp_->socket().set_option(tcp::no_delay(true), ignored);
  if (cfg_->proxy && call_->target.scheme == "https") {
    // Ask the proxy for a tunnel; TLS then runs end to end inside it.
    return open_proxy_tunnel(
      *tcp_, buffer_, call_->target,
      [self = shared_from_this()](error_code ec, const std::string& refusal) {
        self->on_tunnel(ec, refusal);
      });
  }
  if (call_->target.scheme == "https")
    return start_tls();
  connected();
}

void connection::on_tunnel(error_code ec, const std::string& refusal) {
  if (ec)
    return fail_connect("proxy CONNECT", ec);
  if (!refusal.empty())
    return fail_connect(refusal);
  start_tls();
}

void connection::start_tls() {
  tls_.emplace(std::move(*tcp_), *cfg_->tls);
  tcp_.reset();
  const auto& host = call_->target.host;
  if (auto error = prepare_client_tls(*tls_, host, cfg_->options.verify_peer);
      !error.empty())
    return fail_connect(std::move(error));
  tls_->async_handshake(ssl::stream_base::client,
                        beast::bind_front_handler(&connection::on_handshake,
                                                  shared_from_this()));
}

void connection::on_handshake(error_code ec) {
  if (ec)
    return fail_connect("TLS handshake with " + call_->target.host, ec);
  connected();
}

void connection::connected() {
  disarm();
  run(std::move(call_));
}

// --- request phase ---------------------------------------------------------

void connection::run(call_ptr c) {
  call_ = std::move(c);
  timed_out_ = false;
  build_request();
  // One deadline for write + read.
  arm(call_->timeout);
  // From here on the server may see (part of) the request: every failure
  // says `request_sent`, and the caller must treat the call's effect as
  // unknown unless a full answer comes back.
  with_stream([this](auto& stream) {
    bhttp::async_write(stream, req_,
                       beast::bind_front_handler(&connection::on_write,
                                                 shared_from_this()));
  });
}

void connection::build_request() {
  const auto& in = call_->req;
  const auto& target = call_->target;
  req_ = {};
  req_.version(11);
  auto verb = bhttp::string_to_verb(to_beast(in.method));
  if (verb == bhttp::verb::unknown)
    req_.method_string(to_beast(in.method));
  else
    req_.method(verb);
  // Plain http through a proxy: the proxy needs the absolute URL.
  if (cfg_->proxy && target.scheme == "http")
    req_.target(to_beast("http://" + authority(target, false) + target.target));
  else
    req_.target(to_beast(target.target));
  bool has_host = false;
  for (const auto& h : in.headers) {
    // Framing is ours to decide.
    if (usms::iequals(h.name, "content-length")
        || usms::iequals(h.name, "transfer-encoding"))
      continue;
    if (usms::iequals(h.name, "host"))
      has_host = true;
    req_.insert(to_beast(h.name), to_beast(h.value));
  }
  if (!has_host)
    req_.set(bhttp::field::host, to_beast(authority(target, false)));
  req_.body() = in.body;
  req_.prepare_payload();
}

void connection::on_write(error_code ec, std::size_t) {
  if (ec) {
    if (finish_interrupted("request not written"))
      return;
    // Also when a reused connection was closed by the server meanwhile: we
    // cannot know how much it read, and a retry is only safe for idempotent
    // requests, which is the caller's call to make.
    return finish(failed(failure_kind::reset_after_send, true,
                         "write failed: " + ec.message()),
                  false);
  }
  do_read();
}

void connection::do_read() {
  parser_.emplace();
  parser_->body_limit(cfg_->options.max_response_body);
  parser_->header_limit(header_limit);
  // The answer to HEAD has a Content-Length but no body.
  if (req_.method() == bhttp::verb::head)
    parser_->skip(true);
  // The header first: Beast 1.74's response parser ignores body_limit for a
  // Content-Length body (it only enforces it for chunked and read-to-EOF
  // bodies), so the declared length is checked here.
  with_stream([this](auto& stream) {
    bhttp::async_read_header(stream, buffer_, *parser_,
                             beast::bind_front_handler(&connection::on_header,
                                                       shared_from_this()));
  });
}

void connection::on_header(error_code ec, std::size_t n) {
  if (ec)
    return on_read(ec, n);
  auto length = parser_->content_length();
  if (length && *length > cfg_->options.max_response_body)
    return on_read(bhttp::error::body_limit, n);
  with_stream([this](auto& stream) {
    bhttp::async_read(stream, buffer_, *parser_,
                      beast::bind_front_handler(&connection::on_read,
                                                shared_from_this()));
  });
}

void connection::on_read(error_code ec, std::size_t) {
  if (ec) {
    if (finish_interrupted("no complete response"))
      return;
    if (ec == bhttp::error::body_limit)
      return finish(failed(failure_kind::bad_response, true,
                           "response body exceeds "
                             + std::to_string(cfg_->options.max_response_body)
                             + " bytes"),
                    false);
    bool http_syntax
      = ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category()
        && ec != bhttp::error::end_of_stream
        && ec != bhttp::error::partial_message;
    if (http_syntax)
      return finish(failed(failure_kind::bad_response, true,
                           "malformed response: " + ec.message()),
                    false);
    return finish(failed(failure_kind::reset_after_send, true,
                         "connection closed before a complete response: "
                           + ec.message()),
                  false);
  }
  auto& msg = parser_->get();
  // Interim answers (100 Continue, 103 Early Hints): the real one follows.
  if (msg.result_int() / 100 == 1 && msg.result_int() != 101)
    return do_read();
  disarm();
  outcome o;
  o.request_sent = true;
  o.status = msg.result_int();
  o.headers.reserve(std::distance(msg.begin(), msg.end()));
  for (const auto& field : msg)
    o.headers.push_back({to_std(field.name_string()), to_std(field.value())});
  o.body = std::move(msg.body());
  bool reusable = msg.keep_alive() && !parser_->need_eof()
                  && o.status != 101;
  parser_.reset();
  finish(std::move(o), reusable);
}

// --- deadlines, failures, cleanup ------------------------------------------

void connection::arm(std::chrono::milliseconds d) {
  ++generation_;
  timer_.expires_after(d);
  timer_.async_wait([self = shared_from_this(),
                     generation = generation_](error_code ec) {
    if (!ec && generation == self->generation_)
      self->on_deadline();
  });
}

void connection::disarm() {
  ++generation_;
  timer_.cancel();
}

void connection::on_deadline() {
  timed_out_ = true;
  // Aborts whatever is pending; its handler reports the timeout.
  resolver_.cancel();
  error_code ignored;
  lowest().socket().close(ignored);
}

bool connection::finish_interrupted(const char* unfinished) {
  if (closed_)
    finish(failed(failure_kind::reset_after_send, true, "client stopped"),
           false);
  else if (timed_out_)
    finish(failed(failure_kind::timeout_after_send, true,
                  std::string(unfinished) + " within "
                    + ms_text(call_->timeout)),
           false);
  else
    return false;
  return true;
}

void connection::fail_connect(const std::string& step, error_code ec) {
  if (closed_)
    return fail_connect("client stopped");
  if (timed_out_)
    return fail_connect("connect timeout after "
                        + ms_text(cfg_->options.connect_timeout) + " ("
                        + step + ")");
  fail_connect(step + ": " + ec.message());
}

void connection::fail_connect(std::string message) {
  // Nothing of the request left this process.
  finish(failed(failure_kind::connect, false, std::move(message)), false);
}

void connection::finish(outcome o, bool reusable) {
  disarm();
  auto c = std::move(call_);
  call_.reset();
  auto owner = owner_;
  if (!reusable)
    close();
  // Give the connection back first: the completion may send the next call.
  owner->release(shared_from_this(), reusable);
  if (c)
    complete(*c, std::move(o));
}

bool connection::still_usable(steady::time_point now) {
  // Leftover bytes after the last answer: the server is confused.
  if (closed_ || now - idle_since_ >= cfg_->options.max_idle
      || buffer_.size() != 0)
    return false;
  auto& socket = lowest().socket();
  if (!socket.is_open())
    return false;
  // Peek without blocking: EOF or any unasked byte means the server is done
  // with this connection (or confused); would_block means all is quiet.
  // Set once per connection (each set is an ioctl); it changes nothing for
  // the asynchronous operations, the only others on this socket.
  error_code ec;
  if (!socket.non_blocking())
    socket.non_blocking(true, ec);
  if (ec)
    return false;
  char probe = 0;
  socket.receive(net::buffer(&probe, 1), tcp::socket::message_peek, ec);
  return ec == net::error::would_block;
}

void connection::close() {
  if (closed_)
    return;
  closed_ = true;
  disarm();
  resolver_.cancel();
  error_code ignored;
  lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
  lowest().socket().close(ignored);
  // Break the pool <-> connection cycle once nothing runs any more.
  if (!call_)
    owner_.reset();
}

} // namespace usms::http::detail

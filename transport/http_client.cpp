#include "transport/http_client.hpp"

#include <algorithm>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <openssl/ssl.h>

#include "transport/url.hpp"

namespace usms::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;
using steady = std::chrono::steady_clock;

namespace {

/// Larger than Beast's 8 KiB default: some servers send long cookies.
constexpr std::uint32_t header_limit = 64 * 1024;

using strand_type = net::strand<net::io_context::executor_type>;

std::string to_std(beast::string_view text) {
  // beast::string_view is boost::string_view in 1.74: no implicit conversion.
  return std::string(text.data(), text.size());
}

beast::string_view to_beast(std::string_view text) {
  return beast::string_view(text.data(), text.size());
}

std::string ms_text(std::chrono::milliseconds d) {
  return std::to_string(d.count()) + " ms";
}

bool is_ip_literal(const std::string& host) {
  beast::error_code ec;
  net::ip::make_address(host, ec);
  return !ec;
}

/// `host[:port]` as it goes into a Host header or a CONNECT target: IPv6
/// literals in brackets, the port only when it is not the scheme's default
/// (always for CONNECT).
std::string authority(const url& u, bool always_port) {
  std::string result = u.host.find(':') != std::string::npos
                         ? "[" + u.host + "]"
                         : u.host;
  uint16_t default_port = u.scheme == "https" ? 443 : 80;
  if (always_port || u.port != default_port)
    result += ":" + std::to_string(u.port);
  return result;
}

// Everything the client's connections share; immutable after construction.
struct client_config {
  client_options options;
  std::optional<url> proxy;
  std::string proxy_error; ///< non-empty: every call fails with it
  std::shared_ptr<ssl::context> tls;
  std::string tls_error; ///< non-empty: every https call fails with it
};

// One call from send() to its completion.
struct call {
  outgoing req;
  url target;
  completion done;
  steady::time_point started;
  std::chrono::milliseconds timeout{0};
  /// Only while the call waits for a free connection.
  std::unique_ptr<net::steady_timer> wait_timer;
};

using call_ptr = std::shared_ptr<call>;

/// Calls the completion exactly once. A throwing completion must not kill
/// the I/O thread: there is nobody to report to, so the exception ends here.
void complete(call& c, outcome o) {
  auto done = std::exchange(c.done, nullptr);
  if (!done)
    return;
  o.elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
    steady::now() - c.started);
  try {
    done(std::move(o));
  } catch (...) {
  }
}

outcome failed(failure_kind kind, bool sent, std::string error) {
  outcome o;
  o.failure = kind;
  o.request_sent = sent;
  o.error = std::move(error);
  return o;
}

class pool;

// One kept-alive connection to a host (through the proxy when configured).
// All its handlers run on its pool's strand.
class connection : public std::enable_shared_from_this<connection> {
public:
  connection(strand_type ex, std::shared_ptr<pool> owner,
             std::shared_ptr<const client_config> cfg)
    : ex_(ex),
      owner_(std::move(owner)),
      cfg_(std::move(cfg)),
      resolver_(ex),
      timer_(ex) {
    tcp_.emplace(ex);
  }

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
  beast::tcp_stream& lowest() {
    return tls_ ? beast::get_lowest_layer(*tls_) : *tcp_;
  }

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

  void on_resolve(beast::error_code ec, tcp::resolver::results_type results);
  void on_connect(beast::error_code ec, const tcp::endpoint&);
  void on_proxy_write(beast::error_code ec, std::size_t);
  void on_proxy_read(beast::error_code ec, std::size_t);
  void start_tls();
  void on_handshake(beast::error_code ec);

  void build_request();
  void on_write(beast::error_code ec, std::size_t);
  void do_read();
  void on_header(beast::error_code ec, std::size_t);
  void on_read(beast::error_code ec, std::size_t);

  void fail_connect(const std::string& step, beast::error_code ec);
  void fail_connect(std::string message);
  void finish(outcome o, bool reusable);

  strand_type ex_;
  std::shared_ptr<pool> owner_;
  std::shared_ptr<const client_config> cfg_;
  tcp::resolver resolver_;
  net::steady_timer timer_;
  std::optional<beast::tcp_stream> tcp_; // moved into tls_ for https
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request<bhttp::empty_body>> connect_req_;
  std::optional<bhttp::response_parser<bhttp::empty_body>> connect_res_;
  bhttp::request<bhttp::string_body> req_;
  std::optional<bhttp::response_parser<bhttp::string_body>> parser_;
  call_ptr call_;
  steady::time_point idle_since_;
  unsigned generation_ = 0; // tells a stale deadline from the current one
  bool connecting_ = false;
  bool sent_ = false;
  bool timed_out_ = false;
  bool closed_ = false;
};

// The connections to one (scheme, host, port) and the calls waiting for
// one. Everything runs on the pool's strand.
class pool : public std::enable_shared_from_this<pool> {
public:
  pool(net::io_context& ioc, std::shared_ptr<const client_config> cfg,
       std::string name)
    : strand_(net::make_strand(ioc)),
      cfg_(std::move(cfg)),
      name_(std::move(name)),
      sweep_(strand_) {
  }

  /// Any thread.
  void submit(call_ptr c) {
    net::post(strand_, [self = shared_from_this(), c = std::move(c)]() mutable {
      self->enqueue(std::move(c));
    });
  }

  /// Any thread: fails waiting calls, closes every connection.
  void shutdown() {
    net::post(strand_, [self = shared_from_this()] { self->on_shutdown(); });
  }

  /// On the strand: `c` finished its call.
  void release(const std::shared_ptr<connection>& c, bool reusable) {
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

  /// Connections open or being opened (for tests and statistics).
  std::size_t open_connections() const {
    return open_;
  }

private:
  void enqueue(call_ptr c) {
    if (stopped_) {
      complete(*c, failed(failure_kind::connect, false, "client stopped"));
      return;
    }
    waiting_.push_back(std::move(c));
    pump();
  }

  // Hands waiting calls to idle connections, or to new ones while the
  // per-host limit allows; the rest keep waiting in FIFO order.
  void pump() {
    const auto limit = std::max<std::size_t>(
      1, cfg_->options.max_connections_per_host);
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

  std::shared_ptr<connection> take_idle() {
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
  void start_wait_timer(const call_ptr& c) {
    c->wait_timer = std::make_unique<net::steady_timer>(strand_);
    c->wait_timer->expires_at(c->started + c->timeout);
    c->wait_timer->async_wait(
      [self = shared_from_this(), weak = std::weak_ptr<call>(c)](
        beast::error_code ec) {
        auto c = weak.lock();
        if (ec || !c)
          return;
        self->expire_waiting(c);
      });
  }

  void expire_waiting(const call_ptr& c) {
    auto i = std::find(waiting_.begin(), waiting_.end(), c);
    if (i == waiting_.end())
      return;
    waiting_.erase(i);
    c->wait_timer.reset();
    complete(*c, failed(failure_kind::connect, false,
                        "no free connection to " + name_ + " within "
                          + ms_text(c->timeout)));
  }

  // Closes connections idle longer than max_idle, so they do not linger
  // until the server drops them.
  void arm_sweep() {
    if (sweep_armed_ || idle_.empty())
      return;
    sweep_armed_ = true;
    auto oldest = idle_.front()->idle_since();
    for (auto& c : idle_)
      oldest = std::min(oldest, c->idle_since());
    sweep_.expires_at(oldest + cfg_->options.max_idle);
    sweep_.async_wait([self = shared_from_this()](beast::error_code ec) {
      self->sweep_armed_ = false;
      if (ec || self->stopped_)
        return;
      self->sweep();
    });
  }

  void sweep() {
    auto now = steady::now();
    auto stale = [&](const std::shared_ptr<connection>& c) {
      return now - c->idle_since() >= cfg_->options.max_idle;
    };
    for (auto& c : idle_)
      if (stale(c)) {
        c->close();
        --open_;
      }
    idle_.erase(std::remove_if(idle_.begin(), idle_.end(), stale),
                idle_.end());
    arm_sweep();
  }

  void on_shutdown() {
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

  strand_type strand_;
  std::shared_ptr<const client_config> cfg_;
  std::string name_;
  net::steady_timer sweep_;
  std::deque<call_ptr> waiting_;
  std::vector<std::shared_ptr<connection>> idle_;
  std::vector<std::shared_ptr<connection>> busy_;
  std::size_t open_ = 0;
  bool sweep_armed_ = false;
  bool stopped_ = false;
};

// --- connection: connect phase ---------------------------------------------

void connection::open_and_run(call_ptr c) {
  call_ = std::move(c);
  connecting_ = true;
  sent_ = false;
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

void connection::on_resolve(beast::error_code ec,
                            tcp::resolver::results_type results) {
  if (ec)
    return fail_connect(cfg_->proxy ? "resolve proxy" : "resolve", ec);
  tcp_->async_connect(results,
                      beast::bind_front_handler(&connection::on_connect,
                                                shared_from_this()));
}

void connection::on_connect(beast::error_code ec, const tcp::endpoint&) {
  if (ec)
    return fail_connect(cfg_->proxy ? "connect to proxy" : "connect", ec);
  beast::error_code ignored;
  tcp_->socket().set_option(tcp::no_delay(true), ignored);
  if (cfg_->proxy && call_->target.scheme == "https") {
    // Ask the proxy for a tunnel; TLS then runs end to end inside it.
    auto where = authority(call_->target, true);
    connect_req_.emplace(bhttp::verb::connect, to_beast(where), 11);
    connect_req_->set(bhttp::field::host, to_beast(where));
    bhttp::async_write(*tcp_, *connect_req_,
                       beast::bind_front_handler(&connection::on_proxy_write,
                                                 shared_from_this()));
    return;
  }
  if (call_->target.scheme == "https")
    return start_tls();
  disarm();
  connecting_ = false;
  run(std::move(call_));
}

void connection::on_proxy_write(beast::error_code ec, std::size_t) {
  if (ec)
    return fail_connect("proxy CONNECT", ec);
  connect_res_.emplace();
  // A CONNECT answer has no body: the tunnel follows the header.
  connect_res_->skip(true);
  bhttp::async_read(*tcp_, buffer_, *connect_res_,
                    beast::bind_front_handler(&connection::on_proxy_read,
                                              shared_from_this()));
}

void connection::on_proxy_read(beast::error_code ec, std::size_t) {
  if (ec)
    return fail_connect("proxy CONNECT", ec);
  auto status = connect_res_->get().result_int();
  auto reason = to_std(connect_res_->get().reason());
  connect_res_.reset();
  connect_req_.reset();
  if (status / 100 != 2)
    return fail_connect("proxy refused CONNECT to "
                        + authority(call_->target, true) + ": "
                        + std::to_string(status) + " " + reason);
  // Bytes after the header would be the server's TLS data before our
  // ClientHello, which cannot happen with a sane proxy.
  if (buffer_.size() != 0)
    return fail_connect("proxy sent data after its CONNECT answer");
  start_tls();
}

void connection::start_tls() {
  tls_.emplace(std::move(*tcp_), *cfg_->tls);
  tcp_.reset();
  const auto& host = call_->target.host;
  if (!is_ip_literal(host)
      && !SSL_set_tlsext_host_name(tls_->native_handle(), host.c_str()))
    return fail_connect("TLS: cannot set the server name " + host);
  if (cfg_->options.verify_peer) {
    beast::error_code ec;
    tls_->set_verify_callback(ssl::host_name_verification(host), ec);
    if (ec)
      return fail_connect("TLS verify setup", ec);
  }
  tls_->async_handshake(ssl::stream_base::client,
                        beast::bind_front_handler(&connection::on_handshake,
                                                  shared_from_this()));
}

void connection::on_handshake(beast::error_code ec) {
  if (ec)
    return fail_connect("TLS handshake with " + call_->target.host, ec);
  disarm();
  connecting_ = false;
  run(std::move(call_));
}

// --- connection: request phase ---------------------------------------------

void connection::run(call_ptr c) {
  call_ = std::move(c);
  connecting_ = false;
  sent_ = false;
  timed_out_ = false;
  build_request();
  // One deadline for write + read.
  arm(call_->timeout);
  // From here on the server may see (part of) the request: the caller must
  // treat the call's effect as unknown unless a full answer comes back.
  sent_ = true;
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
    auto name = to_beast(h.name);
    // Framing is ours to decide.
    if (beast::iequals(name, "content-length")
        || beast::iequals(name, "transfer-encoding"))
      continue;
    if (beast::iequals(name, "host"))
      has_host = true;
    req_.insert(name, to_beast(h.value));
  }
  if (!has_host)
    req_.set(bhttp::field::host, to_beast(authority(target, false)));
  req_.body() = in.body;
  req_.prepare_payload();
}

void connection::on_write(beast::error_code ec, std::size_t) {
  if (ec) {
    if (closed_)
      return finish(failed(failure_kind::reset_after_send, true,
                           "client stopped"),
                    false);
    if (timed_out_)
      return finish(failed(failure_kind::timeout_after_send, true,
                           "request not written within "
                             + ms_text(call_->timeout)),
                    false);
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

void connection::on_header(beast::error_code ec, std::size_t n) {
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

void connection::on_read(beast::error_code ec, std::size_t) {
  if (ec) {
    if (closed_)
      return finish(failed(failure_kind::reset_after_send, true,
                           "client stopped"),
                    false);
    if (timed_out_)
      return finish(failed(failure_kind::timeout_after_send, true,
                           "no complete response within "
                             + ms_text(call_->timeout)),
                    false);
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

// --- connection: deadlines, failures, cleanup ------------------------------

void connection::arm(std::chrono::milliseconds d) {
  ++generation_;
  timer_.expires_after(d);
  timer_.async_wait([self = shared_from_this(),
                     generation = generation_](beast::error_code ec) {
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
  beast::error_code ignored;
  lowest().socket().close(ignored);
}

void connection::fail_connect(const std::string& step, beast::error_code ec) {
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
  beast::error_code ec;
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
  beast::error_code ignored;
  lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
  lowest().socket().close(ignored);
  // Break the pool <-> connection cycle once nothing runs any more.
  if (!call_)
    owner_.reset();
}

} // namespace

struct client::impl {
  explicit impl(client_options options);

  std::shared_ptr<pool> pool_for(const url& target);

  std::shared_ptr<client_config> cfg = std::make_shared<client_config>();
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
  cfg->options = std::move(options);
  auto& o = cfg->options;
  if (!o.proxy.empty()) {
    cfg->proxy = parse_url(o.proxy);
    if (!cfg->proxy || cfg->proxy->scheme != "http") {
      cfg->proxy.reset();
      // Not quoted: the URL may carry a password.
      cfg->proxy_error = "bad proxy URL: expected http://host:port";
    }
  }
  // TLS setup errors surface on the first https call, as `connect`.
  auto tls = std::make_shared<ssl::context>(ssl::context::tls_client);
  tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2
                   | ssl::context::no_sslv3);
  beast::error_code ec;
  if (!o.ca_file.empty()) {
    tls->load_verify_file(o.ca_file, ec);
    if (ec)
      cfg->tls_error = "cannot load CA file " + o.ca_file + ": " + ec.message();
  } else {
    tls->set_default_verify_paths(ec);
    if (ec)
      cfg->tls_error = "cannot load the system trust store: " + ec.message();
  }
  if (cfg->tls_error.empty() && !o.client_cert_file.empty()) {
    tls->use_certificate_chain_file(o.client_cert_file, ec);
    if (ec)
      cfg->tls_error = "cannot load client certificate " + o.client_cert_file
                       + ": " + ec.message();
  }
  if (cfg->tls_error.empty() && !o.client_key_file.empty()) {
    tls->use_private_key_file(o.client_key_file, ssl::context::pem, ec);
    if (ec)
      cfg->tls_error = "cannot load client key " + o.client_key_file + ": "
                       + ec.message();
  }
  tls->set_verify_mode(o.verify_peer ? ssl::verify_peer : ssl::verify_none);
  cfg->tls = std::move(tls);

  auto n = std::max(1u, o.io_threads);
  threads.reserve(n);
  for (unsigned i = 0; i < n; ++i)
    threads.emplace_back([this] { ioc.run(); });
}

std::shared_ptr<pool> client::impl::pool_for(const url& target) {
  auto key = target.scheme + "://" + authority(target, true);
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
  c->started = steady::now();
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
      // No I/O thread is left to run the completion on.
      complete(*c, failed(failure_kind::connect, false, "client stopped"));
      return;
    }
    // Posted under the lock: stop() joins the I/O threads only after every
    // handler posted before it set `stopped` has run, so none is lost.
    if (early_kind != failure_kind::none) {
      // The completion runs on an I/O thread, never inside send().
      net::post(impl_->ioc, [c, early_kind, early_error] {
        complete(*c, failed(early_kind, false, early_error));
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

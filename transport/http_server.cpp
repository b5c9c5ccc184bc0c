#include "transport/http_server.hpp"

#include <atomic>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <openssl/ssl.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "common/ascii.hpp"

namespace usms::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;

namespace {

/// Time a TLS client gets to finish its handshake.
constexpr std::chrono::seconds handshake_timeout{10};

/// How long a closing connection may take to say goodbye: the TLS
/// close_notify exchange, or reading what the client still sends after our
/// last answer (lingering close, so the client sees the answer, not a reset).
constexpr std::chrono::seconds close_timeout{2};

/// Larger than Beast's 8 KiB default: SOAP and proxy headers can be long.
constexpr std::uint32_t header_limit = 64 * 1024;

std::string to_std(beast::string_view text) {
  // beast::string_view is boost::string_view in 1.74: no implicit conversion.
  return std::string(text.data(), text.size());
}

std::string error_json(std::string_view code, std::string_view message) {
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);
  w.StartObject();
  w.Key("error");
  w.StartObject();
  w.Key("code");
  w.String(code.data(), static_cast<rapidjson::SizeType>(code.size()));
  w.Key("message");
  w.String(message.data(), static_cast<rapidjson::SizeType>(message.size()));
  w.EndObject();
  w.EndObject();
  return std::string(out.GetString(), out.GetSize());
}

std::string format_endpoint(const tcp::endpoint& ep) {
  auto address = ep.address();
  if (address.is_v6())
    return "[" + address.to_string() + "]:" + std::to_string(ep.port());
  return address.to_string() + ":" + std::to_string(ep.port());
}

// What the server's registry and the responders see of a connection.
class session_base : public std::enable_shared_from_this<session_base> {
public:
  virtual ~session_base() = default;

  /// Any thread: posts the answer for request `seq` onto the strand.
  virtual void deliver(std::uint64_t seq, response res) = 0;

  /// Any thread: every copy of the responder for `seq` died uncalled.
  virtual void abandon(std::uint64_t seq) = 0;

  /// Only while no I/O thread runs (server::stop): close the socket.
  virtual void close_now() = 0;
};

// Owns the open connections. A session waiting for the application has no
// pending I/O, so something must keep it alive; responders only hold weak
// references, so stop() can close everything even while the application
// still holds responders.
class registry {
public:
  bool add(const std::shared_ptr<session_base>& s) {
    std::lock_guard<std::mutex> guard{mutex_};
    if (closed_)
      return false;
    sessions_.emplace(s.get(), s);
    return true;
  }

  void remove(session_base* s) {
    std::shared_ptr<session_base> last;
    {
      std::lock_guard<std::mutex> guard{mutex_};
      auto i = sessions_.find(s);
      if (i == sessions_.end())
        return;
      last = std::move(i->second);
      sessions_.erase(i);
    }
    // `last` may be the final owner: it dies here, outside the lock.
  }

  std::vector<std::shared_ptr<session_base>> close() {
    std::vector<std::shared_ptr<session_base>> result;
    std::lock_guard<std::mutex> guard{mutex_};
    closed_ = true;
    result.reserve(sessions_.size());
    for (auto& entry : sessions_)
      result.push_back(std::move(entry.second));
    sessions_.clear();
    return result;
  }

private:
  std::mutex mutex_;
  bool closed_ = false;
  std::unordered_map<session_base*, std::shared_ptr<session_base>> sessions_;
};

// Immutable after start(); shared by the listener and every session.
struct server_context {
  std::shared_ptr<const handler> on_request;
  std::shared_ptr<registry> sessions;
  std::shared_ptr<ssl::context> tls; // null: plain http
  // Weak: sessions live in handlers queued on the io_context, so a strong
  // reference here would make a cycle.
  std::weak_ptr<net::io_context> ioc;
  std::size_t max_body = 0;
  std::chrono::seconds idle_timeout{0};
};

// Shared by every copy of one responder. Its destructor notices when the
// application dropped the responder without calling it.
struct reply_slot {
  reply_slot(std::shared_ptr<net::io_context> ioc,
             std::weak_ptr<session_base> session, std::uint64_t seq)
    : ioc(std::move(ioc)), session(std::move(session)), seq(seq) {
  }

  ~reply_slot() {
    if (!used.load(std::memory_order_acquire))
      if (auto s = session.lock())
        s->abandon(seq);
  }

  // Keeps the io_context (not the connection) alive while a responder
  // exists, so posting onto a strand stays valid even after server::stop().
  // Declared first: destroyed last.
  std::shared_ptr<net::io_context> ioc;
  std::weak_ptr<session_base> session;
  std::uint64_t seq;
  std::atomic<bool> used{false};
};

template <class Stream>
constexpr bool is_tls_v
  = std::is_same_v<Stream, beast::ssl_stream<beast::tcp_stream>>;

// One connection. Requests are handled one at a time: the next request is
// read only after the previous answer was written, so pipelined requests
// wait in the socket and its buffer and answers leave in request order.
template <class Stream>
class session final : public session_base {
public:
  session(Stream&& stream, std::shared_ptr<const server_context> ctx,
          std::string remote)
    : stream_(std::move(stream)),
      ctx_(std::move(ctx)),
      remote_(std::move(remote)) {
  }

  void run() {
    // Start on the connection's strand (the socket was accepted onto one).
    net::dispatch(lowest().get_executor(),
                  beast::bind_front_handler(&session::on_run, self()));
  }

  void deliver(std::uint64_t seq, response res) override {
    net::post(lowest().get_executor(),
              [self = self(), seq, res = std::move(res)]() mutable {
                self->on_reply(seq, std::move(res));
              });
  }

  void abandon(std::uint64_t seq) override {
    net::post(lowest().get_executor(),
              [self = self(), seq] { self->on_abandon(seq); });
  }

  void close_now() override {
    close_socket();
  }

private:
  std::shared_ptr<session> self() {
    return std::static_pointer_cast<session>(shared_from_this());
  }

  beast::tcp_stream& lowest() {
    return beast::get_lowest_layer(stream_);
  }

  void on_run() {
    if constexpr (is_tls_v<Stream>) {
      lowest().expires_after(handshake_timeout);
      stream_.async_handshake(ssl::stream_base::server,
                              beast::bind_front_handler(&session::on_handshake,
                                                        self()));
    } else {
      do_read();
    }
  }

  void on_handshake(beast::error_code ec) {
    if (ec)
      return close_socket();
    do_read();
  }

  void do_read() {
    // A fresh parser per request: body_limit applies to each message.
    parser_.emplace();
    parser_->body_limit(ctx_->max_body);
    parser_->header_limit(header_limit);
    // Between requests the connection is idle: bound that time.
    lowest().expires_after(ctx_->idle_timeout);
    // The header first: an oversized body is refused before it is sent, and
    // a client waiting on `Expect: 100-continue` gets its go-ahead.
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             beast::bind_front_handler(&session::on_header,
                                                       self()));
  }

  void on_header(beast::error_code ec, std::size_t n) {
    if (!ec && !closed_)
      ec = parse_buffered_body();
    if (ec || closed_ || parser_->is_done())
      return on_read(ec, n); // no second read for GET or a small body
    auto expect = parser_->get()[bhttp::field::expect];
    if (beast::iequals(expect, "100-continue")) {
      static const std::string go_ahead = "HTTP/1.1 100 Continue\r\n\r\n";
      return net::async_write(stream_, net::buffer(go_ahead),
                              [self = self()](beast::error_code ec,
                                              std::size_t n) {
                                if (ec)
                                  return self->on_read(ec, n);
                                self->read_body();
                              });
    }
    read_body();
  }

  // The body of a small request usually arrived with its header: parsing
  // it here saves an asynchronous round through the io_context.
  beast::error_code parse_buffered_body() {
    parser_->eager(true);
    beast::error_code ec;
    while (!parser_->is_done() && buffer_.size() != 0) {
      auto used = parser_->put(buffer_.data(), ec);
      buffer_.consume(used);
      if (ec == bhttp::error::need_more)
        return {};
      if (ec || used == 0)
        return ec;
    }
    return ec;
  }

  void read_body() {
    bhttp::async_read(stream_, buffer_, *parser_,
                      beast::bind_front_handler(&session::on_read, self()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (closed_)
      return;
    if (ec == bhttp::error::end_of_stream)
      return close_gracefully();
    if (ec == bhttp::error::body_limit) {
      return answer_and_close(
        413, error_json("payload_too_large",
                        "request body exceeds " + std::to_string(ctx_->max_body)
                          + " bytes"));
    }
    if (ec == bhttp::error::header_limit)
      return answer_and_close(431, error_json("headers_too_large",
                                              "request headers too large"));
    if (ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category()
        && ec != bhttp::error::partial_message)
      return answer_and_close(400, error_json("bad_request",
                                              "malformed HTTP request: "
                                                + ec.message()));
    if (ec) // timeout, reset, TLS failure, or a half-sent request
      return close_socket();

    auto& msg = parser_->get();
    keep_alive_ = msg.keep_alive();
    version_ = msg.version();
    head_ = msg.method() == bhttp::verb::head;

    request req;
    req.method = to_std(msg.method_string());
    req.target = to_std(msg.target());
    req.headers.reserve(std::distance(msg.begin(), msg.end()));
    for (const auto& field : msg)
      req.headers.push_back({to_std(field.name_string()), to_std(field.value())});
    req.body = std::move(msg.body());
    req.remote_address = remote_;
    parser_.reset();

    // The application has its own deadlines; an unanswered request is not
    // idleness.
    lowest().expires_never();
    awaiting_ = true;
    auto seq = ++seq_;
    auto ioc = ctx_->ioc.lock(); // alive: we run on one of its threads
    auto slot = std::make_shared<reply_slot>(std::move(ioc), self(), seq);
    responder respond = [slot](response res) {
      if (slot->used.exchange(true, std::memory_order_acq_rel))
        return; // a second call is a caller bug: ignore it
      if (auto s = slot->session.lock())
        s->deliver(slot->seq, std::move(res));
    };
    try {
      (*ctx_->on_request)(std::move(req), std::move(respond));
    } catch (const std::exception& e) {
      fail_from_handler(*slot, e.what());
    } catch (...) {
      fail_from_handler(*slot, "unknown exception");
    }
  }

  // A throwing handler must not take the I/O thread down with it.
  void fail_from_handler(reply_slot& slot, const char* what) {
    if (slot.used.exchange(true, std::memory_order_acq_rel))
      return;
    response res;
    res.status = 500;
    res.body = error_json("internal", std::string("request handler failed: ")
                                        + what);
    on_reply(slot.seq, std::move(res));
  }

  void on_reply(std::uint64_t seq, response res) {
    if (closed_ || !awaiting_ || seq != seq_)
      return;
    awaiting_ = false;
    if (res.reset_connection)
      return reset();
    if (usms::iequals(find_header(res.headers, "connection"), "close"))
      keep_alive_ = false;
    write(res.status, res.content_type, res.headers, std::move(res.body));
  }

  void on_abandon(std::uint64_t seq) {
    if (closed_ || !awaiting_ || seq != seq_)
      return;
    awaiting_ = false;
    // Nobody will answer: close instead of leaving the client hanging.
    close_gracefully();
  }

  void answer_and_close(unsigned status, std::string body) {
    keep_alive_ = false;
    head_ = false;
    parser_.reset();
    write(status, "application/json", {}, std::move(body));
  }

  void write(unsigned status, const std::string& content_type,
             const header_list& headers, std::string body) {
    if (status < 100 || status > 999)
      status = 500;
    auto& res = res_.emplace();
    res.result(status);
    res.version(version_);
    res.set(bhttp::field::server, "usms");
    if (!content_type.empty())
      res.set(bhttp::field::content_type, content_type);
    for (const auto& h : headers) {
      // Framing is ours to decide.
      if (usms::iequals(h.name, "content-length")
          || usms::iequals(h.name, "transfer-encoding")
          || usms::iequals(h.name, "connection"))
        continue;
      res.insert(beast::string_view(h.name.data(), h.name.size()),
                 beast::string_view(h.value.data(), h.value.size()));
    }
    res.keep_alive(keep_alive_);
    res.content_length(body.size());
    if (!head_)
      res.body() = std::move(body);
    lowest().expires_after(ctx_->idle_timeout);
    bhttp::async_write(stream_, res,
                       beast::bind_front_handler(&session::on_write, self()));
  }

  void on_write(beast::error_code ec, std::size_t) {
    res_.reset();
    if (closed_)
      return;
    if (ec)
      return close_socket();
    if (!keep_alive_)
      return close_gracefully();
    do_read();
  }

  void close_gracefully() {
    if (closed_)
      return;
    if constexpr (is_tls_v<Stream>) {
      lowest().expires_after(close_timeout);
      stream_.async_shutdown(
        [self = self()](beast::error_code) { self->close_socket(); });
    } else {
      beast::error_code ignored;
      lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
      lowest().expires_after(close_timeout);
      drain();
    }
  }

  // Reads and discards until the client closes (or close_timeout): closing
  // with unread data would send a reset that can destroy our last answer
  // before the client reads it.
  void drain() {
    lowest().async_read_some(buffer_.prepare(4096),
                             [self = self()](beast::error_code ec,
                                             std::size_t) {
                               if (ec || self->closed_)
                                 return self->close_socket();
                               self->drain();
                             });
  }

  // Fault injection: abort the connection with a TCP RST, no answer.
  void reset() {
    beast::error_code ignored;
    lowest().socket().set_option(net::socket_base::linger(true, 0), ignored);
    close_socket();
  }

  void close_socket() {
    if (closed_)
      return;
    closed_ = true;
    awaiting_ = false;
    auto keep = shared_from_this(); // the registry may hold the last owner
    lowest().close();
    ctx_->sessions->remove(this);
  }

  Stream stream_;
  std::shared_ptr<const server_context> ctx_;
  std::string remote_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::optional<bhttp::response<bhttp::string_body>> res_;
  std::uint64_t seq_ = 0;
  unsigned version_ = 11;
  bool keep_alive_ = true;
  bool head_ = false;
  bool awaiting_ = false;
  bool closed_ = false;
};

// Accepts connections and starts a session on a new strand for each.
class listener : public std::enable_shared_from_this<listener> {
public:
  listener(net::io_context& ioc, tcp::acceptor&& acceptor,
           std::shared_ptr<const server_context> ctx)
    : ioc_(ioc),
      acceptor_(std::move(acceptor)),
      retry_(acceptor_.get_executor()),
      ctx_(std::move(ctx)) {
  }

  void run() {
    net::dispatch(acceptor_.get_executor(),
                  beast::bind_front_handler(&listener::do_accept,
                                            shared_from_this()));
  }

  /// Only while no I/O thread runs.
  void close_now() {
    beast::error_code ignored;
    acceptor_.close(ignored);
    retry_.cancel();
  }

private:
  void do_accept() {
    // Each connection gets its own strand: its handlers never run
    // concurrently, even with several I/O threads.
    acceptor_.async_accept(net::make_strand(ioc_),
                           beast::bind_front_handler(&listener::on_accept,
                                                     shared_from_this()));
  }

  void on_accept(beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor_.is_open())
      return;
    if (ec) {
      // Typically out of file descriptors: back off instead of spinning.
      retry_.expires_after(std::chrono::milliseconds(50));
      retry_.async_wait([self = shared_from_this()](beast::error_code ec) {
        if (!ec)
          self->do_accept();
      });
      return;
    }
    start_session(std::move(socket));
    do_accept();
  }

  void start_session(tcp::socket socket) {
    beast::error_code ec;
    socket.set_option(tcp::no_delay(true), ec);
    auto remote = socket.remote_endpoint(ec);
    if (ec)
      return; // already gone
    auto address = format_endpoint(remote);
    std::shared_ptr<session_base> s;
    if (ctx_->tls) {
      using tls_stream = beast::ssl_stream<beast::tcp_stream>;
      auto created = std::make_shared<session<tls_stream>>(
        tls_stream(beast::tcp_stream(std::move(socket)), *ctx_->tls), ctx_,
        std::move(address));
      s = created;
      if (ctx_->sessions->add(s))
        created->run();
    } else {
      auto created = std::make_shared<session<beast::tcp_stream>>(
        beast::tcp_stream(std::move(socket)), ctx_, std::move(address));
      s = created;
      if (ctx_->sessions->add(s))
        created->run();
    }
  }

  net::io_context& ioc_;
  tcp::acceptor acceptor_;
  net::steady_timer retry_;
  std::shared_ptr<const server_context> ctx_;
};

std::string tls_error(const std::string& what, const std::string& file,
                      const beast::error_code& ec) {
  return "cannot load TLS " + what + " " + file + ": " + ec.message();
}

} // namespace

struct server::impl {
  server_options options;
  std::shared_ptr<const handler> on_request;
  std::shared_ptr<net::io_context> ioc;
  std::shared_ptr<registry> sessions = std::make_shared<registry>();
  std::shared_ptr<listener> accept_loop;
  std::vector<std::thread> threads;
  std::mutex control; // start() against stop()
  uint16_t port = 0;
  bool started = false;
  bool stopped = false;

  std::string start();
  std::string make_tls(std::shared_ptr<ssl::context>& out);
  void stop();
};

std::string server::impl::make_tls(std::shared_ptr<ssl::context>& out) {
  if (options.tls_cert_file.empty() && options.tls_key_file.empty())
    return {};
  if (options.tls_cert_file.empty() || options.tls_key_file.empty())
    return "TLS needs both a certificate and a key file";
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2
                   | ssl::context::no_sslv3 | ssl::context::no_tlsv1
                   | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
  beast::error_code ec;
  ctx->use_certificate_chain_file(options.tls_cert_file, ec);
  if (ec)
    return tls_error("certificate", options.tls_cert_file, ec);
  ctx->use_private_key_file(options.tls_key_file, ssl::context::pem, ec);
  if (ec)
    return tls_error("key", options.tls_key_file, ec);
  if (SSL_CTX_check_private_key(ctx->native_handle()) != 1)
    return "TLS key " + options.tls_key_file
           + " does not match the certificate " + options.tls_cert_file;
  out = std::move(ctx);
  return {};
}

std::string server::impl::start() {
  std::lock_guard<std::mutex> guard{control};
  if (started || stopped)
    return "server already started";
  auto where = options.host + ":" + std::to_string(options.port);
  auto threads_wanted = std::max(1u, options.io_threads);
  ioc = std::make_shared<net::io_context>(static_cast<int>(threads_wanted));

  std::shared_ptr<ssl::context> tls;
  if (auto err = make_tls(tls); !err.empty())
    return err;

  beast::error_code ec;
  tcp::resolver resolver{*ioc};
  auto results = resolver.resolve(options.host, std::to_string(options.port),
                                  tcp::resolver::passive
                                    | tcp::resolver::numeric_service,
                                  ec);
  if (ec || results.empty())
    return "cannot listen on " + where + ": "
           + (ec ? ec.message() : std::string("no address"));
  tcp::endpoint endpoint = results.begin()->endpoint();
  where = format_endpoint(endpoint);

  tcp::acceptor acceptor{net::make_strand(*ioc)};
  auto fail = [&](const beast::error_code& e) {
    return "cannot listen on " + where + ": " + e.message();
  };
  if (acceptor.open(endpoint.protocol(), ec); ec)
    return fail(ec);
  if (acceptor.set_option(net::socket_base::reuse_address(true), ec); ec)
    return fail(ec);
  if (acceptor.bind(endpoint, ec); ec)
    return fail(ec);
  if (acceptor.listen(net::socket_base::max_listen_connections, ec); ec)
    return fail(ec);
  port = acceptor.local_endpoint(ec).port();
  if (ec)
    return fail(ec);

  auto ctx = std::make_shared<server_context>();
  ctx->on_request = on_request;
  ctx->sessions = sessions;
  ctx->tls = std::move(tls);
  ctx->ioc = ioc;
  ctx->max_body = options.max_body;
  ctx->idle_timeout = options.idle_timeout.count() > 0
                        ? options.idle_timeout
                        : std::chrono::seconds(120);

  accept_loop = std::make_shared<listener>(*ioc, std::move(acceptor),
                                           std::move(ctx));
  accept_loop->run();
  threads.reserve(threads_wanted);
  for (unsigned i = 0; i < threads_wanted; ++i)
    threads.emplace_back([ioc = ioc] { ioc->run(); });
  started = true;
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

void server::stop() {
  impl_->stop();
}

} // namespace usms::http

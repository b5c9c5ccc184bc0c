#include "transport/server_session.hpp"

#include <algorithm>
#include <optional>
#include <type_traits>
#include <utility>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "common/ascii.hpp"
#include "transport/beast_text.hpp"
#include "transport/request_parser.hpp"
#include "transport/server_context.hpp"
#include "transport/server_reply.hpp"

namespace usms::http::detail {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;

namespace {

/// How long a closing connection may take to say goodbye: the TLS
/// close_notify exchange, or reading what the client still sends after our
/// last answer (lingering close, so the client sees the answer, not a reset).
constexpr std::chrono::seconds close_timeout{2};

/// What one read takes while a kept-alive connection waits for its next
/// request.
constexpr std::size_t first_read_size = 4096;

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

template <class Stream>
constexpr bool is_tls_v
  = std::is_same_v<Stream, beast::ssl_stream<beast::tcp_stream>>;

response handler_failure(const char* what) {
  response res;
  res.status = 500;
  res.body = error_json("internal", std::string("request handler failed: ")
                                      + what);
  return res;
}

// One connection. Requests are handled one at a time: the next request is
// read only after the previous answer was written, so pipelined requests
// wait in the socket and its buffer and answers leave in request order.
template <class Stream>
class session final : public session_base {
public:
  /// `tls`: the context a TLS stream was made with; the session keeps it
  /// alive (a reload may replace the server's meanwhile).
  session(Stream&& stream, std::shared_ptr<const server_context> ctx,
          std::string remote,
          std::shared_ptr<ssl::context> tls = nullptr)
    : tls_(std::move(tls)),
      stream_(std::move(stream)),
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
      // A client that never finishes its handshake is as slow as one that
      // never finishes its request head.
      lowest().expires_after(ctx_->header_timeout);
      stream_.async_handshake(ssl::stream_base::server,
                              beast::bind_front_handler(&session::on_handshake,
                                                        self()));
    } else {
      read_header(first_deadline());
    }
  }

  void on_handshake(beast::error_code ec) {
    if (ec) // no certificate, one we do not trust, an old protocol, ...
      return close_socket();
    read_header(first_deadline());
  }

  // A new connection is silent until its first request: both deadlines
  // hold, whichever ends first.
  std::chrono::milliseconds first_deadline() const {
    return std::min(ctx_->header_timeout, ctx_->idle_timeout);
  }

  // After an answer: the connection is idle until the next request's first
  // byte (idle_timeout), and its head then has header_timeout to arrive.
  void do_read() {
    if (buffer_.size() != 0)
      return read_header(ctx_->header_timeout); // pipelined: the next request is here already
    lowest().expires_after(ctx_->idle_timeout);
    stream_.async_read_some(buffer_.prepare(first_read_size),
                            beast::bind_front_handler(&session::on_first_bytes,
                                                      self()));
  }

  void on_first_bytes(beast::error_code ec, std::size_t n) {
    if (closed_)
      return;
    if (ec) // idle too long, or the client went away
      return close_socket();
    buffer_.commit(n);
    read_header(ctx_->header_timeout);
  }

  void read_header(std::chrono::milliseconds deadline) {
    parser_.emplace();
    limit_head(*parser_);
    // One deadline for the whole head: a client trickling it byte by byte
    // (slow loris) cannot hold the connection longer.
    lowest().expires_after(deadline);
    // The header first: an oversized body is refused before it is sent, a
    // request the head guard refuses is answered without reading its body,
    // and a client waiting on `Expect: 100-continue` gets its go-ahead.
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             beast::bind_front_handler(&session::on_header,
                                                       self()));
  }

  void on_header(beast::error_code ec, std::size_t n) {
    if (!ec && !closed_ && ctx_->on_head && refused_by_guard())
      return;
    if (!ec && !closed_)
      ec = ready_for_body(*parser_, ctx_->max_body);
    if (!ec && !closed_)
      ec = parse_buffered_body();
    if (ec || closed_ || parser_->is_done())
      return on_read(ec, n); // no second read for GET or a small body
    lowest().expires_after(ctx_->idle_timeout);
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

  // Asks the head guard; true when it answered in the handler's place.
  bool refused_by_guard() {
    std::optional<response> answer;
    try {
      answer = ctx_->on_head(head_of(parser_->get()));
    } catch (const std::exception& e) {
      answer = handler_failure(e.what());
    } catch (...) {
      answer = handler_failure("unknown exception");
    }
    if (!answer)
      return false;
    auto& msg = parser_->get();
    version_ = msg.version();
    head_ = msg.method() == bhttp::verb::head;
    // A body still to come is never read: the connection ends after the
    // answer (a bodiless request may keep it).
    keep_alive_ = msg.keep_alive() && parser_->is_done();
    parser_.reset();
    if (answer->reset_connection)
      reset();
    else
      write(answer->status, answer->content_type, answer->headers,
            std::move(answer->body));
    return true;
  }

  // What the application sees of a request, its body aside.
  request head_of(const bhttp::request<bhttp::string_body>& msg) const {
    request req;
    req.method = to_std(msg.method_string());
    req.target = to_std(msg.target());
    req.headers.reserve(std::distance(msg.begin(), msg.end()));
    for (const auto& field : msg)
      req.headers.push_back({to_std(field.name_string()), to_std(field.value())});
    req.remote_address = remote_;
    return req;
  }

  // The body of a small request usually arrived with its header: parsing
  // it here saves an asynchronous round through the io_context.
  beast::error_code parse_buffered_body() {
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

    auto req = head_of(msg);
    req.body = std::move(msg.body());
    parser_.reset();

    // The application has its own deadlines; an unanswered request is not
    // idleness.
    lowest().expires_never();
    awaiting_ = true;
    auto seq = ++seq_;
    auto ioc = ctx_->ioc.lock(); // alive: we run on one of its threads
    auto slot = std::make_shared<reply_slot>(std::move(ioc), self(), seq);
    auto respond = make_responder(slot);
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
    if (!slot.claim())
      return;
    on_reply(slot.seq, handler_failure(what));
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
      res.insert(to_beast(h.name), to_beast(h.value));
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

  std::shared_ptr<ssl::context> tls_; // before stream_: outlives it
  Stream stream_;
  std::shared_ptr<const server_context> ctx_;
  std::string remote_;
  beast::flat_buffer buffer_;
  std::optional<request_parser> parser_;
  std::optional<bhttp::response<bhttp::string_body>> res_;
  std::uint64_t seq_ = 0;
  unsigned version_ = 11;
  bool keep_alive_ = true;
  bool head_ = false;
  bool awaiting_ = false;
  bool closed_ = false;
};

} // namespace

void start_session(tcp::socket socket,
                   std::shared_ptr<const server_context> ctx,
                   std::string remote) {
  if (ctx->tls) {
    using tls_stream = beast::ssl_stream<beast::tcp_stream>;
    auto tls = ctx->tls->current();
    auto created = std::make_shared<session<tls_stream>>(
      tls_stream(beast::tcp_stream(std::move(socket)), *tls), ctx,
      std::move(remote), tls);
    if (ctx->sessions->add(created))
      created->run();
  } else {
    auto created = std::make_shared<session<beast::tcp_stream>>(
      beast::tcp_stream(std::move(socket)), ctx, std::move(remote));
    if (ctx->sessions->add(created))
      created->run();
  }
}

} // namespace usms::http::detail

#pragma once

/// An asynchronous HTTP/1.1 client with per-host kept-alive connection pools
/// (Beast), for http and https, through an optional HTTP proxy. Used for SOAP
/// calls to USMS and for reply webhooks. No Beast, no CAF in this header.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "transport/http_types.hpp"

namespace usms::http {

struct client_options {
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds request_timeout{30000};
  std::size_t max_connections_per_host = 64;
  /// `http://host:port` of an HTTP proxy; empty: connect directly. https
  /// goes through the proxy with CONNECT.
  std::string proxy;
  std::string ca_file;          ///< empty: the system trust store
  std::string client_cert_file; ///< TLS client certificate (PEM)
  std::string client_key_file;
  bool verify_peer = true;
  unsigned io_threads = 1;
  std::size_t max_response_body = 64 * 1024 * 1024;
  /// A kept-alive connection idle longer than this is closed, not reused.
  std::chrono::milliseconds max_idle{15000};
};

struct outgoing {
  std::string method = "POST";
  std::string url; ///< `http(s)://host:port/path?query`
  header_list headers;
  std::string body;
  /// 0: `client_options::request_timeout`.
  std::chrono::milliseconds timeout{0};
};

/// How a call ended. Only `none` means an HTTP answer arrived (any status).
enum class failure_kind : uint8_t {
  none,
  bad_url,            ///< nothing sent
  connect,            ///< resolve/connect/TLS/proxy failed: nothing sent
  timeout_after_send, ///< request written, no complete answer in time
  reset_after_send,   ///< connection closed or reset after the request left
  bad_response,       ///< garbage or an oversized answer
};

struct outcome {
  failure_kind failure = failure_kind::none;
  /// True once any byte of the request may have reached the server: the
  /// caller must treat the call's effect as unknown.
  bool request_sent = false;
  std::string error; ///< what went wrong, for people; empty on success
  unsigned status = 0;
  header_list headers;
  std::string body;
  std::chrono::microseconds elapsed{0};
  std::string_view header(std::string_view name) const {
    return find_header(headers, name);
  }
};

/// Runs exactly once per call: on one of the client's I/O threads, or, when
/// the client is already stopped, inside send() on the calling thread (no
/// I/O thread is left). Either way it must not block, and must not take a
/// lock the caller of send() may hold.
using completion = std::function<void(outcome)>;

class client {
public:
  explicit client(client_options options);
  ~client();
  client(const client&) = delete;
  client& operator=(const client&) = delete;

  /// Starts a call. Thread-safe; never blocks. Calls beyond
  /// `max_connections_per_host` wait for a free connection in FIFO order;
  /// a call that waits longer than its own timeout fails as `connect`
  /// (nothing was sent). Nothing is ever retried automatically, not even on
  /// a reused connection the server closed meanwhile: only the caller knows
  /// whether the request is idempotent. A running client completes every
  /// call on an I/O thread, even one that fails at once (`bad_url`, a bad
  /// proxy URL): `done` never runs inside send() then. After stop(), `done`
  /// runs at once, inside send(), with `connect`.
  void send(outgoing req, completion done);

  /// Why every call to a `scheme` (`http` or `https`) URL fails before it
  /// starts: a proxy URL the client cannot use (for both schemes), or a CA
  /// file, client certificate or key it could not load (https only). Empty
  /// when the client can make such calls.
  std::string setup_error(std::string_view scheme) const;

  /// Fails every pending call (`connect` / `reset_after_send`), closes the
  /// connections and joins the I/O threads. Idempotent. Must not be called
  /// from a completion (it would join its own thread).
  void stop();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace usms::http

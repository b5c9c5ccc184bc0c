#pragma once

/// A Beast HTTP/1.1 server behind a plain interface (no Beast, no CAF here).
/// Keep-alive, pipelining-safe, body limit (413), optional TLS (and client
/// certificates) with a certificate reload that keeps connections open, a
/// connection limit, deadlines for slow and idle clients, a check of each
/// request's head before its body is read, a fixed pool of I/O threads, no
/// thread per request.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "transport/http_types.hpp"

namespace usms::http {

struct request {
  std::string method;         ///< `GET`, `POST`, ...
  std::string target;         ///< path plus query, as sent
  header_list headers;
  std::string body;
  std::string remote_address; ///< `127.0.0.1:53312`
  std::string_view header(std::string_view name) const {
    return find_header(headers, name);
  }
};

struct response {
  unsigned status = 200;
  std::string content_type = "application/json";
  header_list headers;
  std::string body;
  /// Simulator fault injection: close the connection with a TCP reset
  /// instead of answering.
  bool reset_connection = false;
};

/// Completes one request. Call exactly once, from any thread.
using responder = std::function<void(response)>;

/// Called on an I/O thread for each request. Must not block.
using handler = std::function<void(request, responder)>;

/// Called on an I/O thread with a request whose head (method, target,
/// headers, remote address) has arrived and whose body has not been read
/// (`body` is empty). Nothing: go on, read the body and call the handler. A
/// response: answer it instead; a body the client still means to send is
/// never read (the connection closes after the answer). Must not block.
using head_guard = std::function<std::optional<response>(const request&)>;

struct server_options {
  std::string host = "127.0.0.1";
  uint16_t port = 0; ///< 0: pick a free port
  std::size_t max_body = 1024 * 1024;
  unsigned io_threads = 1;
  std::string tls_cert_file; ///< both set: serve https
  std::string tls_key_file;
  /// PEM CA certificates; set: every client must present a certificate
  /// signed by one of them, or the handshake fails (needs TLS).
  std::string tls_client_ca_file;
  /// Open connections at most; a connection beyond it is closed as soon as
  /// it is accepted. 0: no limit.
  std::size_t max_connections = 0;
  /// The whole head of a request (and a new connection's TLS handshake)
  /// must arrive within this, counted from its first byte (from the
  /// connection's start for its first request).
  std::chrono::milliseconds header_timeout{10000};
  /// A connection waiting longer than this for a request's first byte (a
  /// new one for its first request, a kept-alive one for the next) is
  /// closed; also bounds writing an answer and reading a body.
  std::chrono::milliseconds idle_timeout{120000};
  /// Checks each request from its head; empty: every request goes on.
  head_guard on_head;
};

class server {
public:
  server(server_options options, handler on_request);
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  /// Binds, listens and starts the I/O threads. Empty on success, else what
  /// went wrong ("cannot listen on 127.0.0.1:80: permission denied").
  std::string start();

  /// The bound port (the real one when 0 was asked).
  uint16_t port() const;

  /// Reads the certificate, key and client CA files again: handshakes from
  /// now on use them, connections already open keep theirs. Empty on
  /// success, else what went wrong; then nothing has changed.
  std::string reload_tls();

  /// Stops accepting, closes every connection, joins the I/O threads.
  /// Idempotent. Does not wait for unanswered requests: responders the
  /// application still holds become no-ops. Must not be called from the
  /// handler (it would join its own thread).
  void stop();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace usms::http

#pragma once

/// A Beast HTTP/1.1 server behind a plain interface (no Beast, no CAF here).
/// Keep-alive, pipelining-safe, body limit (413), optional TLS, a fixed pool
/// of I/O threads, no thread per request.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
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

struct server_options {
  std::string host = "127.0.0.1";
  uint16_t port = 0; ///< 0: pick a free port
  std::size_t max_body = 1024 * 1024;
  unsigned io_threads = 1;
  std::string tls_cert_file; ///< both set: serve https
  std::string tls_key_file;
  std::chrono::seconds idle_timeout{120};
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

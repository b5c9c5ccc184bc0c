#pragma once

/// Blocking HTTP calls to the gateway for a command-line tool: the
/// project's asynchronous client with a future to wait on.

#include <chrono>
#include <memory>
#include <string>

#include "transport/http_client.hpp"

namespace usms::cli {

/// Files for https: whom to trust, and the client certificate a gateway
/// with mTLS asks for. All optional.
struct tls_files {
  std::string ca_file;   ///< PEM CA certificates; empty: the system store
  std::string cert_file; ///< PEM client certificate (chain)
  std::string key_file;  ///< its PEM key; empty: inside `cert_file`
};

/// What one call brought back.
struct gateway_reply {
  bool reached = false; ///< false: no HTTP answer (see `error`)
  unsigned status = 0;
  std::string body;
  std::string error; ///< why no answer came, for people
};

class gateway_client {
public:
  /// `base_url` like `http://127.0.0.1:8080` or `https://…` (a trailing
  /// `/` is dropped); `token` empty: no Authorization header.
  gateway_client(std::string base_url, std::string token,
                 const tls_files& tls = {});
  ~gateway_client();
  gateway_client(const gateway_client&) = delete;
  gateway_client& operator=(const gateway_client&) = delete;

  /// Sends `method base_url+target` with an optional JSON body and waits
  /// for the answer for up to `timeout`.
  gateway_reply call(const std::string& method, const std::string& target,
                     const std::string& body,
                     const std::string& idempotency_key,
                     std::chrono::milliseconds timeout);

private:
  std::string base_url_;
  std::string token_;
  std::unique_ptr<http::client> client_;
};

} // namespace usms::cli

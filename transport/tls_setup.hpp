#pragma once

/// TLS configuration for the client and the server: contexts built once from
/// the options (certificates, keys, trust store), and the client's setup of
/// each new connection (server name, host name check). Private to transport/.

#include <memory>
#include <string>

#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "transport/http_client.hpp"
#include "transport/http_server.hpp"

namespace usms::http::detail {

/// A TLS context, or why it could not be built.
struct tls_context_result {
  /// The client's is always set; the server's only when TLS is configured
  /// and its files loaded.
  std::shared_ptr<boost::asio::ssl::context> context;
  std::string error; ///< empty on success
};

/// The client's context: CA file or the system trust store, the optional
/// client certificate and key, peer verification as configured. On error the
/// context is still usable for plain http; https calls must fail with the
/// error.
tls_context_result make_client_tls(const client_options& options);

/// The server's context when `options` names a certificate and a key (TLS
/// 1.2 or newer, no compression, no renegotiation; with a client CA, a
/// client certificate it signed is required); a null context when it names
/// neither.
tls_context_result make_server_tls(const server_options& options);

using client_tls_stream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

/// Prepares `stream` for the handshake with `host`: the server name (SNI)
/// unless `host` is an IP literal, and the host name check when
/// `verify_peer`. Empty on success, else what failed.
std::string prepare_client_tls(client_tls_stream& stream,
                               const std::string& host, bool verify_peer);

} // namespace usms::http::detail

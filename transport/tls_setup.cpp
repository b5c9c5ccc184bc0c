#include "transport/tls_setup.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <openssl/ssl.h>

namespace usms::http::detail {

namespace ssl = boost::asio::ssl;
using boost::beast::error_code;

namespace {

bool is_ip_literal(const std::string& host) {
  error_code ec;
  boost::asio::ip::make_address(host, ec);
  return !ec;
}

} // namespace

tls_context_result make_client_tls(const client_options& o) {
  tls_context_result result;
  auto tls = std::make_shared<ssl::context>(ssl::context::tls_client);
  tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2
                   | ssl::context::no_sslv3);
  auto& error = result.error;
  error_code ec;
  if (!o.ca_file.empty()) {
    tls->load_verify_file(o.ca_file, ec);
    if (ec)
      error = "cannot load CA file " + o.ca_file + ": " + ec.message();
  } else {
    tls->set_default_verify_paths(ec);
    if (ec)
      error = "cannot load the system trust store: " + ec.message();
  }
  if (error.empty() && !o.client_cert_file.empty()) {
    tls->use_certificate_chain_file(o.client_cert_file, ec);
    if (ec)
      error = "cannot load client certificate " + o.client_cert_file + ": "
              + ec.message();
  }
  if (error.empty() && !o.client_key_file.empty()) {
    tls->use_private_key_file(o.client_key_file, ssl::context::pem, ec);
    if (ec)
      error = "cannot load client key " + o.client_key_file + ": "
              + ec.message();
  }
  tls->set_verify_mode(o.verify_peer ? ssl::verify_peer : ssl::verify_none);
  result.context = std::move(tls);
  return result;
}

tls_context_result make_server_tls(const server_options& options) {
  tls_context_result result;
  if (options.tls_cert_file.empty() && options.tls_key_file.empty()) {
    if (!options.tls_client_ca_file.empty())
      result.error = "client certificates need a TLS certificate and key";
    return result;
  }
  auto fail = [&](std::string error) {
    result.error = std::move(error);
    return result;
  };
  if (options.tls_cert_file.empty() || options.tls_key_file.empty())
    return fail("TLS needs both a certificate and a key file");
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  auto* native = ctx->native_handle();
  // TLS 1.2 or newer; compression invites CRIME, renegotiation lets a
  // client make the server redo expensive handshakes on one connection.
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  SSL_CTX_set_options(native, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION
                                | SSL_OP_CIPHER_SERVER_PREFERENCE
                                | SSL_OP_SINGLE_DH_USE);
  error_code ec;
  ctx->use_certificate_chain_file(options.tls_cert_file, ec);
  if (ec)
    return fail("cannot load TLS certificate " + options.tls_cert_file + ": "
                + ec.message());
  ctx->use_private_key_file(options.tls_key_file, ssl::context::pem, ec);
  if (ec)
    return fail("cannot load TLS key " + options.tls_key_file + ": "
                + ec.message());
  if (SSL_CTX_check_private_key(native) != 1)
    return fail("TLS key " + options.tls_key_file
                + " does not match the certificate " + options.tls_cert_file);
  if (!options.tls_client_ca_file.empty()) {
    auto& ca = options.tls_client_ca_file;
    ctx->load_verify_file(ca, ec);
    if (ec)
      return fail("cannot load TLS client CA " + ca + ": " + ec.message());
    // Tells clients which issuers we accept, so they pick the right
    // certificate.
    auto* names = SSL_load_client_CA_file(ca.c_str());
    if (names == nullptr)
      return fail("TLS client CA " + ca + " holds no certificate");
    SSL_CTX_set_client_CA_list(native, names);
    ctx->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
    // Resuming a session needs a context id once peers are verified.
    static const unsigned char session_id[] = "usms-https";
    SSL_CTX_set_session_id_context(native, session_id, sizeof session_id - 1);
  }
  result.context = std::move(ctx);
  return result;
}

std::string prepare_client_tls(client_tls_stream& stream,
                               const std::string& host, bool verify_peer) {
  if (!is_ip_literal(host)
      && !SSL_set_tlsext_host_name(stream.native_handle(), host.c_str()))
    return "TLS: cannot set the server name " + host;
  if (verify_peer) {
    error_code ec;
    stream.set_verify_callback(ssl::host_name_verification(host), ec);
    if (ec)
      return "TLS verify setup: " + ec.message();
  }
  return {};
}

} // namespace usms::http::detail

#pragma once

/// TLS helpers for tests: a throw-away PKI made with the openssl CLI
/// (tests/support/make_test_pki.sh) in a temporary directory, certificate
/// fingerprints, and a blocking TLS client that reports on the handshake
/// itself (did it succeed, which certificate did the server present) and
/// sends requests one after another over the same connection.

#include <cstdint>
#include <memory>
#include <string>

#include "tests/support/test_support.hpp"

struct ssl_st;
struct ssl_ctx_st;

namespace usms::test {

struct tls_probe_options {
  /// Trust only this CA and check that the certificate names 127.0.0.1;
  /// empty: accept any certificate.
  std::string ca_file;
  std::string cert_file; ///< client certificate, optional
  std::string key_file;
  /// Highest protocol version to offer (e.g. TLS1_2_VERSION); 0: the
  /// library's highest.
  int max_version = 0;
};

/// A test CA with server certificates for localhost and 127.0.0.1
/// (`server`, and `server2` as its renewal), a client certificate it signed
/// (`client`), and an unrelated CA (`other-ca`) with a client certificate
/// of its own (`other-client`). Made fresh for each instance; the keys are
/// for tests only.
class test_pki {
public:
  /// Runs the script; throws std::runtime_error with its output when it
  /// fails.
  test_pki();

  /// DIR/NAME.pem: `cert("server")`, `cert("ca")`.
  std::string cert(const std::string& name) const;
  /// DIR/NAME-key.pem.
  std::string key(const std::string& name) const;
  /// A probe that trusts the test CA only, presents `client`'s certificate
  /// when one is named, and offers at most `max_version`.
  tls_probe_options probe_options(const std::string& client = {},
                                  int max_version = 0) const;
  const std::string& dir() const { return dir_.path(); }

private:
  temp_dir dir_;
};

/// SHA-256 fingerprint (lower-case hex) of the first certificate in a PEM
/// file; empty when it holds none.
std::string file_fingerprint(const std::string& pem_file);

/// One blocking TLS connection to 127.0.0.1:PORT, made in the constructor.
/// Every read and write gives up after 10 s.
class tls_probe {
public:
  explicit tls_probe(uint16_t port, const tls_probe_options& options = {});
  ~tls_probe();
  tls_probe(const tls_probe&) = delete;
  tls_probe& operator=(const tls_probe&) = delete;

  /// True when the handshake completed (with TLS 1.3 a server may still
  /// refuse a client certificate right after: the first get() fails then).
  bool connected() const { return connected_; }
  /// OpenSSL's or the socket's words for the last failure.
  const std::string& error() const { return error_; }
  /// The protocol agreed on, as OpenSSL names it (`TLSv1.3`).
  std::string protocol() const;
  /// SHA-256 fingerprint (lower-case hex) of the certificate the server
  /// presented; empty when there is none.
  std::string peer_fingerprint() const;

  /// Sends `GET path` keeping the connection open and reads the answer.
  /// Returns the status, or 0 when no answer came (see error()).
  unsigned get(const std::string& path, std::string* body = nullptr);

private:
  bool fail(const std::string& what);

  int fd_ = -1;
  ssl_ctx_st* ctx_ = nullptr;
  ssl_st* ssl_ = nullptr;
  bool connected_ = false;
  std::string error_;
  std::string pending_; // bytes read past the last answer
};

} // namespace usms::test

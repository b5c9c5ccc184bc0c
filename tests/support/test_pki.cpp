#include "tests/support/test_pki.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdio>
#include <stdexcept>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace usms::test {

namespace {

std::string hex_digest(X509* cert) {
  if (cert == nullptr)
    return {};
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (X509_digest(cert, EVP_sha256(), md, &n) != 1)
    return {};
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < n; ++i) {
    out += digits[md[i] >> 4];
    out += digits[md[i] & 0xf];
  }
  return out;
}

/// Everything OpenSSL queued on this thread, or `fallback`.
std::string openssl_errors(const std::string& fallback) {
  std::string out;
  while (auto code = ERR_get_error()) {
    char text[256];
    ERR_error_string_n(code, text, sizeof text);
    if (!out.empty())
      out += "; ";
    out += text;
  }
  return out.empty() ? fallback : out;
}

} // namespace

test_pki::test_pki() {
  auto command = std::string("bash '") + USMS_SOURCE_DIR
                 + "/tests/support/make_test_pki.sh' '" + dir_.path()
                 + "' 2>&1";
  std::string output;
  auto* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr)
    throw std::runtime_error("cannot run " + command);
  char chunk[512];
  while (auto n = std::fread(chunk, 1, sizeof chunk, pipe))
    output.append(chunk, n);
  if (::pclose(pipe) != 0)
    throw std::runtime_error("make_test_pki.sh failed: " + output);
}

std::string test_pki::cert(const std::string& name) const {
  return dir_.path() + "/" + name + ".pem";
}

std::string test_pki::key(const std::string& name) const {
  return dir_.path() + "/" + name + "-key.pem";
}

tls_probe_options test_pki::probe_options(const std::string& client,
                                          int max_version) const {
  tls_probe_options o;
  o.ca_file = cert("ca");
  if (!client.empty()) {
    o.cert_file = cert(client);
    o.key_file = key(client);
  }
  o.max_version = max_version;
  return o;
}

std::string file_fingerprint(const std::string& pem_file) {
  auto* f = std::fopen(pem_file.c_str(), "r");
  if (f == nullptr)
    return {};
  X509* cert = PEM_read_X509(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  auto digest = hex_digest(cert);
  X509_free(cert);
  return digest;
}

tls_probe::tls_probe(uint16_t port, const tls_probe_options& options) {
  ERR_clear_error();
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd_ < 0) {
    fail("socket failed");
    return;
  }
  timeval limit{10, 0};
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    fail("connect failed");
    return;
  }
  ctx_ = SSL_CTX_new(TLS_client_method());
  if (options.max_version != 0)
    SSL_CTX_set_max_proto_version(ctx_, options.max_version);
  if (!options.ca_file.empty()) {
    if (SSL_CTX_load_verify_locations(ctx_, options.ca_file.c_str(), nullptr)
        != 1) {
      fail("cannot load " + options.ca_file);
      return;
    }
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
    X509_VERIFY_PARAM_set1_ip_asc(SSL_CTX_get0_param(ctx_), "127.0.0.1");
  }
  if (!options.cert_file.empty()
      && (SSL_CTX_use_certificate_chain_file(ctx_, options.cert_file.c_str())
            != 1
          || SSL_CTX_use_PrivateKey_file(ctx_, options.key_file.c_str(),
                                         SSL_FILETYPE_PEM)
               != 1)) {
    fail("cannot load " + options.cert_file);
    return;
  }
  ssl_ = SSL_new(ctx_);
  SSL_set_fd(ssl_, fd_);
  connected_ = SSL_connect(ssl_) == 1 || fail("handshake failed");
}

tls_probe::~tls_probe() {
  if (ssl_ != nullptr)
    SSL_free(ssl_);
  if (ctx_ != nullptr)
    SSL_CTX_free(ctx_);
  if (fd_ >= 0)
    ::close(fd_);
}

bool tls_probe::fail(const std::string& what) {
  error_ = openssl_errors(what);
  return false;
}

std::string tls_probe::protocol() const {
  return ssl_ != nullptr ? SSL_get_version(ssl_) : "";
}

std::string tls_probe::peer_fingerprint() const {
  if (ssl_ == nullptr)
    return {};
  X509* cert = SSL_get1_peer_certificate(ssl_);
  auto digest = hex_digest(cert);
  X509_free(cert);
  return digest;
}

unsigned tls_probe::get(const std::string& path, std::string* body) {
  if (!connected_)
    return 0;
  ERR_clear_error();
  auto request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  if (SSL_write(ssl_, request.data(), static_cast<int>(request.size())) <= 0)
    return fail("write failed"), 0;
  std::string answer;
  while ((answer = take_http_answer(pending_)).empty()) {
    char chunk[4096];
    int n = SSL_read(ssl_, chunk, sizeof chunk);
    if (n <= 0)
      return fail("no answer (SSL_read " + std::to_string(n) + ")"), 0;
    pending_.append(chunk, static_cast<std::size_t>(n));
  }
  auto head_end = answer.find("\r\n\r\n");
  if (body != nullptr)
    *body = answer.substr(head_end + 4);
  // "HTTP/1.1 200 OK"
  return head_end > 12 ? static_cast<unsigned>(std::stoul(answer.substr(9, 3)))
                       : 0;
}

} // namespace usms::test

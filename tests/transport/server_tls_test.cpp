// The server's TLS: client certificates (mTLS) accepted and refused at the
// handshake, TLS 1.1 refused by the server itself, and a certificate reload
// that new handshakes see while open connections keep working.

#include "transport/http_server.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>
#include <openssl/ssl.h>

#include "test_helpers.hpp"
#include "tests/support/test_pki.hpp"

using namespace usms::http;
using namespace std::chrono_literals;
using usms::test::file_fingerprint;
using usms::test::test_pki;
using usms::test::tls_probe;

namespace {

// One PKI for the whole binary.
const test_pki& pki() {
  static test_pki instance;
  return instance;
}

handler hello() {
  return [](request req, responder respond) {
    response res;
    res.content_type = "text/plain";
    res.body = "hello " + req.target;
    respond(std::move(res));
  };
}

server_options tls_options() {
  server_options o;
  o.tls_cert_file = pki().cert("server");
  o.tls_key_file = pki().key("server");
  return o;
}

/// Runs a shell command; its exit code and everything it printed.
std::pair<int, std::string> shell(const std::string& command) {
  std::string output;
  auto* pipe = ::popen((command + " 2>&1").c_str(), "r");
  REQUIRE(pipe != nullptr);
  char chunk[512];
  while (auto n = std::fread(chunk, 1, sizeof chunk, pipe))
    output.append(chunk, n);
  int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

/// `openssl s_client` offering TLS 1.1 only, with the security level that
/// still allows it on the client side (OpenSSL 3 refuses it by default).
std::pair<int, std::string> tls11_client(uint16_t port) {
  return shell("echo | timeout 10 openssl s_client -connect 127.0.0.1:"
               + std::to_string(port)
               + " -tls1_1 -cipher 'DEFAULT@SECLEVEL=0'");
}

} // namespace

TEST_CASE("https serves TLS 1.2 and 1.3 with the configured certificate",
          "[server][tls]") {
  server s{tls_options(), hello()};
  REQUIRE(s.start().empty());
  for (int version : {TLS1_2_VERSION, 0}) {
    tls_probe probe{s.port(), pki().probe_options("", version)};
    INFO(probe.error());
    REQUIRE(probe.connected());
    CHECK(probe.protocol() == (version ? "TLSv1.2" : "TLSv1.3"));
    CHECK(probe.peer_fingerprint() == file_fingerprint(pki().cert("server")));
    std::string body;
    CHECK(probe.get("/x", &body) == 200);
    CHECK(body == "hello /x");
  }
}

TEST_CASE("TLS 1.1 is refused by the server", "[server][tls]") {
  // The client really offers TLS 1.1: against a server that allows it,
  // the same command connects.
  auto free_port = usms::http::test::closed_port();
  auto control = shell(
    "cd '" + pki().dir() + "' && (timeout 10 openssl s_server -accept 127.0.0.1:"
    + std::to_string(free_port)
    + " -naccept 1 -tls1_1 -cipher 'DEFAULT@SECLEVEL=0' -cert server.pem"
      " -key server-key.pem -quiet >/dev/null 2>&1 &) && for i in $(seq 50);"
      " do echo | openssl s_client -connect 127.0.0.1:"
    + std::to_string(free_port)
    + " -tls1_1 -cipher 'DEFAULT@SECLEVEL=0' >/dev/null 2>&1 && exit 0;"
      " sleep 0.1; done; exit 1");
  INFO(control.second);
  REQUIRE(control.first == 0);

  server s{tls_options(), hello()};
  REQUIRE(s.start().empty());
  auto refused = tls11_client(s.port());
  INFO(refused.second);
  CHECK(refused.first != 0);
  // The server's alert, not a client-side refusal.
  CHECK(refused.second.find("alert protocol version") != std::string::npos);
}

TEST_CASE("a TLS 1.2 client cannot renegotiate, and nothing is compressed",
          "[server][tls]") {
  server s{tls_options(), hello()};
  REQUIRE(s.start().empty());
  // s_client renegotiates when it reads "R" on its input.
  auto run = shell("(echo R; sleep 1) | timeout 10 openssl s_client -connect "
                   "127.0.0.1:"
                   + std::to_string(s.port()) + " -tls1_2");
  INFO(run.second);
  CHECK(run.second.find("RENEGOTIATING") != std::string::npos);
  CHECK(run.second.find("no renegotiation") != std::string::npos);
  CHECK(run.second.find("Compression: NONE") != std::string::npos);
}

TEST_CASE("with a client CA, only certificates it signed get through the "
          "handshake",
          "[server][tls][mtls]") {
  auto options = tls_options();
  options.tls_client_ca_file = pki().cert("ca");
  server s{options, hello()};
  REQUIRE(s.start().empty());

  SECTION("a client certificate from the CA: served") {
    for (int version : {TLS1_2_VERSION, 0}) {
      tls_probe probe{s.port(), pki().probe_options("client", version)};
      INFO(probe.error());
      REQUIRE(probe.connected());
      CHECK(probe.get("/mtls") == 200);
    }
  }

  SECTION("no client certificate, or one from another CA: refused") {
    for (const char* name : {"", "other-client"}) {
      INFO("client certificate: " << name);
      // TLS 1.2: the handshake itself fails.
      tls_probe tls12{s.port(), pki().probe_options(name, TLS1_2_VERSION)};
      CHECK_FALSE(tls12.connected());
      CHECK(tls12.get("/mtls") == 0);
      // TLS 1.3: the server checks the certificate after the client
      // finished; the server's alert then ends it before any answer.
      tls_probe tls13{s.port(), pki().probe_options(name)};
      CHECK(tls13.get("/mtls") == 0);
      INFO(tls13.error());
      CHECK((tls13.error().find("alert") != std::string::npos
             || tls13.error().find("no answer") != std::string::npos));
    }
  }

  SECTION("the project's client with --cacert/--cert/--key style options") {
    client_options co;
    co.ca_file = pki().cert("ca");
    co.client_cert_file = pki().cert("client");
    co.client_key_file = pki().key("client");
    client c{co};
    auto out = usms::http::test::call(
      c, usms::http::test::get("https://127.0.0.1:" + std::to_string(s.port())
                               + "/c"));
    INFO(out.error);
    CHECK(out.status == 200);
    CHECK(out.body == "hello /c");
    c.stop();

    client_options without = co;
    without.client_cert_file.clear();
    without.client_key_file.clear();
    client refused{without};
    out = usms::http::test::call(
      refused, usms::http::test::get("https://127.0.0.1:"
                                     + std::to_string(s.port()) + "/c"));
    CHECK(out.failure != failure_kind::none);
    CHECK(out.status == 0);
    refused.stop();
  }
}

TEST_CASE("reload_tls: new handshakes get the new certificate, open "
          "connections keep working",
          "[server][tls][reload]") {
  usms::http::test::temp_dir dir;
  auto cert = (dir.path() / "api.pem").string();
  auto key = (dir.path() / "api-key.pem").string();
  auto install = [&](const std::string& name) {
    namespace fs = std::filesystem;
    fs::copy_file(pki().cert(name), cert, fs::copy_options::overwrite_existing);
    fs::copy_file(pki().key(name), key, fs::copy_options::overwrite_existing);
  };
  install("server");
  server_options options;
  options.tls_cert_file = cert;
  options.tls_key_file = key;
  server s{options, hello()};
  REQUIRE(s.start().empty());
  auto old_print = file_fingerprint(pki().cert("server"));
  auto new_print = file_fingerprint(pki().cert("server2"));
  REQUIRE(old_print != new_print);

  tls_probe open{s.port(), pki().probe_options()};
  REQUIRE(open.connected());
  CHECK(open.peer_fingerprint() == old_print);
  CHECK(open.get("/before") == 200);

  install("server2");
  REQUIRE(s.reload_tls().empty());
  tls_probe fresh{s.port(), pki().probe_options()};
  REQUIRE(fresh.connected());
  CHECK(fresh.peer_fingerprint() == new_print);
  CHECK(fresh.get("/fresh") == 200);
  // The connection opened before the reload still serves requests.
  std::string body;
  CHECK(open.get("/after", &body) == 200);
  CHECK(body == "hello /after");

  // A broken file changes nothing.
  { std::ofstream(key, std::ios::trunc) << "not a key"; }
  auto error = s.reload_tls();
  CHECK(error.find("cannot load TLS key") != std::string::npos);
  tls_probe still{s.port(), pki().probe_options()};
  REQUIRE(still.connected());
  CHECK(still.peer_fingerprint() == new_print);
  CHECK(open.get("/still") == 200);

  server plain{{}, hello()};
  REQUIRE(plain.start().empty());
  CHECK_FALSE(plain.reload_tls().empty());
}

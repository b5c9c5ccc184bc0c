// The gateway's API over TLS: https when server.tls_cert and tls_key are
// set, client certificates required with server.tls_client_ca, and SIGHUP
// reloading the certificate while an open connection keeps working.

#include <catch2/catch.hpp>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <string>

#include <openssl/ssl.h>

#include "tests/support/gateway_stack.hpp"
#include "tests/support/test_pki.hpp"

namespace usms::test {

namespace {

using namespace std::chrono_literals;

// One PKI for the whole binary.
const test_pki& pki() {
  static test_pki instance;
  return instance;
}

/// Copies NAME's certificate and key to where the gateway reads them.
void install_cert(const std::string& name, const std::string& cert,
                  const std::string& key) {
  namespace fs = std::filesystem;
  fs::copy_file(pki().cert(name), cert, fs::copy_options::overwrite_existing);
  fs::copy_file(pki().key(name), key, fs::copy_options::overwrite_existing);
}

stack_options https_stack(std::vector<std::string> more_env = {}) {
  stack_options opts;
  opts.gateway_env = {"USMS_GW_SERVER_TLS_CERT=" + pki().cert("server"),
                      "USMS_GW_SERVER_TLS_KEY=" + pki().key("server")};
  opts.gateway_env.insert(opts.gateway_env.end(), more_env.begin(),
                          more_env.end());
  return opts;
}

} // namespace

TEST_CASE("with tls_cert and tls_key the gateway serves https only",
          "[gateway][tls]") {
  gateway_stack stack{https_stack()};
  CHECK(stack.gw_url().rfind("https://127.0.0.1:", 0) == 0);
  CHECK(stack.gateway().output().find("listening on https://127.0.0.1:")
        != std::string::npos);

  // The certificate verifies against the test CA for 127.0.0.1.
  tls_probe probe{stack.gateway().port(), pki().probe_options()};
  INFO(probe.error());
  REQUIRE(probe.connected());
  CHECK(probe.peer_fingerprint() == file_fingerprint(pki().cert("server")));
  CHECK(probe.get("/healthz") == 200);

  // Ticket intake works over https.
  auto created = stack.submit_create("incident", "over https");
  auto id = json_string(created, "request_id");
  CHECK(json_string(stack.wait_finished(id), "state") == "succeeded");

  // Plain http to the same port gets no answer.
  auto plain = http_call("GET", "http://127.0.0.1:"
                                  + std::to_string(stack.gateway().port())
                                  + "/healthz",
                         {}, {}, 3s);
  CHECK(plain.status == 0);
}

TEST_CASE("with tls_client_ca a client certificate from that CA is required",
          "[gateway][tls][mtls]") {
  gateway_stack stack{
    https_stack({"USMS_GW_SERVER_TLS_CLIENT_CA=" + pki().cert("ca")})};
  auto port = stack.gateway().port();

  for (int version : {TLS1_2_VERSION, 0}) {
    tls_probe good{port, pki().probe_options("client", version)};
    INFO(good.error());
    REQUIRE(good.connected());
    CHECK(good.get("/healthz") == 200);
  }
  for (const char* client : {"", "other-client"}) {
    INFO("client certificate: " << client);
    tls_probe refused{port, pki().probe_options(client, TLS1_2_VERSION)};
    CHECK_FALSE(refused.connected()); // the handshake fails
    tls_probe tls13{port, pki().probe_options(client)};
    CHECK(tls13.get("/healthz") == 0);
  }
  // The test helper's client has no certificate: refused as well.
  CHECK(stack.call("GET", "/healthz", {}, {}, 3s).status == 0);
  CHECK(stack.gateway().running());
}

TEST_CASE("SIGHUP: new handshakes get the new certificate, an open "
          "connection keeps working",
          "[gateway][tls][reload]") {
  temp_dir files;
  auto cert = files.path() + "/api.pem";
  auto key = files.path() + "/api-key.pem";
  install_cert("server", cert, key);
  stack_options opts;
  opts.gateway_env = {"USMS_GW_SERVER_TLS_CERT=" + cert,
                      "USMS_GW_SERVER_TLS_KEY=" + key};
  gateway_stack stack{opts};
  auto port = stack.gateway().port();
  auto old_print = file_fingerprint(pki().cert("server"));
  auto new_print = file_fingerprint(pki().cert("server2"));

  tls_probe open{port, pki().probe_options()};
  REQUIRE(open.connected());
  REQUIRE(open.peer_fingerprint() == old_print);
  REQUIRE(open.get("/healthz") == 200);

  install_cert("server2", cert, key);
  stack.gateway().send_signal(SIGHUP);
  CHECK(wait_until(
    [&] {
      tls_probe fresh{port, pki().probe_options()};
      return fresh.peer_fingerprint() == new_print;
    },
    10s));
  // The line is logged right after the swap: it may trail the handshake.
  CHECK(wait_until(
    [&] {
      return stack.gateway().output().find("TLS certificate reloaded")
             != std::string::npos;
    },
    5s));
  // Same connection, same certificate, still served.
  CHECK(open.get("/healthz") == 200);
  CHECK(open.peer_fingerprint() == old_print);

  // A broken file: the error is logged, the certificate in use stays.
  { std::ofstream(key, std::ios::trunc) << "not a key"; }
  stack.gateway().send_signal(SIGHUP);
  CHECK(wait_until(
    [&] {
      return stack.gateway().output().find("TLS certificate not reloaded")
             != std::string::npos;
    },
    10s));
  tls_probe after{port, pki().probe_options()};
  CHECK(after.peer_fingerprint() == new_print);
  CHECK(after.get("/healthz") == 200);
  CHECK(open.get("/healthz") == 200);
  CHECK(stack.gateway().running());
}

TEST_CASE("SIGHUP on a gateway without TLS changes nothing and stops "
          "nothing",
          "[gateway][tls][reload]") {
  gateway_stack stack;
  stack.gateway().send_signal(SIGHUP);
  CHECK(wait_until(
    [&] {
      return stack.gateway().output().find("does not serve https")
             != std::string::npos;
    },
    10s));
  CHECK(stack.gateway().running());
  CHECK(stack.call("GET", "/healthz").status == 200);
}

} // namespace usms::test

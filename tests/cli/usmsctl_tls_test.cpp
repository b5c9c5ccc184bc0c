// usmsctl against a gateway serving https: --cacert to trust its CA, and
// --cert/--key for a gateway that requires client certificates.

#include <catch2/catch.hpp>

#include <fstream>
#include <string>
#include <vector>

#include "tests/cli/run_command.hpp"
#include "tests/support/gateway_stack.hpp"
#include "tests/support/test_pki.hpp"

using namespace usms::test;

namespace {

const test_pki& pki() {
  static test_pki instance;
  return instance;
}

stack_options https_stack(bool require_client_cert) {
  stack_options opts;
  opts.gateway_env = {"USMS_GW_SERVER_TLS_CERT=" + pki().cert("server"),
                      "USMS_GW_SERVER_TLS_KEY=" + pki().key("server")};
  if (require_client_cert)
    opts.gateway_env.push_back("USMS_GW_SERVER_TLS_CLIENT_CA="
                               + pki().cert("ca"));
  return opts;
}

command_run usmsctl(gateway_stack& s, std::vector<std::string> args,
                    std::vector<std::string> env = {}) {
  args.insert(args.begin(), {"--gateway", s.gw_url()});
  return run_command(bin_path("usmsctl"), args, env);
}

} // namespace

TEST_CASE("usmsctl talks to an https gateway it trusts with --cacert",
          "[cli][tls]") {
  gateway_stack s{https_stack(false)};
  REQUIRE(s.gw_url().rfind("https://", 0) == 0);

  auto r = usmsctl(s, {"--cacert", pki().cert("ca"), "create", "incident",
                       "--summary", "over https", "--wait", "20"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(json_string(parse_json(r.out), "state") == "succeeded");

  // The environment works as well as the flag.
  r = usmsctl(s, {"health"}, {"USMS_GATEWAY_CACERT=" + pki().cert("ca")});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);

  // Without the CA the system trust store does not know the certificate.
  r = usmsctl(s, {"health"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("unreachable") != std::string::npos);

  // A CA file that is not there is said so.
  r = usmsctl(s, {"--cacert", s.dir() + "/missing.pem", "health"});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("missing.pem") != std::string::npos);
}

TEST_CASE("usmsctl presents --cert/--key to a gateway requiring client "
          "certificates",
          "[cli][tls][mtls]") {
  gateway_stack s{https_stack(true)};
  std::vector<std::string> trust{"--cacert", pki().cert("ca")};
  auto with = [&](std::vector<std::string> more) {
    auto args = trust;
    args.insert(args.end(), more.begin(), more.end());
    return args;
  };

  auto r = usmsctl(s, with({"--cert", pki().cert("client"), "--key",
                            pki().key("client"), "create", "incident",
                            "--summary", "over mTLS", "--wait", "20"}));
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(json_string(parse_json(r.out), "state") == "succeeded");

  // Certificate and key in one file: --cert alone.
  auto bundle = s.dir() + "/client-bundle.pem";
  {
    std::ofstream out{bundle};
    out << std::ifstream{pki().cert("client")}.rdbuf()
        << std::ifstream{pki().key("client")}.rdbuf();
  }
  r = usmsctl(s, with({"--cert", bundle, "health"}));
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);

  // No certificate, or one from another CA: refused, exit 3.
  r = usmsctl(s, with({"health"}));
  CHECK(r.exit_code == 3);
  r = usmsctl(s, with({"--cert", pki().cert("other-client"), "--key",
                       pki().key("other-client"), "health"}));
  CHECK(r.exit_code == 3);

  // --key without --cert is bad usage.
  r = usmsctl(s, with({"--key", pki().key("client"), "health"}));
  CHECK(r.exit_code == 2);
}

// usms-sim over https with a self-signed certificate made at test time.

#include <catch2/catch.hpp>

#include <cstdlib>

#include "tests/sim/sim_fixture.hpp"

using namespace usms;
using namespace usms::test;

TEST_CASE("usms-sim serves SOAP and its WSDL over https", "[sim][tls]") {
  temp_dir dir;
  auto cert = dir.path() + "/cert.pem";
  auto key = dir.path() + "/key.pem";
  auto cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "
             "/CN=127.0.0.1 -keyout "
             + key + " -out " + cert + " >/dev/null 2>&1";
  REQUIRE(std::system(cmd.c_str()) == 0);

  sim_instance sim({"--tls-cert", cert, "--tls-key", key});
  CHECK(sim.base_url().rfind("https://127.0.0.1:", 0) == 0);
  auto created = sim.call(create_ticket(ticket_type::incident,
                                        {{"Summary", "over TLS"}}));
  CHECK(require_ok(created).ticket_id == "INC0000001");
  auto wsdl = http_call("GET", sim.soap_url() + "?wsdl");
  REQUIRE(wsdl.status == 200);
  CHECK(wsdl.body.find("location=\"" + sim.soap_url() + "\"")
        != std::string::npos);
  // Plain http to the TLS port gets no answer.
  auto plain = http_call("GET", "http://127.0.0.1:"
                                  + std::to_string(sim.process().port())
                                  + "/admin/stats",
                         {}, {}, std::chrono::seconds(3));
  CHECK(plain.status != 200);
}

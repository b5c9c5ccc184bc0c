// usms-sim --contract FILE: it serves any contract file, with the WSDL
// written from it, and refuses a bad file with its line and reason.

#include <catch2/catch.hpp>

#include <fstream>

#include "contract/wsdl_writer.hpp"
#include "sim/sim_service.hpp"
#include "tests/sim/sim_fixture.hpp"

using namespace usms;
using namespace usms::test;
using std::chrono::milliseconds;

namespace {

std::string example(const std::string& file) {
  return std::string{USMS_SOURCE_DIR} + "/contract/examples/" + file;
}

} // namespace

TEST_CASE("the simulator serves an example contract and its WSDL",
          "[sim][contract]") {
  sim_instance sim({"--contract", example("orion-osb.toml")});
  auto created = sim.call(create_ticket(
    ticket_type::change, {{"Summary", "swap"}, {"ChangeType", "Emergency"},
                          {"ExternalReference", "o-1"}}));
  auto id = require_ok(created).ticket_id;
  CHECK(id == "CHG0000001");
  auto found = sim.call(query_tickets(ticket_type::change,
                                      {{"ExternalReference", "o-1"}}, 5));
  REQUIRE(require_ok(found).tickets.size() == 1);
  CHECK(require_ok(found).tickets[0].at("ChangeType") == "Emergency");
  CHECK(require_ok(found).tickets[0].at("Status") == "Draft");
  // A v2 client's CreateTicket is no operation of this contract: a Client
  // fault in Orion's words (which a v2 client cannot read as ours).
  auto v2 = sim.call_as(*soap::builtin_contract(2),
                        create_ticket(ticket_type::incident,
                                      {{"Summary", "x"}}));
  CHECK(v2.http.status == 500);
  CHECK(v2.http.body.find("<osb:Code>NOT_IMPLEMENTED</osb:Code>")
        != std::string::npos);
  auto stats = sim.stats();
  CHECK(stats["calls"]["CreateRecord"].GetUint64() == 1);
  CHECK(stats["calls"]["SearchRecords"].GetUint64() == 1);
  CHECK(stats["calls"]["CreateTicket"].GetUint64() == 1);

  auto r = http_call("GET", sim.soap_url() + "?wsdl");
  REQUIRE(r.status == 200);
  CHECK(r.body
        == sim::rewrite_wsdl_address(soap::generate_wsdl(sim.contract()),
                                     sim.soap_url()));
}

TEST_CASE("a bad contract file stops the simulator with its line and "
          "reason",
          "[sim][contract][process]") {
  temp_dir dir;
  auto bad = dir.path() + "/bad.toml";
  {
    std::ofstream file{bad};
    file << "[contract]\nnamespace = \"urn:x\"\nnmae = \"x\"\n[faults]\n"
            "code = \"C\"\nmessage = \"M\"\n";
  }
  auto fails = [](std::vector<std::string> args, const std::string& says) {
    INFO(says);
    CHECK_THROWS_WITH(child_process::start(bin_path("usms-sim"),
                                           std::move(args), {}, {},
                                           milliseconds(5000)),
                      Catch::Contains(says));
  };
  fails({"--contract", bad}, "bad.toml line 3: unknown key 'nmae' in "
                             "[contract]");
  fails({"--contract", dir.path() + "/none.toml"},
        "none.toml: cannot read the contract file");
  // ACME has no WS-Security: there is no UsernameToken to check.
  fails({"--contract", example("acme-itsm.toml"), "--user", "u"},
        "--user needs a contract with WS-Security");
}

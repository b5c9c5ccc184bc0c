// usms-sim's admin endpoints, WSDL, command line and process behaviour.

#include <catch2/catch.hpp>

#include <csignal>

#include "tests/sim/sim_fixture.hpp"

using namespace usms;
using namespace usms::test;
using std::chrono::milliseconds;

TEST_CASE("/admin/stats has the documented shape", "[sim][admin]") {
  sim_instance sim;
  auto empty = sim.stats();
  REQUIRE(empty.IsObject());
  REQUIRE(empty["calls"].IsObject());
  REQUIRE(empty["creates_by_external_reference"].IsObject());
  REQUIRE(empty["tickets"].IsUint64());
  CHECK(empty["calls"].MemberCount() == 0);
  CHECK(empty["tickets"].GetUint64() == 0);

  for (auto ref : {"a", "a", "b"})
    require_ok(sim.call(create_ticket(ticket_type::incident,
                                      {{"Summary", "x"},
                                       {"ExternalReference", ref}})));
  require_ok(sim.call(create_ticket(ticket_type::change, {{"Summary", "y"}})));
  require_ok(sim.call(query_tickets(ticket_type::change, {}, 1)));
  auto stats = sim.stats();
  CHECK(stats["calls"]["CreateTicket"].GetUint64() == 4);
  CHECK(stats["calls"]["QueryTickets"].GetUint64() == 1);
  CHECK_FALSE(stats["calls"].HasMember("UpdateTicket"));
  CHECK(stats["creates_by_external_reference"]["a"].GetUint64() == 2);
  CHECK(stats["creates_by_external_reference"]["b"].GetUint64() == 1);
  CHECK(stats["creates_by_external_reference"].MemberCount() == 2);
  CHECK(stats["tickets"].GetUint64() == 4);
}

TEST_CASE("POST /admin/reset clears tickets and stats", "[sim][admin]") {
  sim_instance sim;
  require_ok(sim.call(create_ticket(ticket_type::incident,
                                    {{"Summary", "x"},
                                     {"ExternalReference", "a"}})));
  auto r = http_call("POST", sim.base_url() + "/admin/reset");
  CHECK(r.status == 200);
  auto stats = sim.stats();
  CHECK(stats["tickets"].GetUint64() == 0);
  CHECK(stats["calls"].MemberCount() == 0);
  CHECK(stats["creates_by_external_reference"].MemberCount() == 0);
  auto q = sim.call(query_tickets(ticket_type::incident, {}, 10));
  CHECK(require_ok(q).total_count == 0);
  // Ids keep counting: an id never names two tickets.
  auto id = require_ok(sim.call(create_ticket(ticket_type::incident,
                                              {{"Summary", "y"}})))
              .ticket_id;
  CHECK(id == "INC0000002");
}

TEST_CASE("unknown paths and methods answer JSON errors", "[sim][admin]") {
  sim_instance sim;
  auto r = http_call("GET", sim.base_url() + "/nothing/here");
  CHECK(r.status == 404);
  CHECK(parse_json(r.body).HasMember("error"));
  CHECK(http_call("DELETE", sim.base_url() + "/admin/stats").status == 405);
  CHECK(http_call("GET", sim.base_url() + "/usms").status == 405);
}

TEST_CASE("the WSDL carries the address the client used", "[sim][wsdl]") {
  for (int version : {1, 2}) {
    sim_instance sim({"--api-version", std::to_string(version)});
    for (auto query : {"?wsdl", "?WSDL"}) {
      auto r = http_call("GET", sim.soap_url() + query);
      REQUIRE(r.status == 200);
      CHECK(http::find_header(r.headers, "Content-Type").find("text/xml")
            != std::string_view::npos);
      CHECK(r.body.find("urn:usms:ticket:v" + std::to_string(version))
            != std::string::npos);
      INFO(r.body.substr(r.body.find("address")));
      CHECK(r.body.find("location=\"" + sim.soap_url() + "\"")
            != std::string::npos);
    }
    // A Host header (a name, another port: a proxy) is honoured.
    auto r = http_call("GET", sim.soap_url() + "?wsdl", {},
                       {{"Host", "usms.example.net:9443"}});
    CHECK(r.body.find("location=\"http://usms.example.net:9443/usms\"")
          != std::string::npos);
  }
}

TEST_CASE("SIGTERM and SIGINT stop the simulator cleanly", "[sim][process]") {
  for (int sig : {SIGTERM, SIGINT}) {
    sim_instance sim;
    require_ok(sim.call(create_ticket(ticket_type::incident,
                                      {{"Summary", "x"}})));
    sim.process().send_signal(sig);
    CHECK(sim.process().wait_exit(milliseconds(5000)) == 0);
  }
}

TEST_CASE("bad flags fail with a clear message", "[sim][process]") {
  auto fails = [](std::vector<std::string> args, const std::string& says) {
    INFO(says);
    CHECK_THROWS_WITH(
      child_process::start(bin_path("usms-sim"), std::move(args), {}, {},
                           milliseconds(5000)),
      Catch::Contains(says));
  };
  fails({"--bogus"}, "--bogus");
  fails({"--api-version", "3"}, "api-version");
  fails({"--listen", "nowhere"}, "HOST:PORT");
  fails({"--latency", "fast"}, "duration");
  fails({"--server-fault-rate", "1.5"}, "server-fault-rate");
  fails({"--tls-cert", "/nonexistent.pem", "--tls-key", "/nonexistent.key"},
        "nonexistent");
  fails({"--password", "p"}, "--user");
}

TEST_CASE("the version flag prints the version", "[sim][process]") {
  // --version exits at once: start() sees no "listening on" line.
  try {
    child_process::start(bin_path("usms-sim"), {"--version"}, {}, {},
                         milliseconds(5000));
    FAIL("--version should not start a server");
  } catch (const std::runtime_error& e) {
    CHECK(std::string(e.what()).find("usms-sim ") != std::string::npos);
    CHECK(std::string(e.what()).find("exited with code 0")
          != std::string::npos);
  }
}

TEST_CASE("a port already in use is a clear error", "[sim][process]") {
  sim_instance first;
  auto taken = "127.0.0.1:" + std::to_string(first.process().port());
  CHECK_THROWS_WITH(child_process::start(bin_path("usms-sim"),
                                         {"--listen", taken}, {}, {},
                                         milliseconds(5000)),
                    Catch::Contains("exited with code 1")
                      && Catch::Contains(taken));
}

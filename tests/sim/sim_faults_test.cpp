// usms-sim's fault injection, set at run time (PUT /admin/faults) and by
// flags, observed by a real HTTP client.

#include <catch2/catch.hpp>

#include <atomic>
#include <csignal>
#include <thread>

#include "tests/sim/sim_fixture.hpp"

using namespace usms;
using namespace usms::test;
using std::chrono::milliseconds;

namespace {

soap::call some_create(const std::string& ref = "ref-1") {
  return create_ticket(ticket_type::incident,
                       {{"Summary", "x"}, {"ExternalReference", ref}});
}

} // namespace

TEST_CASE("server_fault_next faults exactly the next N calls",
          "[sim][faults]") {
  sim_instance sim;
  auto settings = sim.set_faults(R"({"server_fault_next": 2})");
  CHECK(settings["server_fault_next"].GetUint64() == 2);
  require_fault(sim.call(some_create()), true, "UNAVAILABLE");
  require_fault(sim.call(query_tickets(ticket_type::incident, {}, 1)), true,
                "UNAVAILABLE");
  require_ok(sim.call(some_create()));
  auto stats = sim.stats();
  CHECK(stats["tickets"].GetUint64() == 1);
  // Faulted calls are counted too.
  CHECK(stats["calls"]["CreateTicket"].GetUint64() == 2);
  CHECK(stats["calls"]["QueryTickets"].GetUint64() == 1);
  CHECK(stats["faults_injected"]["server_fault"].GetUint64() == 2);
  CHECK(sim.stats()["creates_by_external_reference"]["ref-1"].GetUint64()
        == 1);
}

TEST_CASE("unavailable_next answers 503 with Retry-After", "[sim][faults]") {
  sim_instance sim;
  sim.set_faults(R"({"unavailable_next": 1, "retry_after_s": 7})");
  auto r = sim.call(some_create());
  CHECK(r.http.status == 503);
  CHECK(http::find_header(r.http.headers, "Retry-After") == "7");
  CHECK(sim.stats()["tickets"].GetUint64() == 0);
  require_ok(sim.call(some_create()));
}

TEST_CASE("reset after create: the ticket exists, the client sees a reset",
          "[sim][faults]") {
  sim_instance sim;
  sim.set_faults(R"({"reset_after_create_next": 1})");
  auto r = sim.call(some_create("reset-ref"));
  CHECK(r.http.failure == http::failure_kind::reset_after_send);
  CHECK_FALSE(r.http.error.empty());
  auto stats = sim.stats();
  CHECK(stats["tickets"].GetUint64() == 1);
  CHECK(stats["creates_by_external_reference"]["reset-ref"].GetUint64() == 1);
  CHECK(stats["faults_injected"]["reset_after_create"].GetUint64() == 1);
  // Only the next create was affected.
  require_ok(sim.call(some_create("reset-ref")));
  CHECK(sim.stats()["creates_by_external_reference"]["reset-ref"].GetUint64()
        == 2);
}

TEST_CASE("hang after create: the ticket exists, the client times out",
          "[sim][faults]") {
  sim_instance sim({"--hang-for", "3s"});
  sim.set_faults(R"({"hang_after_create_next": 1})");
  auto start = std::chrono::steady_clock::now();
  auto r = sim.call(some_create("hang-ref"), {}, milliseconds(400));
  auto waited = std::chrono::steady_clock::now() - start;
  CHECK(r.http.failure == http::failure_kind::timeout_after_send);
  CHECK(waited >= milliseconds(390));
  auto stats = sim.stats();
  CHECK(stats["tickets"].GetUint64() == 1);
  CHECK(stats["creates_by_external_reference"]["hang-ref"].GetUint64() == 1);
  CHECK(stats["faults_injected"]["hang_after_create"].GetUint64() == 1);
  // Other connections are not held up meanwhile.
  require_ok(sim.call(some_create("other")));
}

TEST_CASE("a hung call is reset when its time is up", "[sim][faults]") {
  sim_instance sim({"--hang-for", "300ms"});
  sim.set_faults(R"({"hang_after_create_next": 1})");
  auto start = std::chrono::steady_clock::now();
  auto r = sim.call(some_create(), {}, milliseconds(5000));
  auto waited = std::chrono::steady_clock::now() - start;
  CHECK(r.http.failure == http::failure_kind::reset_after_send);
  CHECK(waited >= milliseconds(290));
  CHECK(waited < milliseconds(4000));
}

TEST_CASE("a hung call does not delay shutdown", "[sim][faults]") {
  sim_instance sim;
  sim.set_faults(R"({"hang_after_create_next": 1})");
  auto r = sim.call(some_create(), {}, milliseconds(300));
  CHECK(r.http.failure == http::failure_kind::timeout_after_send);
  sim.process().send_signal(SIGTERM);
  CHECK(sim.process().wait_exit(milliseconds(5000)) == 0);
}

TEST_CASE("latency is added to every SOAP call", "[sim][faults]") {
  sim_instance sim;
  auto settings = sim.set_faults(R"({"latency_ms": 150})");
  CHECK(settings["latency_ms"].GetDouble() == 150.0);
  auto start = std::chrono::steady_clock::now();
  require_ok(sim.call(some_create()));
  CHECK(std::chrono::steady_clock::now() - start >= milliseconds(150));
  // Faults are late too.
  sim.set_faults(R"({"server_fault_next": 1})");
  start = std::chrono::steady_clock::now();
  require_fault(sim.call(some_create()), true, "UNAVAILABLE");
  CHECK(std::chrono::steady_clock::now() - start >= milliseconds(150));
  // Admin calls are not delayed.
  start = std::chrono::steady_clock::now();
  sim.stats();
  CHECK(std::chrono::steady_clock::now() - start < milliseconds(150));
}

TEST_CASE("latency does not block other calls", "[sim][faults]") {
  sim_instance sim({"--latency", "300ms", "--threads", "1"});
  // Eight calls at once on one I/O thread finish in about one latency.
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&] {
      auto r = sim.post(*soap::build_request(sim.contract(), some_create(), {}),
                        "\"CreateTicket\"");
      if (r.status == 200)
        ++ok;
    });
  for (auto& t : threads)
    t.join();
  auto took = std::chrono::steady_clock::now() - start;
  CHECK(ok == 8);
  CHECK(took >= milliseconds(300));
  CHECK(took < milliseconds(1500));
}

TEST_CASE("down: every SOAP call gets Server UNAVAILABLE", "[sim][faults]") {
  sim_instance sim;
  CHECK(sim.set_faults(R"({"down": true})")["down"].GetBool());
  for (int i = 0; i < 3; ++i)
    require_fault(sim.call(some_create()), true, "UNAVAILABLE");
  sim.set_faults(R"({"down": false})");
  require_ok(sim.call(some_create()));
  CHECK(sim.stats()["faults_injected"]["down"].GetUint64() == 3);
}

TEST_CASE("fault rates of 1 and 0", "[sim][faults]") {
  sim_instance sim({"--server-fault-rate", "1", "--seed", "42"});
  require_fault(sim.call(some_create()), true, "UNAVAILABLE");
  sim.set_faults(R"({"server_fault_rate": 0, "unavailable_rate": 1})");
  CHECK(sim.call(some_create()).http.status == 503);
  sim.set_faults(R"({"unavailable_rate": 0, "reset_after_create_rate": 1})");
  CHECK(sim.call(some_create()).http.failure
        == http::failure_kind::reset_after_send);
  sim.set_faults(R"({"reset_after_create_rate": 0})");
  require_ok(sim.call(some_create()));
  // The reset create and the good one.
  CHECK(sim.stats()["tickets"].GetUint64() == 2);
}

TEST_CASE("a fault rate of one half faults about half the calls",
          "[sim][faults]") {
  sim_instance sim({"--seed", "7"});
  sim.set_faults(R"({"server_fault_rate": 0.5})");
  int faults = 0;
  for (int i = 0; i < 60; ++i)
    if (sim.call(some_create()).http.status == 500)
      ++faults;
  CHECK(faults > 10);
  CHECK(faults < 50);
  CHECK(sim.stats()["tickets"].GetUint64() == static_cast<unsigned>(60 - faults));
}

TEST_CASE("PUT /admin/faults refuses bad settings", "[sim][faults]") {
  sim_instance sim;
  auto put = [&](const std::string& body) {
    return http_call("PUT", sim.base_url() + "/admin/faults", body,
                     {{"Content-Type", "application/json"}});
  };
  CHECK(put(R"({"server_fault_rate": 2})").status == 400);
  CHECK(put(R"({"no_such_key": 1})").status == 400);
  CHECK(put(R"({"down": "yes"})").status == 400);
  CHECK(put(R"({"server_fault_next": -1})").status == 400);
  CHECK(put("{not json").status == 400);
  auto bad = put(R"([1, 2])");
  CHECK(bad.status == 400);
  CHECK(parse_json(bad.body).HasMember("error"));
  // Nothing changed; GET shows the same settings.
  auto get = http_call("GET", sim.base_url() + "/admin/faults");
  REQUIRE(get.status == 200);
  auto doc = parse_json(get.body);
  CHECK(doc["server_fault_rate"].GetDouble() == 0.0);
  CHECK(doc["down"].GetBool() == false);
  for (auto key : {"latency_ms", "latency_jitter_ms", "server_fault_rate",
                   "unavailable_rate", "retry_after_s",
                   "reset_after_create_rate", "hang_after_create_rate",
                   "server_fault_next", "unavailable_next",
                   "reset_after_create_next", "hang_after_create_next",
                   "down"})
    CHECK(doc.HasMember(key));
}

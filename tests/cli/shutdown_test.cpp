// Graceful shutdown: SIGTERM in the middle of a burst of creates. The
// gateway exits 0 within its grace period, and after a restart on the same
// database every acknowledged request succeeds, each with exactly one
// ticket in USMS; no request sent creates a second ticket.

#include <catch2/catch.hpp>

#include <csignal>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "tests/support/gateway_stack.hpp"

using namespace usms::test;

TEST_CASE("SIGTERM during a burst loses and duplicates nothing",
          "[cli][shutdown]") {
  constexpr int burst = 500;
  constexpr int senders = 8;
  // Latency keeps SOAP calls in flight when the signal lands and a backlog
  // queued behind them (32 calls at a time, ~100 per second).
  stack_options opts;
  opts.sim_args = {"--latency", "300ms"};
  gateway_stack s{opts};
  auto base = s.gw_url();

  std::atomic<int> next{0};
  std::atomic<int> acked{0};
  std::atomic<int> refused_503{0};
  std::atomic<int> bad_answers{0};
  std::mutex mtx;
  std::vector<std::pair<std::string, std::string>> acked_ids; // corr, req id
  std::set<std::string> sent;
  std::vector<std::thread> threads;
  for (int t = 0; t < senders; ++t)
    threads.emplace_back([&] {
      for (int i = next++; i < burst; i = next++) {
        auto corr = "burst-" + std::to_string(i);
        {
          std::lock_guard<std::mutex> lock{mtx};
          sent.insert(corr);
        }
        auto rep = http_call(
          "POST", base + "/api/v1/tickets/incident",
          R"({"fields": {"summary": "burst )" + std::to_string(i)
            + R"(", "priority": 3}, "source": "burst", "correlation_id": ")"
            + corr + "\"}",
          {{"Content-Type", "application/json"}},
          std::chrono::seconds(10));
        if (rep.status == 202) {
          // No Catch2 macros here: they are not thread-safe.
          auto id = usms::test::request_id_of(rep.body);
          if (id.empty()) {
            ++bad_answers;
            continue;
          }
          std::lock_guard<std::mutex> lock{mtx};
          acked_ids.emplace_back(corr, std::move(id));
          ++acked;
        } else if (rep.status == 503) {
          ++refused_503;
        }
      }
    });

  REQUIRE(wait_until([&] { return acked >= burst / 4; },
                     std::chrono::seconds(30)));
  auto signalled = std::chrono::steady_clock::now();
  s.gateway().send_signal(SIGTERM);
  int code = s.gateway().wait_exit(std::chrono::seconds(60));
  auto stop_time = std::chrono::steady_clock::now() - signalled;
  for (auto& t : threads)
    t.join();
  INFO(s.gateway().output());
  REQUIRE(code == 0);
  CHECK(bad_answers == 0);
  // The gateway's grace period is 10 s; it must not need a SIGKILL.
  CHECK(stop_time < std::chrono::seconds(15));
  INFO("acknowledged " << acked << " of " << burst << ", 503: "
                       << refused_503);
  REQUIRE(acked > 0);

  auto before = s.sim_stats();
  int created_before = before["calls"].HasMember("CreateTicket")
                         ? before["calls"]["CreateTicket"].GetInt()
                         : 0;
  // Something must be left to resume, or the test proves nothing about
  // the journal.
  INFO("CreateTicket calls before the restart: " << created_before);

  s.start_gateway();
  auto restarted = s.gw_url();
  for (auto& [corr, id] : acked_ids) {
    auto rep = http_call("GET", restarted + "/api/v1/requests/" + id
                                  + "?wait=30",
                         {}, {}, std::chrono::seconds(40));
    REQUIRE(rep.status == 200);
    auto doc = parse_json(rep.body);
    INFO(corr << ": " << rep.body);
    REQUIRE(std::string{doc["state"].GetString()} == "succeeded");
  }

  auto stats = s.sim_stats();
  auto& by_ref = stats["creates_by_external_reference"];
  for (auto& [corr, id] : acked_ids) {
    INFO(corr);
    REQUIRE(by_ref.HasMember(corr.c_str()));
    CHECK(by_ref[corr.c_str()].GetInt() == 1);
  }
  // Unacknowledged requests may or may not have been journaled, but none
  // makes two tickets.
  for (auto it = by_ref.MemberBegin(); it != by_ref.MemberEnd(); ++it) {
    INFO(it->name.GetString());
    CHECK(it->value.GetInt() == 1);
    CHECK(sent.count(it->name.GetString()) == 1);
  }
  int queries = stats["calls"].HasMember("QueryTickets")
                  ? stats["calls"]["QueryTickets"].GetInt()
                  : 0;
  CHECK(stats["tickets"].GetInt()
        == static_cast<int>(by_ref.MemberCount()));
  std::printf("shutdown burst: %d acknowledged, %d refused with 503, "
              "%d creates before the restart, %d QueryTickets in all, "
              "stopped in %lld ms\n",
              acked.load(), refused_503.load(), created_before, queries,
              static_cast<long long>(
                std::chrono::duration_cast<std::chrono::milliseconds>(
                  stop_time)
                  .count()));
}

// Two gateway instances on one PostgreSQL database and one simulator:
// one killed in the middle of a storm of creates, one frozen past its
// lease and then let go on, one stopped cleanly and started again. Every
// acknowledged request succeeds, each ExternalReference is created once,
// and the survivor takes the requests over within the lease and a few
// seconds.

#include <catch2/catch.hpp>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "tests/cluster/cluster_stack.hpp"

namespace usms::test {

namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

struct accepted {
  std::string request_id;
  std::string correlation_id;
};

/// Waits until `instance`'s output says it took requests over; the time
/// that took, or nullopt after `timeout`.
std::optional<std::chrono::milliseconds>
takeover_after(cluster_stack& c, int instance, size_t output_from,
               clock_type::time_point since,
               std::chrono::milliseconds timeout) {
  if (!wait_until(
        [&] {
          return c.gateway(instance).output().find("took", output_from)
                 != std::string::npos;
        },
        timeout))
    return std::nullopt;
  return std::chrono::duration_cast<std::chrono::milliseconds>(
    clock_type::now() - since);
}

/// How many requests `output` says were taken over ("took N request(s)").
int64_t taken_over(const std::string& output) {
  int64_t n = 0;
  for (auto at = output.find("took "); at != std::string::npos;
       at = output.find("took ", at + 5))
    n += std::strtoll(output.c_str() + at + 5, nullptr, 10);
  return n;
}

/// Every request of `all` succeeded, and the simulator created each of
/// their ExternalReferences exactly once; no reference of `refs` more
/// than once.
void require_succeeded_once(cluster_stack& c, int via,
                            const std::vector<accepted>& all,
                            const std::vector<std::string>& refs) {
  std::map<std::string, std::string> state;
  for (auto& [id, status] : c.finished(via))
    state[id] = status;
  int not_succeeded = 0;
  for (auto& a : all)
    if (state[a.request_id] != "Succeeded") {
      if (++not_succeeded <= 5)
        UNSCOPED_INFO("request " << a.request_id << " (" << a.correlation_id
                                 << "): '" << state[a.request_id] << "'");
    }
  CHECK(not_succeeded == 0);
  auto stats = c.sim_stats();
  auto& creates = stats["creates_by_external_reference"];
  int lost = 0;
  for (auto& a : all)
    if (json_int(creates, a.correlation_id.c_str(), 0) == 0)
      ++lost;
  int duplicated = 0;
  for (auto& ref : refs) {
    auto n = json_int(creates, ref.c_str(), 0);
    if (n > 1 && ++duplicated <= 5)
      UNSCOPED_INFO(ref << " created " << n << " times");
  }
  CHECK(lost == 0);
  CHECK(duplicated == 0);
}

} // namespace

TEST_CASE("a storm of 10000 creates through two instances with one "
          "SIGKILLed mid-storm: every acknowledged request succeeds once",
          "[cluster][failover]") {
  if (!postgres_available("failover between gateway instances"))
    return;
  cluster_options o;
  o.lease = "3s";
  o.gateway_env = {"USMS_GW_USMS_MAX_IN_FLIGHT=4", "USMS_GW_SOAP_RETRIES=10",
                   "USMS_GW_USMS_REQUEST_TIMEOUT=5s"};
  cluster_stack c{o};
  // USMS slower than the storm: each instance has a backlog when one dies.
  c.set_faults(R"({"latency_ms": 10})");
  constexpr int total = 10'000;
  constexpr int clients = 4;
  std::atomic<int> next{0};
  std::atomic<bool> killed{false};
  std::mutex mtx;
  std::vector<accepted> acked;
  std::vector<std::string> refs(total);
  std::atomic<int> refused{0};
  auto client = [&] {
    for (int k = next++; k < total; k = next++) {
      auto ref = "storm-" + std::to_string(k);
      refs[static_cast<size_t>(k)] = ref;
      // Half to each, until the first one dies: then all to the other.
      int to = killed ? 1 : k % 2;
      auto id = c.try_create(to, "storm " + std::to_string(k), ref);
      if (id.empty()) {
        // Not acknowledged (the instance died under it): a client would
        // not know whether it was journaled, and sends nothing again.
        ++refused;
        continue;
      }
      std::lock_guard<std::mutex> guard{mtx};
      acked.push_back({id, ref});
    }
  };
  std::vector<std::thread> threads;
  for (int i = 0; i < clients; ++i)
    threads.emplace_back(client);
  REQUIRE(wait_until([&] { return next >= total / 2; }, 120s));
  auto output_from = c.gateway(1).output().size();
  c.gateway(0).send_signal(SIGKILL);
  auto killed_at = clock_type::now();
  killed = true;
  CHECK(c.gateway(0).wait_exit(10s) == 128 + SIGKILL);
  auto takeover = takeover_after(c, 1, output_from, killed_at, 20s);
  for (auto& t : threads)
    t.join();
  REQUIRE(takeover);
  INFO("SIGKILL to the first takeover: " << takeover->count() << " ms");
  // cluster.lease (3 s) and a claim round (1 s), with room for a loaded
  // machine.
  CHECK(*takeover < 7s);
  INFO("acknowledged: " << acked.size() << ", refused: " << refused);
  CHECK(acked.size() + static_cast<size_t>(refused.load()) == total);
  CHECK(acked.size() > total / 2);
  REQUIRE(c.wait_drained(1, 300s));
  auto taken = taken_over(c.gateway(1).output().substr(output_from));
  INFO("requests taken over: " << taken << ", lookups: "
                               << c.sim_calls("QueryTickets"));
  CHECK(taken > 0);
  require_succeeded_once(c, 1, acked, refs);
}

TEST_CASE("an instance frozen past its lease sends none of the requests "
          "taken from it once it goes on",
          "[cluster][failover]") {
  if (!postgres_available("failover between gateway instances"))
    return;
  cluster_options o;
  o.lease = "2s";
  o.gateway_env = {"USMS_GW_USMS_MAX_IN_FLIGHT=2", "USMS_GW_SOAP_RETRIES=10"};
  cluster_stack c{o};
  c.set_faults(R"({"latency_ms": 150})");
  std::vector<accepted> all;
  std::vector<std::string> refs;
  for (int i = 0; i < 40; ++i) {
    auto ref = "frozen-" + std::to_string(i);
    auto id = c.try_create(0, "frozen " + std::to_string(i), ref);
    REQUIRE_FALSE(id.empty());
    all.push_back({id, ref});
    refs.push_back(ref);
  }
  REQUIRE(wait_until([&] { return c.sim_calls("CreateTicket") >= 4; }, 20s));
  auto output_from = c.gateway(1).output().size();
  c.gateway(0).send_signal(SIGSTOP);
  auto stopped_at = clock_type::now();
  auto takeover = takeover_after(c, 1, output_from, stopped_at, 20s);
  REQUIRE(takeover);
  CHECK(*takeover < 6s);
  REQUIRE(c.wait_drained(1, 60s));
  auto creates = c.sim_calls("CreateTicket");
  auto lookups = c.sim_calls("QueryTickets");
  // Let it go on: its lease is gone, so it sends nothing and stops.
  c.gateway(0).send_signal(SIGCONT);
  auto code = c.gateway(0).wait_exit(20s);
  INFO("frozen instance's output:\n" << c.gateway(0).output());
  CHECK(code == 3);
  CHECK(c.gateway(0).output().find("taken over") != std::string::npos);
  std::this_thread::sleep_for(500ms);
  CHECK(c.sim_calls("CreateTicket") == creates);
  CHECK(c.sim_calls("QueryTickets") == lookups);
  require_succeeded_once(c, 1, all, refs);
}

TEST_CASE("SIGTERM hands an instance's requests back at once, and a "
          "restarted instance joins again",
          "[cluster][failover]") {
  if (!postgres_available("failover between gateway instances"))
    return;
  cluster_options o;
  // A long lease: only a hand-back explains a quick takeover.
  o.lease = "20s";
  o.gateway_env = {"USMS_GW_USMS_MAX_IN_FLIGHT=1"};
  cluster_stack c{o};
  c.set_faults(R"({"latency_ms": 200})");
  std::vector<accepted> all;
  std::vector<std::string> refs;
  for (int i = 0; i < 20; ++i) {
    auto ref = "term-" + std::to_string(i);
    auto id = c.try_create(0, "term " + std::to_string(i), ref);
    REQUIRE_FALSE(id.empty());
    all.push_back({id, ref});
    refs.push_back(ref);
  }
  REQUIRE(wait_until([&] { return c.sim_calls("CreateTicket") >= 2; }, 20s));
  auto output_from = c.gateway(1).output().size();
  c.gateway(0).send_signal(SIGTERM);
  auto stopped_at = clock_type::now();
  CHECK(c.gateway(0).wait_exit(20s) == 0);
  CHECK(c.gateway(0).output().find("handed") != std::string::npos);
  auto takeover = takeover_after(c, 1, output_from, stopped_at, 20s);
  REQUIRE(takeover);
  CHECK(*takeover < 5s);
  REQUIRE(c.wait_drained(1, 60s));
  require_succeeded_once(c, 1, all, refs);

  // Back under its name: it works again.
  c.start(0);
  auto id = c.try_create(0, "after restart", "term-again");
  REQUIRE_FALSE(id.empty());
  REQUIRE(c.wait_drained(0, 20s));
  require_succeeded_once(c, 0, {{id, "term-again"}}, {"term-again"});
}

} // namespace usms::test

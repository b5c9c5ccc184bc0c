// A storm of unique creates through a USMS outage: first USMS answers every
// call UNAVAILABLE (`down`), then the simulator process freezes (SIGSTOP)
// and comes back (SIGCONT). The gateway holds the requests, delivers each
// exactly once afterwards and sends USMS only probes meanwhile. Also: the
// same on API v1 (no lookup, the probe is a held request), and intermittent
// faults below the breaker's threshold.

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <map>
#include <thread>

#include "tests/support/gateway_stack.hpp"

namespace usms::test {

namespace {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

/// What a storm of creates got from the gateway.
struct storm_result {
  /// correlation id (the ExternalReference) → request id, for every 202.
  std::map<std::string, std::string> accepted;
  int refused = 0;
  std::string first_refusal;
};

/// Submits `count` incident creates with unique correlation ids
/// (`prefix` + number) from `threads` threads, spread evenly over `spread`.
/// Runs on its own threads: no Catch2 assertion in here (they are not
/// thread-safe), the caller checks the result.
storm_result run_storm(const std::string& gw_url, const std::string& prefix,
                       int count, int threads,
                       std::chrono::milliseconds spread) {
  std::mutex mtx;
  storm_result out;
  auto start = steady::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      for (int i = t; i < count; i += threads) {
        std::this_thread::sleep_until(start + spread * i / count);
        auto ref = prefix + std::to_string(i);
        auto r = http_call("POST", gw_url + "/api/v1/tickets/incident",
                           R"({"fields": {"summary": "storm )" + ref
                               + R"("}, "correlation_id": ")" + ref + "\"}",
                           {{"Content-Type", "application/json"}});
        std::lock_guard<std::mutex> guard(mtx);
        if (r.status == 202) {
          // Not parse_json: Catch2 macros are not thread-safe.
          out.accepted[ref] = request_id_of(r.body);
        } else {
          if (out.refused++ == 0)
            out.first_refusal
                = std::to_string(r.status) + " " + r.error + " " + r.body;
        }
      }
    });
  for (auto& th : pool)
    th.join();
  return out;
}

int64_t ms_since(steady::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(steady::now()
                                                               - t)
      .count();
}

/// The gateway's settings for the outage tests: short probes and ramp, and
/// a request timeout that gives up on a frozen USMS soon.
stack_options outage_options(int api_version) {
  stack_options opts;
  opts.api_version = api_version;
  opts.gateway_env
      = {"USMS_GW_USMS_PROBE_INTERVAL=500ms", "USMS_GW_USMS_RECOVERY_RAMP=1s",
         "USMS_GW_USMS_REQUEST_TIMEOUT=1s",   "USMS_GW_USMS_MAX_IN_FLIGHT=16",
         "USMS_GW_USMS_BREAKER_FAILURES=5",   "USMS_GW_LOG_LEVEL=warn"};
  return opts;
}
constexpr int64_t probe_interval_ms = 500;
constexpr int64_t max_in_flight = 16;
constexpr int64_t breaker_failures = 5;

/// The outage the storms ride through, driven from the test's thread:
/// `down` for `down_for`, then frozen for `frozen_for`, then back.
struct outage_times {
  int64_t unavailable_ms = 0; ///< from setting down to its end, measured
  int64_t down_faults = 0;    ///< calls the simulator answered "down"
  int64_t held_seen = 0;      ///< the most held requests seen meanwhile
};

outage_times run_outage(gateway_stack& env, std::chrono::milliseconds down_for,
                        std::chrono::milliseconds frozen_for) {
  outage_times out;
  auto faults_before = env.sim_faults("down");
  auto began = steady::now();
  env.set_faults(R"({"down": true})");
  auto watch = [&](std::chrono::milliseconds d) {
    // Reading the gateway (never the simulator) while the outage lasts.
    auto until = steady::now() + d;
    while (steady::now() < until) {
      out.held_seen = std::max(out.held_seen, json_int(env.usms(), "held"));
      std::this_thread::sleep_for(100ms);
    }
  };
  watch(down_for);
  env.freeze_sim();
  watch(frozen_for);
  env.thaw_sim();
  env.set_faults(R"({"down": false})");
  out.unavailable_ms = ms_since(began);
  out.down_faults = env.sim_faults("down") - faults_before;
  return out;
}

/// The most calls USMS may receive during an outage of `unavailable_ms`:
/// one probe per probe interval, plus the calls that were under way when it
/// began (at most usms.max_in_flight), plus the calls started while the
/// breaker counted its failures: each of the first breaker_failures - 1
/// failed calls frees its slot for a waiting request before the breaker
/// opens on the last one.
int64_t outage_call_bound(int64_t unavailable_ms) {
  return unavailable_ms / probe_interval_ms + max_in_flight
         + (breaker_failures - 1);
}

/// A storm of `count` creates spread over `spread`, with the outage of
/// `run_outage` starting a second into it. Checks that every create was
/// accepted, that the outage was felt (requests held, calls answered
/// "down") and that USMS got no more calls meanwhile than the probes and
/// the calls under way allow. On API v1, without a query, the probe is a
/// held request sent alone: the bound is the same.
struct storm_run {
  storm_result storm;
  outage_times outage;
  /// For the INFO of a check.
  std::string described() const {
    return "outage " + std::to_string(outage.unavailable_ms) + " ms, "
           + std::to_string(outage.down_faults) + " calls answered down, up to "
           + std::to_string(outage.held_seen) + " requests held";
  }
};

storm_run storm_through_outage(gateway_stack& env, const std::string& prefix,
                               int count, std::chrono::milliseconds spread,
                               std::chrono::milliseconds down_for,
                               std::chrono::milliseconds frozen_for) {
  auto storm = std::async(std::launch::async, run_storm, env.gw_url(), prefix,
                          count, 4, spread);
  std::this_thread::sleep_for(1s);
  storm_run out;
  out.outage = run_outage(env, down_for, frozen_for);
  out.storm = storm.get();
  INFO("first refusal: " << out.storm.first_refusal);
  REQUIRE(out.storm.refused == 0);
  REQUIRE(out.storm.accepted.size() == static_cast<std::size_t>(count));
  INFO(out.described());
  CHECK(out.outage.held_seen > 0);
  CHECK(out.outage.down_faults >= 1);
  CHECK(out.outage.down_faults <= outage_call_bound(out.outage.unavailable_ms));
  return out;
}

/// How many of the storm's ExternalReferences USMS created how often:
/// times created → references.
std::map<int64_t, int64_t> creations(gateway_stack& env,
                                     const storm_result& storm) {
  auto stats = env.sim_stats();
  std::map<int64_t, int64_t> out;
  for (auto& [ref, id] : storm.accepted)
    ++out[json_int(stats["creates_by_external_reference"], ref.c_str(), 0)];
  return out;
}

} // namespace

TEST_CASE("a storm rides through USMS down, then frozen: every create "
          "succeeds once, and a dead USMS gets only probes",
          "[gateway][outage]") {
  gateway_stack env{outage_options(2)};
  constexpr int count = 2000;
  auto run = storm_through_outage(env, "storm-", count, 8s, 3s, 3s);
  INFO(run.described());
  // The breaker opened.
  CHECK(env.metric(R"(usms_gateway_usms_transitions_total{to="down"})") >= 1);

  REQUIRE(env.wait_drained(60s));
  CHECK(env.status_total() == count);
  CHECK(env.status_total("status=Succeeded") == count);
  CHECK(env.status_total("status=Failed") == 0);
  // Each ExternalReference exactly once, and no other ticket.
  CHECK(creations(env, run.storm) == std::map<int64_t, int64_t>{{1, count}});
  CHECK(json_int(env.sim_stats(), "tickets") == count);
  // Back to full limits after the ramp.
  CHECK(json_string(env.wait_usms({"up"}, 10s), "state") == "up");
}

TEST_CASE("API v1 through the same outage: nothing lost, nothing created "
          "twice, only truly ambiguous creates end outcome unknown",
          "[gateway][outage][v1]") {
  gateway_stack env{outage_options(1)};
  constexpr int count = 1000;
  auto run = storm_through_outage(env, "v1-", count, 6s, 2s, 3s);
  INFO(run.described());

  REQUIRE(env.wait_drained(60s));
  // Nothing lost: every acknowledged request has its status row.
  CHECK(env.status_total() == count);
  // Nothing created twice.
  auto made = creations(env, run.storm);
  CHECK(made.rbegin()->first <= 1);
  // The only failures: creates sent to the frozen simulator (the probes
  // of that time) whose answer never came. API v1 cannot look them up.
  auto failed = env.json("GET", "/api/v1/status?status=Failed&limit=1000");
  auto n_failed = json_int(failed, "total");
  INFO(n_failed << " failed");
  CHECK(n_failed + env.status_total("status=Succeeded") == count);
  // Every one that succeeded is a ticket; a failed one may be one or not.
  CHECK(made[0] <= n_failed);
  for (auto& row : failed["rows"].GetArray()) {
    auto reason = json_string(row, "reason");
    INFO(json_string(row, "request_id") << ": " << reason);
    CHECK(reason.rfind("outcome unknown: no answer from USMS after sending", 0)
          == 0);
  }
  // One probe at a time, each waiting usms.request_timeout (1 s) for its
  // answer: at most one per second of freezing, and one more at its start.
  CHECK(n_failed <= 4);
}

TEST_CASE("intermittent 503s and UNAVAILABLE faults below the breaker's "
          "threshold fail no request",
          "[gateway][outage][intermittent]") {
  stack_options opts;
  opts.gateway_env
      = {"USMS_GW_USMS_RECOVERY_RAMP=1s", "USMS_GW_USMS_PROBE_INTERVAL=500ms",
         "USMS_GW_LOG_LEVEL=warn"};
  gateway_stack env{opts};
  env.set_faults(R"({"unavailable_rate": 0.05, "retry_after_s": 0,
                     "server_fault_rate": 0.05,
                     "server_fault_code": "UNAVAILABLE"})");
  constexpr int count = 300;
  auto res = run_storm(env.gw_url(), "blip-", count, 4, 2s);
  INFO("first refusal: " << res.first_refusal);
  REQUIRE(res.refused == 0);
  REQUIRE(env.wait_drained(30s));
  CHECK(env.status_total("status=Succeeded") == count);
  CHECK(env.status_total("status=Failed") == 0);
  auto stats = env.sim_stats();
  // Both kinds of fault happened, and each ticket was made once.
  CHECK(json_int(stats["faults_injected"], "unavailable") > 0);
  CHECK(json_int(stats["faults_injected"], "server_fault") > 0);
  CHECK(json_int(stats, "tickets") == count);
  CHECK(creations(env, res) == std::map<int64_t, int64_t>{{1, count}});
  // A fault that says "not processed" is resent without a lookup: the
  // only queries USMS saw are probes, and there are none unless five
  // faults in a row opened the breaker (rare at these rates).
  INFO("transitions to down: "
       << env.metric(R"(usms_gateway_usms_transitions_total{to="down"})"));
  CHECK(env.sim_calls("QueryTickets")
        == env.metric("usms_gateway_usms_probes_total"));
  CHECK(json_string(env.wait_usms({"up"}, 5s), "state") == "up");
}

} // namespace usms::test

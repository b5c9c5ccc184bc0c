// An alarm's life with the gateway killed (SIGKILL) after every event, at
// varying moments: before its step is sent, while it is in flight, while
// USMS withholds a create's answer, after the answer: every generation
// still gets exactly one ticket; and the same through a USMS outage that
// holds the create.

#include <catch2/catch.hpp>

#include <algorithm>
#include <thread>

#include "tests/alarms/alarm_http.hpp"

namespace usms::test {

using namespace std::chrono_literals;

TEST_CASE("SIGKILL after every event of an alarm: one ticket per generation",
          "[alarms][durability]") {
  stack_options opts;
  opts.gateway_env = {"USMS_GW_ALARMS_UPDATE_INTERVAL=1s",
                      "USMS_GW_ALARMS_REOPEN_WINDOW=1s",
                      "USMS_GW_ALARMS_SYNC_INTERVAL=1s",
                      "USMS_GW_USMS_REQUEST_TIMEOUT=1s"};
  gateway_stack env{opts};
  env.set_faults(R"({"latency_ms": 120})");
  const std::string key = "kill/olt-1";
  struct step {
    const char* state;
    std::chrono::milliseconds before; ///< pause before the event
    bool withhold_create = false;     ///< USMS keeps the create's answer
  };
  // Clears and firings a second apart start new generations; the others
  // repeat, resolve or reopen.
  const std::vector<step> steps{
    {"firing", 0ms},    {"firing", 0ms},    {"firing", 0ms},
    {"cleared", 0ms},   {"firing", 0ms},    {"cleared", 0ms},
    {"firing", 1200ms, true},               {"firing", 0ms},
    {"cleared", 0ms},   {"firing", 1200ms}, {"cleared", 0ms},
    {"firing", 1200ms, true},
  };
  int64_t generations = 0;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    auto& s = steps[i];
    std::this_thread::sleep_for(s.before);
    if (s.withhold_create)
      env.set_faults(R"({"hang_after_create_next": 1, "hang_for_s": 30})");
    auto answer = post_alarm(env, key, s.state);
    if (answer["alarm"].IsObject())
      generations = std::max(generations,
                             json_int(answer["alarm"], "generation", 0));
    // Killed at a different moment each time: at once, while the step is
    // on its way or in flight, or after its answer.
    std::this_thread::sleep_for(std::chrono::milliseconds(60 * (i % 5)));
    env.kill_gateway();
    env.start_gateway();
  }
  REQUIRE(generations >= 3);
  wait_alarm(
    env, key,
    [&](auto& a) {
      return json_int(a, "generation") == generations
             && a["ticket_id"].IsString();
    },
    "got its last generation's ticket", 30s);
  wait_idle(env, 30s);
  for (int64_t g = 1; g <= generations; ++g) {
    auto ref = key + "#" + std::to_string(g);
    INFO(ref);
    CHECK(env.sim_creates(ref) == 1);
  }
  CHECK(json_int(env.sim_stats(), "tickets") == generations);
  // The last firing came after a clear more than a window earlier: the
  // alarm is open on its own ticket.
  auto a = get_alarm(env, key);
  CHECK(json_string(a, "state") == "open");
}

TEST_CASE("a USMS outage holds the create: repeats, a kill -9 and a clear "
          "meanwhile make one ticket, resolved once USMS is back",
          "[alarms][durability]") {
  stack_options opts;
  opts.gateway_env = {"USMS_GW_ALARMS_UPDATE_INTERVAL=1s",
                      "USMS_GW_USMS_PROBE_INTERVAL=300ms",
                      "USMS_GW_USMS_RECOVERY_RAMP=500ms",
                      "USMS_GW_USMS_BREAKER_FAILURES=1"};
  gateway_stack env{opts};
  env.set_faults(R"({"down": true})");
  const std::string key = "metro-3/uplink";
  post_alarm(env, key, "firing");
  REQUIRE(wait_until([&] { return json_int(env.usms(), "held") >= 1; }, 10s));
  for (int i = 0; i < 3; ++i)
    post_alarm(env, key, "firing");
  env.kill_gateway();
  env.start_gateway();
  post_alarm(env, key, "firing");
  REQUIRE(wait_until([&] { return json_int(env.usms(), "held") >= 1; }, 10s));
  // Cleared before its ticket exists: the create still happens, then the
  // resolve.
  auto cleared = post_alarm(env, key, "cleared");
  CHECK(json_string(cleared["alarm"], "state") == "resolved");
  CHECK(cleared["alarm"]["ticket_id"].IsNull());
  // Calls answered UNAVAILABLE create nothing.
  CHECK(env.sim_creates(key + "#1") == 0);

  env.set_faults(R"({"down": false})");
  auto id = wait_ticket(env, key);
  wait_sim_status(env, id, "Resolved");
  wait_idle(env, 30s);
  CHECK(env.sim_creates(key + "#1") == 1);
  CHECK(json_int(env.sim_stats(), "tickets") == 1);
  auto a = get_alarm(env, key);
  CHECK(json_int(a, "generation") == 1);
  CHECK(json_int(a, "occurrences") == 5);
  CHECK(json_string(a, "state") == "resolved");
}

} // namespace usms::test

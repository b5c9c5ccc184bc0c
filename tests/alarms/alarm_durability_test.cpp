// An alarm's life with the gateway killed (SIGKILL) after every event, at
// varying moments: before its step is sent, while it is in flight, while
// USMS withholds a create's answer, after the answer: every generation
// still gets exactly one ticket.

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

} // namespace usms::test

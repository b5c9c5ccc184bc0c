// Each change of the gateway's view of USMS as an operator sees it over
// HTTP: GET /api/v1/usms, the usms_gateway_usms_* metrics and what happens
// to a request meanwhile. The exact timing of every transition is the
// unit tests' business; here the real dispatcher, simulator and clock go
// through them.

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <thread>

#include "common/iso_time.hpp"
#include "tests/support/gateway_stack.hpp"

namespace usms::test {

namespace {

using namespace std::chrono_literals;

int64_t time_of(const rapidjson::Value& doc, const char* key) {
  return parse_iso8601_ms(json_string(doc, key)).value_or(-1);
}

double transitions_to(gateway_stack& env, const std::string& state) {
  return env.metric("usms_gateway_usms_transitions_total{to=\"" + state
                    + "\"}");
}

/// usms_gateway_usms_state is 1 for `state` and 0 for every other one.
void check_state_metric(gateway_stack& env, const std::string& state) {
  INFO("state " << state);
  for (auto s : {"up", "down", "probing", "ramping", "paused", "auth_failed"})
    CHECK(
        env.metric("usms_gateway_usms_state{state=\"" + std::string{s} + "\"}")
        == (s == state ? 1 : 0));
  bool up = state == "up" || state == "ramping";
  CHECK(env.metric("usms_gateway_usms_up") == (up ? 1 : 0));
}

/// True when `want` appears in `seen` in this order (other states may
/// come between).
bool in_order(const std::vector<std::string>& seen,
              const std::vector<std::string>& want) {
  auto at = seen.begin();
  for (auto& w : want) {
    at = std::find(at, seen.end(), w);
    if (at == seen.end())
      return false;
    ++at;
  }
  return true;
}

/// Waits until request `id` shows `"held": true` and returns it. A request
/// whose call brought the news is in flight until its outcome is
/// journaled, a moment after the state changed.
rapidjson::Document wait_held(gateway_stack& env, const std::string& id) {
  rapidjson::Document rec;
  bool held = wait_until(
      [&] {
        rec = env.json("GET", "/api/v1/requests/" + id);
        return rec["held"].GetBool();
      },
      5s);
  INFO(json_string(rec, "state"));
  CHECK(held);
  return rec;
}

std::string joined(const std::vector<std::string>& seen) {
  std::string out;
  for (auto& s : seen)
    out += (out.empty() ? "" : " → ") + s;
  return out;
}

} // namespace

TEST_CASE("USMS down and back: up → down → probing → ramping → up",
          "[gateway][usms_state]") {
  stack_options opts;
  opts.gateway_env
      = {"USMS_GW_USMS_BREAKER_FAILURES=2", "USMS_GW_USMS_PROBE_INTERVAL=1s",
         "USMS_GW_USMS_RECOVERY_RAMP=2s"};
  gateway_stack env{opts};
  std::vector<std::string> seen;
  CHECK(json_string(env.wait_usms({"up"}, 5s, &seen), "state") == "up");
  check_state_metric(env, "up");

  // Every call takes 300 ms: long enough to see a probe under way.
  env.set_faults(R"({"down": true, "latency_ms": 300})");
  auto id = json_string(env.submit_create("incident", "through it", "st-1"),
                        "request_id");
  auto down = env.wait_usms({"down"}, 10s, &seen);
  INFO("seen: " << joined(seen) << "\ngateway output:\n"
                << env.gateway().output());
  REQUIRE(json_string(down, "state") == "down");
  CHECK(json_string(down, "last_error").find("UNAVAILABLE")
        != std::string::npos);
  // The first probe is due one probe interval after the breaker opened.
  CHECK(time_of(down, "next_probe_at") == time_of(down, "since") + 1000);
  CHECK(transitions_to(env, "down") == 1);
  auto held = wait_held(env, id);
  CHECK(json_int(held, "attempts") == 0);

  auto probing = env.wait_usms({"probing"}, 5s, &seen);
  REQUIRE(json_string(probing, "state") == "probing");
  // Probing is still the same outage: it keeps its start.
  CHECK(json_string(probing, "since") == json_string(down, "since"));
  check_state_metric(env, "probing");
  CHECK(env.metric("usms_gateway_usms_probes_total") >= 1);
  // The probe fails: down again, the next probe one interval later.
  auto again = env.wait_usms({"down"}, 5s, &seen);
  REQUIRE(json_string(again, "state") == "down");
  CHECK(json_string(again, "since") == json_string(down, "since"));
  CHECK(time_of(again, "next_probe_at") > time_of(down, "next_probe_at"));
  CHECK(env.metric(R"(usms_gateway_usms_probe_answers_total{result="failed"})")
        >= 1);
  check_state_metric(env, "down");

  env.set_faults(R"({"down": false})");
  auto ramping = env.wait_usms({"ramping"}, 5s, &seen);
  REQUIRE(json_string(ramping, "state") == "ramping");
  CHECK(ramping["next_probe_at"].IsNull());
  CHECK(time_of(ramping, "since") > time_of(down, "since"));
  CHECK(env.metric(R"(usms_gateway_usms_probe_answers_total{result="alive"})")
        == 1);
  CHECK(transitions_to(env, "ramping") == 1);
  check_state_metric(env, "ramping");
  // Ramping counts as up: the held request goes now.
  auto done = env.wait_finished(id, 5s);
  CHECK(json_string(done, "state") == "succeeded");
  CHECK(json_int(done, "attempts") == 1);
  CHECK(env.sim_creates("st-1") == 1);

  auto up = env.wait_usms({"up"}, 5s, &seen);
  REQUIRE(json_string(up, "state") == "up");
  // Full limits only after usms.recovery_ramp.
  CHECK(time_of(up, "since") - time_of(ramping, "since") >= 2000);
  CHECK(up["next_probe_at"].IsNull());
  CHECK(transitions_to(env, "up") == 1);
  CHECK(transitions_to(env, "down") >= 1);
  CHECK(transitions_to(env, "probing") >= 1);
  check_state_metric(env, "up");
  CHECK(json_int(up, "held") == 0);
  CHECK(in_order(seen, {"up", "down", "probing", "down", "ramping", "up"}));
}

TEST_CASE("paused by an operator, or by a Retry-After: nothing is sent "
          "until it ends",
          "[gateway][usms_state]") {
  stack_options opts;
  opts.gateway_env = {"USMS_GW_USMS_RECOVERY_RAMP=1s"};
  gateway_stack env{opts};

  SECTION("an operator's pause holds requests until resumed") {
    auto paused = env.json("POST", "/api/v1/usms/pause");
    CHECK(json_string(paused, "state") == "paused");
    CHECK(transitions_to(env, "paused") == 1);
    check_state_metric(env, "paused");
    auto id = json_string(env.submit_create("incident", "paused", "ps-1"),
                          "request_id");
    std::this_thread::sleep_for(500ms);
    // Not even a probe: the pause is the operator's, not an outage.
    CHECK(env.sim_calls("CreateTicket") == 0);
    CHECK(env.sim_calls("QueryTickets") == 0);
    CHECK(json_int(env.usms(), "held") == 1);
    CHECK(env.json("GET", "/api/v1/requests/" + id)["held"].GetBool());
    CHECK(env.metric("usms_gateway_requests_held") == 1);

    auto resumed = env.json("POST", "/api/v1/usms/resume");
    CHECK(json_string(resumed, "state") == "ramping");
    CHECK(json_string(env.wait_finished(id, 5s), "state") == "succeeded");
    CHECK(env.sim_creates("ps-1") == 1);
    auto up = env.wait_usms({"up"}, 5s);
    CHECK(json_string(up, "state") == "up");
    CHECK(time_of(up, "since") - time_of(resumed, "since") >= 1000);
    CHECK(transitions_to(env, "ramping") == 1);
    CHECK(transitions_to(env, "up") == 1);
    check_state_metric(env, "up");
  }

  SECTION("a Retry-After pause ends on its own, straight back to up") {
    env.set_faults(R"({"unavailable_next": 1, "retry_after_s": 2})");
    auto r = env.call("GET", "/api/v1/tickets/incident");
    REQUIRE(r.status == 202);
    auto id = json_string(parse_json(r.body), "request_id");
    auto paused = env.wait_usms({"paused"}, 5s);
    REQUIRE(json_string(paused, "state") == "paused");
    CHECK(json_string(paused, "last_error").find("503") != std::string::npos);
    check_state_metric(env, "paused");
    std::vector<std::string> seen;
    auto up = env.wait_usms({"up"}, 5s, &seen);
    REQUIRE(json_string(up, "state") == "up");
    INFO("seen: " << joined(seen));
    // USMS said when to come back: no ramp afterwards.
    CHECK(std::count(seen.begin(), seen.end(), "ramping") == 0);
    CHECK(transitions_to(env, "ramping") == 0);
    CHECK(time_of(up, "since") - time_of(paused, "since") >= 2000);
    CHECK(json_string(env.wait_finished(id, 5s), "state") == "succeeded");
  }
}

TEST_CASE("bad credentials: auth_failed holds requests, a resume tries "
          "again, the right password delivers them",
          "[gateway][usms_state][auth]") {
  stack_options opts;
  opts.sim_args = {"--user", "ops", "--password", "right-one"};
  opts.gateway_env
      = {"USMS_GW_SOAP_USERNAME=ops", "USMS_GW_SOAP_PASSWORD=wrong-one",
         "USMS_GW_USMS_RECOVERY_RAMP=500ms"};
  gateway_stack env{opts};
  auto id = json_string(env.submit_create("incident", "refused", "au-1"),
                        "request_id");
  auto failed = env.wait_usms({"auth_failed"}, 10s);
  INFO("gateway output:\n" << env.gateway().output());
  REQUIRE(json_string(failed, "state") == "auth_failed");
  CHECK(json_string(failed, "last_error").find("AUTH") != std::string::npos);
  CHECK(failed["next_probe_at"].IsNull());
  CHECK(transitions_to(env, "auth_failed") == 1);
  check_state_metric(env, "auth_failed");
  auto held = wait_held(env, id);
  CHECK(json_string(held, "state") == "queued");
  CHECK(json_int(held, "attempts") == 0);
  CHECK(env.sim_calls("CreateTicket") == 1);

  // An operator resumes: the held request is sent again, refused again,
  // and dispatch stops again. Still not failed, still no attempt used.
  auto resumed = env.json("POST", "/api/v1/usms/resume");
  CHECK(json_string(resumed, "state") == "ramping");
  REQUIRE(
      wait_until([&] { return transitions_to(env, "auth_failed") == 2; }, 10s));
  CHECK(json_string(env.usms(), "state") == "auth_failed");
  CHECK(env.sim_calls("CreateTicket") == 2);
  held = wait_held(env, id);
  CHECK(json_string(held, "state") == "queued");
  CHECK(json_int(held, "attempts") == 0);

  // The right password through the run-time configuration.
  auto r = env.call("PUT", "/api/v1/config",
                    R"({"soap": {"password": "right-one"}})");
  INFO(r.body);
  REQUIRE(r.status == 200);
  auto done = env.wait_finished(id, 10s);
  CHECK(json_string(done, "state") == "succeeded");
  CHECK(json_int(done, "attempts") == 1);
  CHECK(env.sim_creates("au-1") == 1);
  CHECK(json_string(env.wait_usms({"up"}, 5s), "state") == "up");
  CHECK(transitions_to(env, "ramping") == 2);
  CHECK(transitions_to(env, "auth_failed") == 2);
  check_state_metric(env, "up");
}

} // namespace usms::test

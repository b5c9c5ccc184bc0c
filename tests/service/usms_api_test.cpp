// Where USMS stands, over HTTP: GET /api/v1/usms and its exact shape, the
// operator's pause, resume and probe (admin only), an outage as the API,
// /readyz and /metrics show it, and the scope header the pages read.

#include <catch2/catch.hpp>

#include <chrono>
#include <set>
#include <thread>

#include "app/usms_routes.hpp"
#include "common/iso_time.hpp"
#include "tests/service/prom_text.hpp"
#include "tests/support/gateway_stack.hpp"

namespace {

using namespace std::chrono_literals;
using usms::test::gateway_stack;
using usms::test::json_int;
using usms::test::json_string;
using usms::test::parse_json;
using usms::test::stack_options;

const std::string admin_token = "usms-admin-TOKEN";
const std::string read_token = "usms-read-TOKEN";

int64_t unix_ms_now() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch())
    .count();
}

usms::http::header_list bearer(const std::string& token) {
  return {{"Authorization", "Bearer " + token}};
}

/// Checks the exact shape of the GET /api/v1/usms object and returns it.
rapidjson::Document usms_object(const usms::test::http_reply& r) {
  INFO(r.status << " " << r.body);
  REQUIRE(r.status == 200);
  auto doc = parse_json(r.body);
  REQUIRE(doc.IsObject());
  std::set<std::string> keys;
  for (auto& m : doc.GetObject())
    keys.insert(m.name.GetString());
  CHECK(keys
        == std::set<std::string>{"state", "since", "last_error",
                                 "next_probe_at", "held"});
  REQUIRE(doc["state"].IsString());
  CHECK(std::set<std::string>{"up", "down", "probing", "ramping", "paused",
                              "auth_failed"}
          .count(doc["state"].GetString())
        == 1);
  REQUIRE(doc["since"].IsString());
  std::string since = doc["since"].GetString();
  CHECK(since.back() == 'Z');
  CHECK(usms::parse_iso8601_ms(since));
  CHECK((doc["last_error"].IsNull() || doc["last_error"].IsString()));
  CHECK((doc["next_probe_at"].IsNull() || doc["next_probe_at"].IsString()));
  if (doc["next_probe_at"].IsString())
    CHECK(usms::parse_iso8601_ms(doc["next_probe_at"].GetString()));
  REQUIRE(doc["held"].IsInt64());
  CHECK(doc["held"].GetInt64() >= 0);
  return doc;
}

int64_t time_of(const rapidjson::Value& doc, const char* key) {
  return usms::parse_iso8601_ms(json_string(doc, key)).value_or(-1);
}

/// GET /readyz: 200 whatever USMS does; returns its usms_state.
std::string ready_state(gateway_stack& stack) {
  auto r = stack.call("GET", "/readyz");
  INFO(r.body);
  CHECK(r.status == 200);
  auto doc = parse_json(r.body);
  CHECK(json_string(doc, "status") == "ready");
  return json_string(doc, "usms_state");
}

/// Polls GET /api/v1/usms until `ok(state)`; returns the last object.
template <class Ok>
rapidjson::Document wait_state(gateway_stack& stack, Ok ok,
                               const usms::http::header_list& headers = {},
                               std::chrono::milliseconds timeout = 20s) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto doc = usms_object(stack.call("GET", "/api/v1/usms", {}, headers));
    if (ok(json_string(doc, "state")) || std::chrono::steady_clock::now() > deadline)
      return doc;
    std::this_thread::sleep_for(100ms);
  }
}

} // namespace

TEST_CASE("GET /api/v1/usms: up, with exactly its five keys",
          "[usms][http]") {
  auto before = unix_ms_now();
  gateway_stack stack;
  auto r = stack.call("GET", "/api/v1/usms");
  auto doc = usms_object(r);
  CHECK(json_string(doc, "state") == "up");
  // since: when the gateway started (to the millisecond; a second's slack).
  CHECK(time_of(doc, "since") >= before - 1000);
  CHECK(time_of(doc, "since") <= unix_ms_now());
  CHECK(doc["last_error"].IsNull());
  CHECK(doc["next_probe_at"].IsNull());
  CHECK(json_int(doc, "held") == 0);
  // Without access control everyone may use the operator buttons.
  CHECK(usms::http::find_header(r.headers, "X-Token-Scope") == "admin");
  CHECK(ready_state(stack) == "up");
}

TEST_CASE("USMS pause, resume and probe: admin only, each answering the "
          "GET object",
          "[usms][http][auth]") {
  // The stack's own calls carry the admin token.
  stack_options opts;
  opts.gateway_env = {"USMS_GW_AUTH_TOKENS=" + read_token + ":read,"
                      + admin_token + ":admin"};
  opts.token = admin_token;
  gateway_stack stack{opts};
  auto as = [&](const std::string& token, const std::string& method,
                const std::string& path) {
    return usms::test::http_call(method, stack.gw_url() + path, {},
                                 token.empty() ? usms::http::header_list{}
                                               : bearer(token));
  };

  // read may look; only admin may command.
  auto r = as(read_token, "GET", "/api/v1/usms");
  usms_object(r);
  CHECK(usms::http::find_header(r.headers, "X-Token-Scope") == "read");
  r = stack.call("GET", "/api/v1/usms");
  CHECK(usms::http::find_header(r.headers, "X-Token-Scope") == "admin");
  CHECK(as("", "GET", "/api/v1/usms").status == 401);
  for (const char* what : {"pause", "resume", "probe"}) {
    INFO(what);
    auto path = std::string{"/api/v1/usms/"} + what;
    CHECK(as(read_token, "POST", path).status == 403);
    CHECK(as("", "POST", path).status == 401);
  }
  CHECK(json_string(usms_object(as(read_token, "GET", "/api/v1/usms")), "state")
        == "up");

  // Pause: the answer already shows it, and so does everything else.
  auto before_pause = unix_ms_now();
  auto paused = usms_object(stack.call("POST", "/api/v1/usms/pause"));
  CHECK(json_string(paused, "state") == "paused");
  CHECK(time_of(paused, "since") >= before_pause);
  CHECK(paused["next_probe_at"].IsNull());
  CHECK(json_string(usms_object(as(read_token, "GET", "/api/v1/usms")), "state")
        == "paused");
  CHECK(ready_state(stack) == "paused");
  auto r_metrics = stack.call("GET", "/metrics");
  REQUIRE(r_metrics.status == 200);
  auto text = usms::test::parse_prometheus(r_metrics.body);
  CHECK(text.sum("usms_gateway_usms_up") == 0);
  CHECK(text.sum("usms_gateway_usms_state", {{"state", "paused"}}) == 1);
  CHECK(text.sum("usms_gateway_usms_state") == 1);

  // A second pause changes nothing.
  auto again = usms_object(stack.call("POST", "/api/v1/usms/pause"));
  CHECK(json_string(again, "state") == "paused");
  CHECK(json_string(again, "since") == json_string(paused, "since"));

  // Resume: back through the ramp.
  auto resumed = usms_object(stack.call("POST", "/api/v1/usms/resume"));
  CHECK(json_string(resumed, "state") == "ramping");
  CHECK(ready_state(stack) == "ramping");

  // Probe now: answered at once with the state as it stands.
  auto probed = usms_object(stack.call("POST", "/api/v1/usms/probe"));
  CHECK((json_string(probed, "state") == "ramping" || json_string(probed, "state") == "up"));
}

TEST_CASE("an outage as GET /api/v1/usms, /readyz and /metrics show it",
          "[usms][http]") {
  gateway_stack stack;
  stack.set_faults(R"({"down": true})");
  // Their attempts are more failure signals in a row than the breaker
  // allows (usms.breaker_failures, 5 by default).
  for (int i = 0; i < 5; ++i)
    stack.submit("incident", R"({"fields": {"summary": "during the outage"}})");
  auto down = wait_state(stack, [](const std::string& s) {
    return s == "down" || s == "probing";
  });
  INFO(stack.gateway().output());
  REQUIRE((json_string(down, "state") == "down" || json_string(down, "state") == "probing"));
  REQUIRE(down["last_error"].IsString());
  CHECK_FALSE(json_string(down, "last_error").empty());
  REQUIRE(down["next_probe_at"].IsString());
  CHECK(time_of(down, "next_probe_at") >= time_of(down, "since"));
  // Holding through an outage is the job: still ready.
  auto ready = ready_state(stack);
  CHECK((ready == "down" || ready == "probing"));
  auto text = usms::test::parse_prometheus(stack.call("GET", "/metrics").body);
  CHECK(text.sum("usms_gateway_usms_up") == 0);
  CHECK(text.sum("usms_gateway_usms_transitions_total", {{"to", "down"}})
        >= 1);

  // USMS is back; a probe asked for now finds it.
  stack.set_faults(R"({"down": false})");
  auto probed = usms_object(stack.call("POST", "/api/v1/usms/probe"));
  CHECK(json_string(probed, "state") != "up");
  auto back = wait_state(stack, [](const std::string& s) {
    return s == "ramping" || s == "up";
  });
  CHECK((json_string(back, "state") == "ramping" || json_string(back, "state") == "up"));
  CHECK(back["next_probe_at"].IsNull());
}

TEST_CASE("the USMS object: UTC times with milliseconds, null where none",
          "[usms][unit]") {
  usms::usms_status s;
  s.state = "down";
  s.since = 1'764'594'120'250; // 2025-12-01T13:02:00.250Z
  s.last_error = "USMS server error (UNAVAILABLE): \"down\"";
  s.next_probe_at = 1'764'594'125'250;
  CHECK(usms::app::usms_json(s, 18'412)
        == R"({"state":"down","since":"2025-12-01T13:02:00.250Z",)"
           R"("last_error":"USMS server error (UNAVAILABLE): \"down\"",)"
           R"("next_probe_at":"2025-12-01T13:02:05.250Z","held":18412})");
  usms::usms_status up;
  up.since = 1'764'594'120'000;
  CHECK(usms::app::usms_json(up, 0)
        == R"({"state":"up","since":"2025-12-01T13:02:00.000Z",)"
           R"("last_error":null,"next_probe_at":null,"held":0})");
}

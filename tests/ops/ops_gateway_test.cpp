// The operator API on the real usms-gateway talking to a real usms-sim,
// both as child processes on loopback: the status table, reply routes and
// run-time configuration, across restarts.

#include <atomic>
#include <thread>

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include "tests/support/gateway_stack.hpp"

using namespace usms;
using namespace std::chrono_literals;
using test::gateway_stack;
using test::json_string;
using test::parse_json;

namespace {

std::string error_field(const test::http_reply& r) {
  auto doc = parse_json(r.body);
  REQUIRE(doc.HasMember("error"));
  return json_string(doc["error"], "field");
}

/// Creates an incident and waits for its outcome; returns the record.
rapidjson::Document create(gateway_stack& s, const std::string& source = "mon",
                           const std::string& summary = "Node down") {
  auto r = s.call("POST", "/api/v1/tickets/incident?wait=20",
                  R"({"fields": {"summary": ")" + summary
                    + R"(", "priority": 2}, "source": ")" + source + R"("})",
                  {}, 30s);
  INFO(r.body);
  REQUIRE(r.status == 200);
  return parse_json(r.body);
}

/// Queries incidents and waits for the outcome. Queries are retried on
/// every transient fault (a create's Server fault is ambiguous instead).
rapidjson::Document query(gateway_stack& s) {
  auto r = s.call("GET", "/api/v1/tickets/incident?status=New&wait=20", {},
                  {}, 30s);
  INFO(r.body);
  REQUIRE(r.status == 200);
  return parse_json(r.body);
}

test::http_reply put(gateway_stack& s, const std::string& target,
                     const std::string& body) {
  return s.call("PUT", target, body);
}

test::http_reply get(gateway_stack& s, const std::string& target) {
  return s.call("GET", target);
}

} // namespace

TEST_CASE("status table over the real gateway", "[gateway]") {
  gateway_stack s;

  for (int i = 0; i < 6; ++i)
    CHECK(json_string(create(s, i % 2 ? "mon" : "auto"), "state")
          == "succeeded");
  // An update of a ticket USMS does not know fails for good.
  auto r = s.call("PATCH", "/api/v1/tickets/incident/INC-999999?wait=20",
                  R"({"fields": {"priority": 3}, "source": "mon"})", {}, 30s);
  REQUIRE(r.status == 200);
  CHECK(json_string(parse_json(r.body), "state") == "failed");

  auto doc = parse_json(get(s, "/api/v1/status").body);
  CHECK(doc["total"].GetInt64() == 7);
  CHECK(doc["entries"].GetInt64() == 7);
  auto& rows = doc["rows"];
  REQUIRE(rows.Size() == 7);
  CHECK(json_string(rows[0], "action") == "update"); // newest first
  CHECK(json_string(rows[0], "status") == "Failed");
  CHECK_FALSE(json_string(rows[0], "reason").empty());
  CHECK(json_string(rows[6], "status") == "Succeeded");
  CHECK_FALSE(json_string(rows[6], "ticket_id").empty());

  doc = parse_json(get(s, "/api/v1/status?status=Succeeded&source=mon").body);
  CHECK(doc["total"].GetInt64() == 3);
  doc = parse_json(get(s, "/api/v1/status?action=update").body);
  CHECK(doc["total"].GetInt64() == 1);
  doc = parse_json(get(s, "/api/v1/status?limit=3&offset=6").body);
  CHECK(doc["total"].GetInt64() == 7);
  CHECK(doc["rows"].Size() == 1);
  doc = parse_json(get(s, "/api/v1/status?since=2000-01-01&until=2000-01-02")
                .body);
  CHECK(doc["total"].GetInt64() == 0);
  CHECK(doc["entries"].GetInt64() == 7);
  CHECK(error_field(get(s, "/api/v1/status?limit=5000")) == "limit");

  // Nothing is left in the queue; the finished ones are listed on demand.
  doc = parse_json(get(s, "/api/v1/requests").body);
  CHECK(doc["total"].GetInt64() == 0);
  doc = parse_json(get(s, "/api/v1/requests?state=succeeded&limit=2").body);
  CHECK(doc["total"].GetInt64() == 6);
  CHECK(doc["requests"].Size() == 2);

  // The trend has its first sample, taken at start.
  doc = parse_json(get(s, "/api/v1/status/trend").body);
  CHECK(doc["samples"].Size() >= 1);
  CHECK(s.stop_gateway() == 0);
}

TEST_CASE("run-time config and reply routes take effect and survive a "
          "restart",
          "[gateway]") {
  const std::string marker = "Pw-marker-7c1e55d2";
  test::stack_options opts;
  opts.sim_args = {"--user", "ops", "--password", marker};
  // soap.retries at the gateway's own default, so that a reset shows it.
  opts.gateway_env = {"USMS_GW_SOAP_USERNAME=ops", "USMS_GW_SOAP_RETRIES"};
  gateway_stack s{opts};

  // Without the password USMS refuses with AUTH: the gateway's
  // credentials, not the request, so the request is held (not failed) and
  // dispatch stops until the credentials change.
  auto first = s.call("POST", "/api/v1/tickets/incident?wait=2",
                      R"({"fields": {"summary": "before the password"}})");
  REQUIRE(first.status == 202);
  auto held_id = json_string(parse_json(first.body), "request_id");
  REQUIRE(test::wait_until(
    [&] {
      return json_string(parse_json(get(s, "/api/v1/usms").body), "state")
             == "auth_failed";
    },
    10s));
  auto held = parse_json(get(s, "/api/v1/requests/" + held_id).body);
  CHECK(held["held"].GetBool());
  CHECK(held["attempts"].GetInt() == 0);
  CHECK(json_string(held, "last_error").find("AUTH") != std::string::npos);

  // The password is write-only; with it the held request is delivered.
  auto r = put(s, "/api/v1/config",
               R"({"soap": {"password": ")" + marker + R"("}})");
  REQUIRE(r.status == 200);
  CHECK(r.body.find(marker) == std::string::npos);
  CHECK(parse_json(r.body)["soap"]["password_set"].GetBool());
  auto rec = s.wait_finished(held_id);
  CHECK(json_string(rec, "state") == "succeeded");
  CHECK(rec["attempts"].GetInt() == 1);
  CHECK(json_string(create(s), "state") == "succeeded");

  // soap.retries: the next request makes retries + 1 attempts (answered
  // ones: Server faults whose outcome is unknown).
  s.set_faults(R"({"server_fault_rate": 1, "server_fault_code": "INTERNAL"})");
  r = put(s, "/api/v1/config", R"({"soap": {"retries": 1}})");
  REQUIRE(r.status == 200);
  CHECK(parse_json(r.body)["soap"]["retries"].GetInt() == 1);
  auto before = s.sim_calls("QueryTickets");
  rec = query(s);
  CHECK(json_string(rec, "state") == "failed");
  CHECK(rec["attempts"].GetInt() == 2);
  CHECK(s.sim_calls("QueryTickets") - before == 2);

  // Bad values are refused whole, naming the key; nothing changes.
  r = put(s, "/api/v1/config",
          R"({"soap": {"retries": 4, "query_limit": 0}})");
  CHECK(r.status == 400);
  CHECK(error_field(r) == "soap.query_limit");
  CHECK(error_field(put(s, "/api/v1/config",
                        R"({"usms": {"max_in_flight": "many"}})"))
        == "usms.max_in_flight");
  CHECK(error_field(put(s, "/api/v1/config",
                        R"({"storage": {"db": "/tmp/x.db"}})"))
        == "storage.db");
  auto cfg = parse_json(get(s, "/api/v1/config").body);
  CHECK(cfg["soap"]["retries"].GetInt() == 1);
  CHECK(cfg["soap"]["query_limit"].GetInt() == 100);

  // Reply routes.
  REQUIRE(put(s, "/api/v1/reply-routes/mon",
              R"({"url": "http://127.0.0.1:9/hook"})")
            .status
          == 200);
  REQUIRE(put(s, "/api/v1/reply-routes/*",
              R"({"url": "https://default.example/hook"})")
            .status
          == 200);
  REQUIRE(put(s, "/api/v1/reply-routes/gone", R"({"url": "http://x/"})")
            .status
          == 200);
  CHECK(s.call("DELETE", "/api/v1/reply-routes/gone").status == 204);
  CHECK(error_field(put(s, "/api/v1/reply-routes/bad",
                        R"({"url": "mailto:noc@example.com"})"))
        == "url");

  CHECK(get(s, "/api/v1/config").body.find(marker) == std::string::npos);
  CHECK(s.stop_gateway() == 0);
  auto first_output = s.gateway().output();
  CHECK(first_output.find(marker) == std::string::npos);
  CHECK(first_output.find("soap.retries") != std::string::npos); // logged key

  // Restart on the same database.
  s.start_gateway();
  cfg = parse_json(get(s, "/api/v1/config").body);
  CHECK(cfg["soap"]["retries"].GetInt() == 1);
  CHECK(json_string(cfg["sources"]["soap"], "retries") == "runtime");
  CHECK(cfg["soap"]["password_set"].GetBool());
  CHECK(json_string(cfg["sources"]["soap"], "username") == "env");
  auto routes = parse_json(get(s, "/api/v1/reply-routes").body);
  REQUIRE(routes["routes"].Size() == 2);
  CHECK(json_string(routes["routes"][0], "source") == "*");
  CHECK(json_string(routes["routes"][1], "url") == "http://127.0.0.1:9/hook");
  CHECK(get(s, "/api/v1/reply-routes/gone").status == 404);

  before = s.sim_calls("QueryTickets");
  rec = query(s);
  CHECK(rec["attempts"].GetInt() == 2);
  CHECK(s.sim_calls("QueryTickets") - before == 2);
  s.set_faults(R"({"server_fault_rate": 0})");
  // The saved password.
  CHECK(json_string(create(s, "auto"), "state") == "succeeded");

  CHECK(s.stop_gateway() == 0);
  CHECK(s.gateway().output().find(marker) == std::string::npos);

  // --reset-runtime-config drops the saved settings, not the routes.
  s.start_gateway({"--reset-runtime-config"});
  cfg = parse_json(get(s, "/api/v1/config").body);
  CHECK(cfg["soap"]["retries"].GetInt() == 3);
  CHECK_FALSE(cfg["soap"]["password_set"].GetBool());
  CHECK(parse_json(get(s, "/api/v1/reply-routes").body)["routes"].Size() == 2);
  CHECK(s.stop_gateway() == 0);
}

TEST_CASE("usms.max_in_flight changes at run time", "[gateway]") {
  test::stack_options opts;
  opts.sim_args = {"--latency", "400ms"};
  gateway_stack s{opts};
  auto burst = [&] {
    auto t0 = std::chrono::steady_clock::now();
    std::vector<std::thread> threads;
    std::atomic<int> answered{0};
    for (int i = 0; i < 5; ++i)
      threads.emplace_back([&] {
        auto r = s.call("POST", "/api/v1/tickets/incident?wait=30",
                        R"({"fields": {"summary": "burst"}})", {}, 40s);
        // Counted, checked after join(): Catch2 v2 is not thread-safe.
        if (r.status == 200)
          ++answered;
      });
    for (auto& t : threads)
      t.join();
    CHECK(answered == 5);
    return std::chrono::steady_clock::now() - t0;
  };
  auto parallel = burst();
  REQUIRE(put(s, "/api/v1/config", R"({"usms": {"max_in_flight": 1}})")
            .status
          == 200);
  auto serial = burst();
  // One call at a time: five calls of 400 ms cannot take less than 2 s.
  CHECK(serial >= 2000ms);
  CHECK(parallel < 1800ms);
  CHECK(s.stop_gateway() == 0);
}

// Resends after injected UNAVAILABLE faults (not counted as attempts),
// retries after ambiguous Server faults, exhaustion after soap.retries,
// Client faults, Retry-After, cancel and retry of finished requests.

#include <catch2/catch.hpp>

#include <chrono>
#include <ctime>
#include <thread>

#include "tests/support/gateway_stack.hpp"

namespace usms::test {

namespace {

using namespace std::chrono_literals;

/// "2026-11-27T06:48:31.458Z" → Unix milliseconds (-1 when unreadable).
int64_t iso_ms(const std::string& text) {
  std::tm tm{};
  int ms = 0;
  if (std::sscanf(text.c_str(), "%d-%d-%dT%d:%d:%d.%dZ", &tm.tm_year,
                  &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
                  &tm.tm_sec, &ms)
      != 7)
    return -1;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<int64_t>(timegm(&tm)) * 1000 + ms;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

/// Checks the newest status-table row of a finished request.
void check_status_row(gateway_stack& env, const std::string& request_id,
                      const std::string& status, const std::string& reason_part,
                      int64_t attempts) {
  auto rows = env.status_rows(request_id);
  REQUIRE_FALSE(rows.empty());
  auto& row = rows.front(); // newest first
  CHECK(row.status == status);
  if (!reason_part.empty())
    CHECK(contains(row.reason, reason_part));
  CHECK(row.attempts == attempts);
}

/// PATCH with ?wait=15; requires a finished answer and returns it.
rapidjson::Document update_and_wait(gateway_stack& env, const std::string& type,
                                    const std::string& id,
                                    const std::string& body) {
  auto r = env.call("PATCH",
                    "/api/v1/tickets/" + type + "/" + id + "?wait=15",
                    body);
  INFO(r.status << " " << r.error << "\n" << r.body);
  REQUIRE(r.status == 200);
  return parse_json(r.body);
}

} // namespace

TEST_CASE("UNAVAILABLE faults on an update are resent until it succeeds, "
          "using no attempt",
          "[gateway][retry]") {
  gateway_stack env;
  auto ticket = env.create_ticket("incident", "retry me");
  auto before = env.sim_calls("UpdateTicket");
  env.set_faults(R"({"server_fault_next": 2})");
  auto u = update_and_wait(env, "incident", ticket,
                           R"({"fields": {"priority": 1}})");
  INFO("gateway output:\n" << env.gateway().output());
  CHECK(json_string(u, "state") == "succeeded");
  // USMS said it did not do the work: resent, and only the answered
  // attempt counts against soap.retries.
  CHECK(json_int(u, "attempts") == 1);
  CHECK(json_int(u["ticket"], "priority") == 1);
  CHECK(env.sim_calls("UpdateTicket") - before == 3);
  check_status_row(env, json_string(u, "request_id"), "Succeeded", "", 1);
}

TEST_CASE("ambiguous Server faults on an update are retried and counted",
          "[gateway][retry]") {
  gateway_stack env;
  auto ticket = env.create_ticket("incident", "retry me too");
  auto before = env.sim_calls("UpdateTicket");
  env.set_faults(R"({"server_fault_next": 2, "server_fault_code": "INTERNAL"})");
  auto u = update_and_wait(env, "incident", ticket,
                           R"({"fields": {"priority": 2}})");
  INFO("gateway output:\n" << env.gateway().output());
  CHECK(json_string(u, "state") == "succeeded");
  CHECK(json_int(u, "attempts") == 3);
  CHECK(env.sim_calls("UpdateTicket") - before == 3);
  check_status_row(env, json_string(u, "request_id"), "Succeeded", "", 3);
}

TEST_CASE("Server faults on a query are retried until it succeeds",
          "[gateway][retry]") {
  gateway_stack env;
  env.set_faults(R"({"server_fault_next": 1})");
  auto r = env.call("GET", "/api/v1/tickets/change?wait=15");
  INFO(r.body);
  REQUIRE(r.status == 200);
  auto q = parse_json(r.body);
  CHECK(json_string(q, "state") == "succeeded");
  CHECK(json_int(q, "attempts") == 1);
  CHECK(env.sim_calls("QueryTickets") == 2);
}

TEST_CASE("UNAVAILABLE faults on a create are resent without a lookup",
          "[gateway][retry]") {
  gateway_stack env;
  env.set_faults(R"({"server_fault_next": 2})");
  auto r = env.call(
    "POST", "/api/v1/tickets/problem?wait=15",
    R"({"fields": {"summary": "not taken"}, "correlation_id": "na-1"})");
  INFO(r.body << "\ngateway output:\n" << env.gateway().output());
  REQUIRE(r.status == 200);
  auto c = parse_json(r.body);
  CHECK(json_string(c, "state") == "succeeded");
  CHECK(json_int(c, "attempts") == 1);
  CHECK(env.sim_calls("CreateTicket") == 3);
  CHECK(env.sim_calls("QueryTickets") == 0);
  CHECK(env.sim_creates("na-1") == 1);
}

TEST_CASE("Server faults on a create are looked up and never make a second ticket",
          "[gateway][retry]") {
  gateway_stack env;
  env.set_faults(R"({"server_fault_next": 2, "server_fault_code": "INTERNAL"})");
  auto r = env.call(
    "POST", "/api/v1/tickets/problem?wait=15",
    R"({"fields": {"summary": "ambiguous"}, "correlation_id": "amb-1"})");
  INFO(r.body << "\ngateway output:\n" << env.gateway().output());
  REQUIRE(r.status == 200);
  auto c = parse_json(r.body);
  CHECK(json_string(c, "state") == "succeeded");
  CHECK(json_string(c, "ticket_id").rfind("PRB", 0) == 0);
  // Exactly one ticket for this correlation id, and every attempt counted
  // is a CreateTicket the simulator saw.
  CHECK(env.sim_creates("amb-1") == 1);
  auto attempts = json_int(c, "attempts");
  CHECK(attempts >= 2);
  CHECK(attempts <= 3);
  CHECK(env.sim_calls("CreateTicket") == attempts);
  // Before sending again it asked USMS (by ExternalReference).
  CHECK(env.sim_calls("QueryTickets") >= 1);
  CHECK(json_int(env.sim_stats(), "tickets") == 1);
}

TEST_CASE("a create whose answer was withheld is found and not sent again",
          "[gateway][retry]") {
  gateway_stack env;
  SECTION("connection reset after the ticket was stored") {
    env.set_faults(R"({"reset_after_create_next": 1})");
  }
  SECTION("no answer within usms.request_timeout") {
    // Held for 5 s: longer than the stack's 2 s request timeout.
    env.set_faults(R"({"hang_after_create_next": 1, "hang_for_s": 5})");
  }
  auto r = env.call(
    "POST", "/api/v1/tickets/incident?wait=15",
    R"({"fields": {"summary": "withheld"}, "correlation_id": "wh-1"})");
  INFO(r.body << "\ngateway output:\n" << env.gateway().output());
  REQUIRE(r.status == 200);
  auto c = parse_json(r.body);
  CHECK(json_string(c, "state") == "succeeded");
  CHECK(json_int(c, "attempts") == 1);
  CHECK(env.sim_calls("CreateTicket") == 1);
  CHECK(env.sim_calls("QueryTickets") >= 1);
  CHECK(env.sim_creates("wh-1") == 1);
  // The ticket id the gateway reports is the one USMS created.
  auto id = json_string(c, "ticket_id");
  REQUIRE(id.rfind("INC", 0) == 0);
  auto q = env.call("GET", "/api/v1/tickets/incident?external_reference=wh-1"
                           "&wait=10");
  REQUIRE(q.status == 200);
  auto qd = parse_json(q.body);
  REQUIRE(json_int(qd, "total_count") == 1);
  CHECK(json_string(qd["tickets"][0], "ticket_id") == id);
}

TEST_CASE("retries exhausted: failed after soap.retries + 1 attempts",
          "[gateway][retry][exhaustion]") {
  gateway_stack env;
  auto ticket = env.create_ticket("change", "doomed");
  auto before = env.sim_calls("UpdateTicket");
  env.set_faults(
    R"({"server_fault_rate": 1, "server_fault_code": "INTERNAL"})");
  auto u = update_and_wait(env, "change", ticket,
                           R"({"fields": {"risk": "high"}})");
  INFO("gateway output:\n" << env.gateway().output());
  CHECK(json_string(u, "state") == "failed");
  CHECK(json_int(u, "attempts") == 3);
  auto reason = json_string(u, "reason");
  CHECK(contains(reason, "INTERNAL"));
  CHECK(contains(reason, "3 attempts"));
  CHECK(env.sim_calls("UpdateTicket") - before == 3);
  check_status_row(env, json_string(u, "request_id"), "Failed", "INTERNAL",
                   3);
}

TEST_CASE("a create while USMS is down is held, not failed, and made once "
          "it is back",
          "[gateway][retry][outage]") {
  gateway_stack env;
  env.set_faults(R"({"down": true})");
  auto r = env.call(
    "POST", "/api/v1/tickets/incident?wait=3",
    R"({"fields": {"summary": "down"}, "correlation_id": "down-1"})");
  INFO(r.body << "\ngateway output:\n" << env.gateway().output());
  REQUIRE(r.status == 202);
  auto c = parse_json(r.body);
  auto id = json_string(c, "request_id");
  CHECK(json_int(c, "attempts") == 0);
  CHECK(env.sim_creates("down-1") == 0);
  env.set_faults(R"({"down": false})");
  auto done = env.wait_finished(id);
  CHECK(json_string(done, "state") == "succeeded");
  CHECK(json_int(done, "attempts") == 1);
  CHECK(env.sim_creates("down-1") == 1);
}

TEST_CASE("a Client fault fails after exactly one attempt",
          "[gateway][retry]") {
  gateway_stack env;
  auto u = update_and_wait(env, "incident", "INC9999999",
                           R"({"fields": {"priority": 2}})");
  CHECK(json_string(u, "state") == "failed");
  CHECK(json_int(u, "attempts") == 1);
  CHECK(contains(json_string(u, "reason"), "NOT_FOUND"));
  CHECK(env.sim_calls("UpdateTicket") == 1);
  check_status_row(env, json_string(u, "request_id"), "Failed", "NOT_FOUND",
                   1);

  // A status change the workflow does not allow: TRANSITION, one attempt.
  auto ticket = env.create_ticket("incident", "closed one");
  auto closed = update_and_wait(env, "incident", ticket,
                                R"({"fields": {"status": "Closed"}})");
  REQUIRE(json_string(closed, "state") == "succeeded");
  auto back = update_and_wait(env, "incident", ticket,
                              R"({"fields": {"status": "New"}})");
  CHECK(json_string(back, "state") == "failed");
  CHECK(json_int(back, "attempts") == 1);
  CHECK(contains(json_string(back, "reason"), "TRANSITION"));
}

TEST_CASE("a Retry-After from USMS is honoured", "[gateway][retry]") {
  gateway_stack env;
  env.set_faults(R"({"unavailable_next": 1, "retry_after_s": 2})");
  auto start = std::chrono::steady_clock::now();
  // Query: a plain retry; backoff is 50 ms, so only Retry-After explains a
  // wait of 2 s.
  auto r = env.call("GET", "/api/v1/tickets/incident?wait=15");
  auto elapsed = std::chrono::steady_clock::now() - start;
  INFO(r.body << "\ngateway output:\n" << env.gateway().output());
  REQUIRE(r.status == 200);
  auto q = parse_json(r.body);
  CHECK(json_string(q, "state") == "succeeded");
  // The 503 said USMS did not take it: only the answered attempt counts.
  CHECK(json_int(q, "attempts") == 1);
  auto accepted = iso_ms(json_string(q, "accepted_at"));
  auto finished = iso_ms(json_string(q, "finished_at"));
  REQUIRE(accepted > 0);
  REQUIRE(finished > 0);
  CHECK(finished - accepted >= 2000);
  CHECK(finished - accepted < 6000);
  CHECK(elapsed >= 2s);

  // A create behind a 503 waits as well, and makes one ticket.
  env.set_faults(R"({"unavailable_next": 1, "retry_after_s": 2})");
  start = std::chrono::steady_clock::now();
  auto c = env.call(
    "POST", "/api/v1/tickets/incident?wait=15",
    R"({"fields": {"summary": "later"}, "correlation_id": "ra-1"})");
  elapsed = std::chrono::steady_clock::now() - start;
  INFO(c.body);
  REQUIRE(c.status == 200);
  CHECK(json_string(parse_json(c.body), "state") == "succeeded");
  CHECK(elapsed >= 2s);
  CHECK(env.sim_creates("ra-1") == 1);
}

TEST_CASE("cancel a request waiting for its retry",
          "[gateway][cancel]") {
  stack_options opts;
  // A long backoff keeps the request in waiting_retry.
  opts.gateway_env = {"USMS_GW_SOAP_BACKOFF_BASE=30s",
                      "USMS_GW_SOAP_BACKOFF_MAX=30s"};
  gateway_stack env{opts};
  auto ticket = env.create_ticket("problem", "to cancel");
  env.set_faults(
    R"({"server_fault_next": 1, "server_fault_code": "INTERNAL"})");
  auto r = env.call("PATCH", "/api/v1/tickets/problem/" + ticket,
                    R"({"fields": {"root_cause": "bad optic"}})");
  INFO(r.body);
  REQUIRE(r.status == 202);
  auto id = json_string(parse_json(r.body), "request_id");
  rapidjson::Document cur;
  bool waiting = wait_until(
    [&] {
      auto g = env.call("GET", "/api/v1/requests/" + id);
      if (g.status != 200)
        return false;
      cur = parse_json(g.body);
      return json_string(cur, "state") == "waiting_retry";
    },
    10s);
  REQUIRE(waiting);
  CHECK(json_int(cur, "attempts") == 1);
  CHECK(contains(json_string(cur, "last_error"), "INTERNAL"));
  CHECK_FALSE(json_string(cur, "next_attempt_at").empty());

  // A retry of an unfinished request is a conflict.
  CHECK(env.call("POST", "/api/v1/requests/" + id + "/retry").status == 409);

  auto d = env.call("DELETE", "/api/v1/requests/" + id);
  INFO(d.body);
  REQUIRE(d.status == 200);
  auto cancelled = parse_json(d.body);
  CHECK(json_string(cancelled, "state") == "cancelled");
  CHECK(json_string(cancelled, "reason") == "cancelled by an operator");
  CHECK(json_string(env.json("GET", "/api/v1/requests/" + id), "state")
        == "cancelled");
  // Cancelling it again: it is finished.
  CHECK(env.call("DELETE", "/api/v1/requests/" + id).status == 404);
  CHECK(env.call("DELETE", "/api/v1/requests/r-unknown").status == 404);

  // Retry: the same id, back in the queue, succeeds.
  auto calls_before = env.sim_calls("UpdateTicket");
  auto again = env.call("POST", "/api/v1/requests/" + id + "/retry");
  INFO(again.body);
  REQUIRE(again.status == 200);
  auto rec = parse_json(again.body);
  CHECK(json_string(rec, "request_id") == id);
  auto done = env.wait_finished(id);
  CHECK(json_string(done, "state") == "succeeded");
  CHECK(json_string(done["ticket"], "root_cause") == "bad optic");
  CHECK(env.sim_calls("UpdateTicket") - calls_before == 1);
}

TEST_CASE("retry a failed request under the same id once USMS is up",
          "[gateway][cancel]") {
  gateway_stack env;
  auto ticket = env.create_ticket("incident", "flaky");
  env.set_faults(
    R"({"server_fault_rate": 1, "server_fault_code": "INTERNAL"})");
  auto u = update_and_wait(env, "incident", ticket,
                           R"({"fields": {"category": "network"}})");
  REQUIRE(json_string(u, "state") == "failed");
  auto id = json_string(u, "request_id");

  env.set_faults(R"({"server_fault_rate": 0})");
  auto again = env.call("POST", "/api/v1/requests/" + id + "/retry");
  INFO(again.body);
  REQUIRE(again.status == 200);
  CHECK(json_string(parse_json(again.body), "request_id") == id);
  auto done = env.wait_finished(id);
  CHECK(json_string(done, "state") == "succeeded");
  CHECK(json_string(done["ticket"], "category") == "network");
  CHECK(json_string(done, "reason").empty());

  // Every outcome has its own status-table row: Failed, then Succeeded.
  auto rows = env.status_rows(id);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].status == "Succeeded");
  CHECK(rows[1].status == "Failed");
  CHECK(contains(rows[1].reason, "INTERNAL"));
  // A retry of a request that succeeded is refused.
  CHECK(env.call("POST", "/api/v1/requests/" + id + "/retry").status == 409);
}

TEST_CASE("a succeeded create cannot be retried into a second ticket",
          "[gateway][cancel]") {
  gateway_stack env;
  auto r = env.call(
    "POST", "/api/v1/tickets/incident?wait=10",
    R"({"fields": {"summary": "once only"}, "correlation_id": "once-1"})");
  REQUIRE(r.status == 200);
  auto id = json_string(parse_json(r.body), "request_id");
  auto again = env.call("POST", "/api/v1/requests/" + id + "/retry");
  INFO(again.body);
  CHECK(again.status == 409);
  std::this_thread::sleep_for(500ms);
  CHECK(env.sim_creates("once-1") == 1);
  CHECK(env.sim_calls("CreateTicket") == 1);
}

} // namespace usms::test

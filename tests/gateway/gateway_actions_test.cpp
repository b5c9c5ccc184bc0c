// Each action × ticket type through the real gateway to the real simulator,
// API v1 refusals, intake validation, ?wait semantics and Idempotency-Key.

#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include "tests/support/gateway_stack.hpp"

namespace usms::test {

namespace {

using namespace std::chrono_literals;

/// Sum of every SOAP call the simulator has counted.
int64_t total_sim_calls(gateway_stack& env) {
  auto doc = env.sim_stats();
  int64_t n = 0;
  for (auto& m : doc["calls"].GetObject())
    n += m.value.GetInt64();
  return n;
}

/// The error object of an error answer.
struct api_error_view {
  unsigned status;
  std::string code;
  std::string field;
  std::string message;
};

api_error_view error_of(const http_reply& r) {
  INFO("answer: " << r.status << " " << r.error << "\n" << r.body);
  auto doc = parse_json(r.body);
  REQUIRE(doc.HasMember("error"));
  auto& e = doc["error"];
  return {r.status, json_string(e, "code"), json_string(e, "field"),
          json_string(e, "message")};
}

} // namespace

TEST_CASE("v2 create update and query of every ticket type", "[gateway][v2]") {
  gateway_stack env;
  struct kind {
    std::string type;
    std::string prefix;
  };
  std::vector<kind> kinds{{"incident", "INC"}, {"change", "CHG"},
                          {"problem", "PRB"}};
  for (auto& k : kinds) {
    INFO("type " << k.type);
    // Create: just the ticket id.
    auto created = env.call(
      "POST", "/api/v1/tickets/" + k.type + "?wait=10",
      R"({"fields": {"summary": "Node down )" + k.type
        + R"(", "priority": 3, "configuration_item": "olt-17"},
            "source": "alarm-correlator", "correlation_id": "corr-)"
        + k.type + "\"}");
    INFO(created.body);
    REQUIRE(created.status == 200);
    auto c = parse_json(created.body);
    CHECK(json_string(c, "state") == "succeeded");
    CHECK(json_string(c, "action") == "create");
    CHECK(json_string(c, "type") == k.type);
    CHECK(json_string(c, "source") == "alarm-correlator");
    CHECK(json_string(c, "correlation_id") == "corr-" + k.type);
    CHECK(json_int(c, "attempts") == 1);
    CHECK_FALSE(json_string(c, "finished_at").empty());
    auto id = json_string(c, "ticket_id");
    REQUIRE(id.rfind(k.prefix, 0) == 0);
    CHECK(env.sim_creates("corr-" + k.type) == 1);

    // Update: the full ticket after the change.
    auto group = "grp-" + k.type;
    auto updated = env.call(
      "PATCH", "/api/v1/tickets/" + k.type + "/" + id + "?wait=10",
      R"({"fields": {"assignment_group": ")" + group
        + R"(", "priority": 2}, "work_note": "taken by the NOC"})");
    INFO(updated.body);
    REQUIRE(updated.status == 200);
    auto u = parse_json(updated.body);
    CHECK(json_string(u, "state") == "succeeded");
    CHECK(json_string(u, "action") == "update");
    CHECK(json_string(u, "ticket_id") == id);
    REQUIRE(u.HasMember("ticket"));
    auto& t = u["ticket"];
    CHECK(json_string(t, "ticket_id") == id);
    CHECK(json_string(t, "assignment_group") == group);
    CHECK(json_int(t, "priority") == 2);
    CHECK(json_string(t, "summary") == "Node down " + k.type);
    CHECK(json_string(t, "configuration_item") == "olt-17");
    CHECK(json_string(t, "external_reference") == "corr-" + k.type);
    CHECK_FALSE(json_string(t, "status").empty());
    CHECK_FALSE(json_string(t, "created_at").empty());

    // Query: tickets + total_count.
    auto queried = env.call("GET", "/api/v1/tickets/" + k.type
                                     + "?assignment_group=" + group
                                     + "&limit=10&wait=10");
    INFO(queried.body);
    REQUIRE(queried.status == 200);
    auto q = parse_json(queried.body);
    CHECK(json_string(q, "state") == "succeeded");
    CHECK(json_string(q, "action") == "query");
    CHECK(json_int(q, "total_count") == 1);
    REQUIRE(q.HasMember("tickets"));
    REQUIRE(q["tickets"].IsArray());
    REQUIRE(q["tickets"].Size() == 1);
    CHECK(json_string(q["tickets"][0], "ticket_id") == id);
    CHECK(json_string(q["tickets"][0], "assignment_group") == group);
  }
  // The simulator saw exactly these calls (no lookups, no repeats).
  CHECK(env.sim_calls("CreateTicket") == 3);
  CHECK(env.sim_calls("UpdateTicket") == 3);
  CHECK(env.sim_calls("QueryTickets") == 3);
  CHECK(env.sim_calls("CreateIncident") == 0);
  CHECK(json_int(env.sim_stats(), "tickets") == 3);
}

TEST_CASE("v2: a query that matches nothing succeeds with no tickets",
          "[gateway][v2]") {
  gateway_stack env;
  auto r = env.call("GET",
                    "/api/v1/tickets/problem?status=KnownError&wait=10");
  INFO(r.body);
  REQUIRE(r.status == 200);
  auto q = parse_json(r.body);
  CHECK(json_string(q, "state") == "succeeded");
  CHECK(json_int(q, "total_count") == 0);
  REQUIRE(q["tickets"].IsArray());
  CHECK(q["tickets"].Size() == 0);
}

TEST_CASE("v1 creates incidents and refuses everything else",
          "[gateway][v1]") {
  stack_options opts;
  opts.api_version = 1;
  gateway_stack env{opts};

  auto created = env.call(
    "POST", "/api/v1/tickets/incident?wait=10",
    R"({"fields": {"summary": "Link flapping", "priority": 2,
                   "assignment_group": "noc"}, "correlation_id": "v1-1"})");
  INFO(created.body);
  REQUIRE(created.status == 200);
  auto c = parse_json(created.body);
  CHECK(json_string(c, "state") == "succeeded");
  CHECK(json_string(c, "ticket_id").rfind("INC", 0) == 0);
  CHECK(env.sim_calls("CreateIncident") == 1);
  CHECK(env.sim_calls("CreateTicket") == 0);
  CHECK(env.sim_creates("v1-1") == 1);
  auto ticket = json_string(c, "ticket_id");

  auto before = total_sim_calls(env);
  SECTION("create change") {
    auto e = error_of(env.call("POST", "/api/v1/tickets/change",
                               R"({"fields": {"summary": "x"}})"));
    CHECK(e.status == 422);
    CHECK(e.code == "unsupported_by_usms_api");
  }
  SECTION("create problem") {
    auto e = error_of(env.call("POST", "/api/v1/tickets/problem?wait=5",
                               R"({"fields": {"summary": "x"}})"));
    CHECK(e.status == 422);
    CHECK(e.code == "unsupported_by_usms_api");
  }
  SECTION("update") {
    auto e = error_of(env.call(
      "PATCH", "/api/v1/tickets/incident/" + ticket,
      R"({"fields": {"priority": 1}})"));
    CHECK(e.status == 422);
    CHECK(e.code == "unsupported_by_usms_api");
  }
  SECTION("query") {
    auto e = error_of(env.call("GET", "/api/v1/tickets/incident?status=New"));
    CHECK(e.status == 422);
    CHECK(e.code == "unsupported_by_usms_api");
  }
  SECTION("a field CreateIncident does not carry") {
    auto e = error_of(env.call(
      "POST", "/api/v1/tickets/incident",
      R"({"fields": {"summary": "x", "assignee": "bob"}})"));
    CHECK(e.status == 422);
    CHECK(e.code == "unsupported_by_usms_api");
    CHECK(e.field == "fields.assignee");
  }
  // Nothing was queued: the simulator sees no further call.
  std::this_thread::sleep_for(300ms);
  CHECK(total_sim_calls(env) == before);
}

TEST_CASE("bad requests get a 4xx naming the field and reach nobody",
          "[gateway][validation]") {
  stack_options opts;
  // A small server.max_body, so that the bodies around it stay small.
  opts.gateway_env = {"USMS_GW_SERVER_MAX_BODY=64KiB"};
  gateway_stack env{opts};
  struct bad_case {
    std::string name;
    std::string method;
    std::string path;
    std::string body;
    unsigned status;
    std::string code;
    std::string field;
  };
  std::vector<bad_case> cases{
    {"missing summary", "POST", "/api/v1/tickets/incident",
     R"({"fields": {"priority": 2}})", 400, "validation_failed",
     "fields.summary"},
    {"no fields at all", "POST", "/api/v1/tickets/incident",
     R"({"source": "x"})", 400, "validation_failed", "fields.summary"},
    {"unknown field", "POST", "/api/v1/tickets/incident",
     R"({"fields": {"summary": "x", "colour": "red"}})", 400,
     "validation_failed", "fields.colour"},
    {"unknown request key", "POST", "/api/v1/tickets/incident",
     R"({"fields": {"summary": "x"}, "urgent": true})", 400,
     "validation_failed", "urgent"},
    {"field of another type", "POST", "/api/v1/tickets/incident",
     R"({"fields": {"summary": "x", "planned_start": "2026-01-01T00:00:00Z"}})",
     400, "validation_failed", "fields.planned_start"},
    {"priority 9", "POST", "/api/v1/tickets/incident",
     R"({"fields": {"summary": "x", "priority": 9}})", 400,
     "validation_failed", "fields.priority"},
    {"priority of the wrong JSON type", "POST", "/api/v1/tickets/change",
     R"({"fields": {"summary": "x", "priority": [1]}})", 400,
     "validation_failed", "fields.priority"},
    {"read-only field", "POST", "/api/v1/tickets/problem",
     R"({"fields": {"summary": "x", "ticket_id": "PRB1"}})", 400,
     "validation_failed", "fields.ticket_id"},
    {"malformed JSON", "POST", "/api/v1/tickets/incident",
     R"({"fields": {"summary": "x",)", 400, "malformed_json", ""},
    {"JSON that is not an object", "POST", "/api/v1/tickets/incident",
     R"(["summary"])", 400, "malformed_json", ""},
    {"unknown ticket type", "POST", "/api/v1/tickets/outage",
     R"({"fields": {"summary": "x"}})", 404, "unknown_ticket_type", ""},
    {"unknown ticket type (query)", "GET", "/api/v1/tickets/outage", "", 404,
     "unknown_ticket_type", ""},
    {"correlation_id differs from external_reference", "POST",
     "/api/v1/tickets/incident",
     R"({"fields": {"summary": "x", "external_reference": "a"},
         "correlation_id": "b"})",
     400, "validation_failed", "fields.external_reference"},
    {"update with nothing to change", "PATCH",
     "/api/v1/tickets/incident/INC1", R"({})", 400, "validation_failed",
     "fields"},
    {"status not of this type", "PATCH", "/api/v1/tickets/change/CHG1",
     R"({"fields": {"status": "Investigating"}})", 400, "validation_failed",
     "fields.status"},
    {"unknown query filter", "GET", "/api/v1/tickets/incident?colour=red",
     "", 400, "validation_failed", "colour"},
    {"bad wait", "GET", "/api/v1/tickets/incident?wait=soon", "", 400,
     "validation_failed", "wait"},
    {"reply_to not a URL", "POST", "/api/v1/tickets/incident",
     R"({"fields": {"summary": "x"}, "reply_to": "ftp://x"})", 400,
     "validation_failed", "reply_to"},
  };
  for (auto& c : cases) {
    INFO("case: " << c.name);
    auto r = c.method == "GET" ? env.call("GET", c.path)
                               : env.call(c.method, c.path, c.body);
    auto e = error_of(r);
    CHECK(e.status == c.status);
    CHECK(e.code == c.code);
    if (!c.field.empty())
      CHECK(e.field == c.field);
    CHECK_FALSE(e.message.empty());
  }

  // A body over server.max_body gets 413.
  {
    std::string big(70 * 1024, 'a');
    auto r = env.call("POST", "/api/v1/tickets/incident",
                      R"({"fields": {"summary": ")" + big + "\"}}");
    INFO(r.error << " " << r.body.substr(0, 300));
    CHECK(r.status == 413);
    CHECK(error_of(r).code == "payload_too_large");
  }
  // Nothing reached the simulator.
  std::this_thread::sleep_for(200ms);
  CHECK(total_sim_calls(env) == 0);
  CHECK(json_int(env.sim_stats(), "tickets") == 0);

  // A body just under server.max_body is accepted: the bound is the body's
  // size, not something smaller.
  std::string text(60 * 1024, 'b');
  auto r = env.call("POST", "/api/v1/tickets/incident?wait=10",
                    R"({"fields": {"summary": "long",
                         "description": ")" + text + "\"}}");
  INFO(r.error << " " << r.body.substr(0, 300));
  CHECK(r.status == 200);
  CHECK(env.sim_calls("CreateTicket") == 1);
}

TEST_CASE("?wait answers 202 as it stands when short and 200 when long",
          "[gateway][wait]") {
  gateway_stack env;
  env.set_faults(R"({"latency_ms": 700})");
  auto start = std::chrono::steady_clock::now();
  auto r = env.call("POST", "/api/v1/tickets/incident?wait=0.2",
                    R"({"fields": {"summary": "slow"}})");
  auto waited = std::chrono::steady_clock::now() - start;
  INFO(r.body);
  REQUIRE(r.status == 202);
  auto doc = parse_json(r.body);
  auto id = json_string(doc, "request_id");
  REQUIRE_FALSE(id.empty());
  CHECK_FALSE(is_finished_state(json_string(doc, "state")));
  CHECK(json_string(doc, "ticket_id").empty());
  // It did wait (about 0.2 s), but not for the call.
  CHECK(waited >= 150ms);
  CHECK(waited < 700ms);

  // A wait longer than the call: the finished request.
  auto g = env.call("GET", "/api/v1/requests/" + id + "?wait=5");
  INFO(g.body);
  REQUIRE(g.status == 200);
  auto fin = parse_json(g.body);
  CHECK(json_string(fin, "state") == "succeeded");
  CHECK(json_string(fin, "ticket_id").rfind("INC", 0) == 0);

  // Without wait, GET answers 200 with the request as it stands.
  auto plain = env.call("GET", "/api/v1/requests/" + id);
  CHECK(plain.status == 200);

  // A submit with a long enough wait answers 200 at once.
  auto q = env.call("GET", "/api/v1/tickets/incident?wait=5");
  INFO(q.body);
  REQUIRE(q.status == 200);
  CHECK(json_string(parse_json(q.body), "state") == "succeeded");

  // An unknown request is 404, waiting or not.
  CHECK(env.call("GET", "/api/v1/requests/r-nope").status == 404);
  CHECK(env.call("GET", "/api/v1/requests/r-nope?wait=1").status == 404);
}

TEST_CASE("Idempotency-Key twice makes one request and one ticket",
          "[gateway][idempotency]") {
  gateway_stack env;
  env.set_faults(R"({"latency_ms": 200})");
  std::string body
    = R"({"fields": {"summary": "once"}, "correlation_id": "idem-1"})";
  usms::http::header_list key{{"Idempotency-Key", "key-42"}};
  auto first = env.call("POST", "/api/v1/tickets/incident", body, key);
  INFO(first.body);
  REQUIRE(first.status == 202);
  auto id = json_string(parse_json(first.body), "request_id");
  REQUIRE_FALSE(id.empty());
  bool has_location = false;
  for (auto& h : first.headers)
    if (h.name == "Location")
      has_location = h.value == "/api/v1/requests/" + id;
  CHECK(has_location);
  auto second = env.call("POST", "/api/v1/tickets/incident", body, key);
  INFO(second.body);
  REQUIRE((second.status == 200 || second.status == 202));
  CHECK(json_string(parse_json(second.body), "request_id") == id);

  auto done = env.wait_finished(id);
  CHECK(json_string(done, "state") == "succeeded");
  // Once more after it finished: still the same request, now finished.
  auto third = env.call("POST", "/api/v1/tickets/incident", body, key);
  INFO(third.body);
  REQUIRE(third.status == 200);
  auto t = parse_json(third.body);
  CHECK(json_string(t, "request_id") == id);
  CHECK(json_string(t, "ticket_id") == json_string(done, "ticket_id"));

  CHECK(env.sim_calls("CreateTicket") == 1);
  CHECK(env.sim_creates("idem-1") == 1);

  // Another key is another request.
  auto other = env.call("POST", "/api/v1/tickets/incident?wait=10",
                        R"({"fields": {"summary": "other"}})",
                        {{"Idempotency-Key", "key-43"}});
  REQUIRE(other.status == 200);
  CHECK(json_string(parse_json(other.body), "request_id") != id);
  CHECK(env.sim_calls("CreateTicket") == 2);
}

} // namespace usms::test

// What happens to a held backlog: the order it drains in once dispatch
// resumes, requests that wait past soap.give_up_after, and operators
// putting failed requests back (one, or in bulk by filter).

#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include "common/iso_time.hpp"
#include "tests/support/gateway_stack.hpp"

namespace usms::test {

namespace {

using namespace std::chrono_literals;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

/// "INC0000012" → 12.
int ticket_number(const std::string& id) {
  REQUIRE(id.size() > 3);
  return std::stoi(id.substr(3));
}

int64_t time_of(const rapidjson::Value& doc, const char* key) {
  return parse_iso8601_ms(json_string(doc, key)).value_or(-1);
}

std::string update(gateway_stack& env, const std::string& ticket,
                   int priority) {
  auto r = env.call("PATCH", "/api/v1/tickets/incident/" + ticket,
                    R"({"fields": {"priority": )" + std::to_string(priority)
                        + "}}");
  INFO(r.status << " " << r.body);
  REQUIRE(r.status == 202);
  return json_string(parse_json(r.body), "request_id");
}

std::string query(gateway_stack& env, const std::string& params) {
  auto r = env.call("GET", "/api/v1/tickets/incident?" + params);
  INFO(r.status << " " << r.body);
  REQUIRE(r.status == 202);
  return json_string(parse_json(r.body), "request_id");
}

/// The priority of `ticket` in a finished query's answer (-1: not there).
int64_t priority_in(const rapidjson::Value& answer, const std::string& ticket) {
  for (auto& t : answer["tickets"].GetArray())
    if (json_string(t, "ticket_id") == ticket)
      return json_int(t, "priority");
  return -1;
}

} // namespace

TEST_CASE("a held backlog drains writes first, oldest first, one ticket's "
          "updates in order",
          "[gateway][drain]") {
  stack_options opts;
  // One call at a time: the order USMS sees is the order of dispatch.
  opts.gateway_env
      = {"USMS_GW_USMS_MAX_IN_FLIGHT=1", "USMS_GW_USMS_RECOVERY_RAMP=0s"};
  gateway_stack env{opts};
  std::vector<std::string> tickets;
  for (int i = 0; i < 3; ++i)
    tickets.push_back(
        env.create_ticket("incident", "drained " + std::to_string(i)));

  REQUIRE(json_string(env.json("POST", "/api/v1/usms/pause"), "state")
          == "paused");
  auto calls_before = env.sim_stats();
  // Queued first: a query, which must still see every ticket created
  // after it.
  auto first_query = query(env, "limit=100");
  struct upd {
    std::string id;
    std::string ticket;
    int priority;
  };
  std::vector<upd> updates;
  std::vector<std::string> creates; // in submission order
  for (int priority = 2; priority <= 4; ++priority) {
    for (auto& t : tickets)
      updates.push_back({update(env, t, priority), t, priority});
    for (int k = 0; k < 7; ++k)
      creates.push_back(json_string(
          env.submit_create("incident",
                            "drain " + std::to_string(creates.size())),
          "request_id"));
  }
  auto last_query = query(env, "limit=100");
  // Queued after every update: a query for one ticket, which waits behind
  // that ticket's writes.
  std::vector<std::string> ticket_queries;
  for (auto& t : tickets)
    ticket_queries.push_back(query(env, "ticket_id=" + t));
  auto backlog = static_cast<int64_t>(2 + ticket_queries.size()
                                      + updates.size() + creates.size());

  // Paused: nothing goes to USMS; everything is held.
  std::this_thread::sleep_for(300ms);
  CHECK(json_int(env.usms(), "held") == backlog);
  CHECK(
      env.json("GET", "/api/v1/requests/" + creates.front())["held"].GetBool());
  auto calls_paused = env.sim_stats();
  CHECK(json_int(calls_paused["calls"], "CreateTicket")
        == json_int(calls_before["calls"], "CreateTicket"));
  CHECK(json_int(calls_paused["calls"], "UpdateTicket", 0) == 0);

  // No ramp configured: straight back up.
  REQUIRE(json_string(env.json("POST", "/api/v1/usms/resume"), "state")
          == "up");
  REQUIRE(env.wait_drained(30s));
  CHECK(env.status_total("status=Failed") == 0);

  // Oldest first: USMS numbers tickets as it creates them, so the numbers
  // follow the order the creates were accepted in.
  int expected = ticket_number(tickets.back()) + 1;
  for (auto& id : creates) {
    auto rec = env.json("GET", "/api/v1/requests/" + id);
    INFO(id);
    CHECK(json_string(rec, "state") == "succeeded");
    CHECK(ticket_number(json_string(rec, "ticket_id")) == expected++);
  }
  // One ticket's updates ran one after the other in the order given: each
  // answer's UpdatedAt is later than the one before, the last value stays.
  for (auto& t : tickets) {
    int64_t previous = 0;
    for (auto& u : updates) {
      if (u.ticket != t)
        continue;
      auto rec = env.json("GET", "/api/v1/requests/" + u.id);
      INFO(t << " priority " << u.priority);
      REQUIRE(json_string(rec, "state") == "succeeded");
      CHECK(json_int(rec["ticket"], "priority") == u.priority);
      auto at = time_of(rec["ticket"], "updated_at");
      CHECK(at > previous);
      previous = at;
    }
  }
  // Writes before queries: both queries, the one queued before every
  // write and the one queued after them, saw every ticket created and
  // every ticket's first update. (A query waits for the writes that are
  // ready when its turn comes; a ticket's later updates, queued behind its
  // earlier ones, may still come after it.)
  auto first = env.json("GET", "/api/v1/requests/" + first_query);
  auto last = env.json("GET", "/api/v1/requests/" + last_query);
  REQUIRE(json_string(first, "state") == "succeeded");
  REQUIRE(json_string(last, "state") == "succeeded");
  auto all = static_cast<int64_t>(tickets.size() + creates.size());
  CHECK(json_int(first, "total_count") == all);
  CHECK(json_int(last, "total_count") == all);
  // A query for one ticket saw all of that ticket's updates before it.
  for (std::size_t i = 0; i < tickets.size(); ++i) {
    auto answer = env.json("GET", "/api/v1/requests/" + ticket_queries[i]);
    INFO(tickets[i]);
    REQUIRE(json_string(answer, "state") == "succeeded");
    CHECK(priority_in(answer, tickets[i]) == 4);
  }
  // The last update of each ticket is the one that stays.
  auto now = env.json("GET", "/api/v1/tickets/incident?limit=100&wait=10");
  for (auto& t : tickets) {
    INFO(t);
    CHECK(priority_in(first, t) >= 2);
    CHECK(priority_in(last, t) >= 2);
    CHECK(priority_in(now, t) == 4);
  }
}

TEST_CASE("soap.give_up_after: a request held past it fails saying since "
          "when USMS is unreachable, and an operator's retry restarts its "
          "clock",
          "[gateway][drain][give_up]") {
  stack_options opts;
  opts.gateway_env
      = {"USMS_GW_USMS_PROBE_INTERVAL=300ms", "USMS_GW_USMS_RECOVERY_RAMP=0s"};
  gateway_stack env{opts};
  auto r = env.call("PUT", "/api/v1/config",
                    R"({"soap": {"give_up_after": "4s"}})");
  INFO(r.body);
  REQUIRE(r.status == 200);
  env.set_faults(R"({"down": true})");
  auto a = json_string(env.submit_create("incident", "given up", "gu-1"),
                       "request_id");
  auto b_doc = env.json("POST", "/api/v1/tickets/incident",
                        R"({"fields": {"summary": "given up too"},
                            "correlation_id": "gu-2", "source": "gu-b"})",
                        202);
  auto b = json_string(b_doc, "request_id");

  auto failed = env.wait_finished(a, 15s);
  auto outage = env.usms();
  INFO(failed["reason"].GetString());
  REQUIRE(json_string(failed, "state") == "failed");
  auto reason = json_string(failed, "reason");
  CHECK(contains(reason, "soap.give_up_after"));
  CHECK(contains(reason, "after it was accepted"));
  // Since when: the start of the outage GET /api/v1/usms shows, to the
  // second.
  auto since = time_of(outage, "since");
  CHECK(
      contains(reason, "USMS unreachable since " + format_iso8601_utc(since)));
  auto waited = time_of(failed, "finished_at") - time_of(failed, "accepted_at");
  CHECK(waited >= 4000);
  CHECK(waited < 7000);
  CHECK(json_int(failed, "attempts") == 0);
  REQUIRE(json_string(env.wait_finished(b, 10s), "state") == "failed");
  CHECK(env.sim_creates("gu-1") == 0);

  // An operator retries both, one by id, one by filter: each is unfinished
  // again and does not fail at once, although its acceptance is long past
  // soap.give_up_after.
  auto again = env.json("POST", "/api/v1/requests/" + a + "/retry");
  CHECK(json_string(again, "state") == "queued");
  CHECK(again["held"].GetBool());
  CHECK(json_int(env.json("POST", "/api/v1/requests/retry?source=gu-b"),
                 "retried")
        == 1);
  std::this_thread::sleep_for(1500ms);
  for (auto& id : {a, b}) {
    auto rec = env.json("GET", "/api/v1/requests/" + id);
    INFO(id << " " << json_string(rec, "reason"));
    CHECK(json_string(rec, "state") == "queued");
    CHECK(rec["held"].GetBool());
  }

  // USMS back within the new time: both are delivered, once each.
  env.set_faults(R"({"down": false})");
  for (auto& id : {a, b}) {
    auto done = env.wait_finished(id, 10s);
    INFO(id << " " << json_string(done, "reason"));
    CHECK(json_string(done, "state") == "succeeded");
  }
  CHECK(env.sim_creates("gu-1") == 1);
  CHECK(env.sim_creates("gu-2") == 1);
  auto rows = env.status_rows(a);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].status == "Succeeded");
  CHECK(rows[1].status == "Failed");
}

TEST_CASE("bulk retry: only failed requests, by the status table's filters, "
          "admin only",
          "[gateway][drain][bulk_retry]") {
  const std::string admin = "bulk-admin-TOKEN";
  const std::string submitter = "bulk-submit-TOKEN";
  const std::string reader = "bulk-read-TOKEN";
  stack_options opts;
  opts.gateway_env = {"USMS_GW_AUTH_TOKENS=" + reader + ":read," + submitter
                      + ":submit," + admin + ":admin"};
  opts.token = admin;
  gateway_stack env{opts};
  auto finished = [&](const std::string& method, const std::string& path,
                      const std::string& body) {
    auto r = env.call(method, path, body, {}, 30s);
    INFO(method << " " << path << " -> " << r.status << " " << r.body);
    REQUIRE(r.status == 200);
    return parse_json(r.body);
  };
  // Updates of tickets USMS does not know fail at once (NOT_FOUND).
  auto failed_update = [&](const std::string& type, const std::string& ticket,
                           const std::string& extra) {
    auto doc = finished("PATCH",
                        "/api/v1/tickets/" + type + "/" + ticket + "?wait=10",
                        R"({"fields": {"priority": 2})" + extra + "}");
    REQUIRE(json_string(doc, "state") == "failed");
    return json_string(doc, "request_id");
  };
  auto inc_alpha
      = failed_update("incident", "INC9999901", R"(, "source": "alpha")");
  auto chg_alpha
      = failed_update("change", "CHG9999902", R"(, "source": "alpha")");
  auto inc_beta
      = failed_update("incident", "INC9999903",
                      R"(, "source": "beta", "correlation_id": "needle-42")");
  // A query that fails: every attempt answered with an ambiguous fault.
  env.set_faults(
      R"({"server_fault_rate": 1, "server_fault_code": "INTERNAL"})");
  auto query
      = finished("GET", "/api/v1/tickets/incident?source=gamma&wait=10", {});
  REQUIRE(json_string(query, "state") == "failed");
  auto failed_query = json_string(query, "request_id");
  env.set_faults(R"({"server_fault_rate": 0})");
  // Succeeded: never retried, whatever the filter.
  auto ok = finished("POST", "/api/v1/tickets/incident?wait=10",
                     R"({"fields": {"summary": "fine"}, "source": "alpha"})");
  REQUIRE(json_string(ok, "state") == "succeeded");

  auto bulk = [&](const std::string& filters) {
    return env.call("POST", "/api/v1/requests/retry" + filters);
  };
  auto retried = [&](const std::string& filters) {
    auto r = bulk(filters);
    INFO(filters << " -> " << r.status << " " << r.body);
    REQUIRE(r.status == 200);
    auto doc = parse_json(r.body);
    REQUIRE(doc.IsObject());
    REQUIRE(doc.MemberCount() == 1);
    return json_int(doc, "retried");
  };
  // Only failed requests can be retried; filters are checked like the
  // status table's.
  for (auto bad : {"?status=Succeeded", "?status=Cancelled", "?action=delete",
                   "?type=task", "?since=yesterday"}) {
    auto r = bulk(bad);
    INFO(bad << " -> " << r.body);
    CHECK(r.status == 400);
  }
  CHECK(
      json_string(parse_json(bulk("?status=Succeeded").body)["error"], "field")
      == "status");
  // Scope admin.
  auto as = [&](const std::string& token) {
    usms::http::header_list h;
    if (!token.empty())
      h.push_back({"Authorization", "Bearer " + token});
    return http_call("POST", env.gw_url() + "/api/v1/requests/retry", {}, h)
        .status;
  };
  CHECK(as("") == 401);
  CHECK(as(reader) == 403);
  CHECK(as(submitter) == 403);

  auto rows_of
      = [&](const std::string& id) { return env.status_rows(id).size(); };
  CHECK(retried("?source=nobody") == 0);
  CHECK(retried("?action=query") == 1);
  CHECK(json_string(env.wait_finished(failed_query), "state") == "succeeded");
  CHECK(retried("?type=change&status=Failed") == 1);
  CHECK(json_string(env.wait_finished(chg_alpha), "state") == "failed");
  CHECK(rows_of(chg_alpha) == 2);
  CHECK(retried("?source=alpha&type=incident") == 1);
  CHECK(json_string(env.wait_finished(inc_alpha), "state") == "failed");
  CHECK(retried("?q=needle") == 1);
  CHECK(json_string(env.wait_finished(inc_beta), "state") == "failed");
  CHECK(rows_of(inc_beta) == 2);
  // The free text finds a failed update by its ticket, as the status table
  // does (the request itself has no ticket column).
  CHECK(retried("?q=inc9999901") == 1);
  CHECK(json_string(env.wait_finished(inc_alpha), "state") == "failed");
  CHECK(rows_of(inc_alpha) == 3);
  // No filter: every request failed now (the query succeeded meanwhile).
  CHECK(retried("") == 3);
  for (auto& id : {inc_alpha, chg_alpha, inc_beta})
    CHECK(json_string(env.wait_finished(id), "state") == "failed");
  CHECK(rows_of(inc_alpha) == 4);
  CHECK(rows_of(json_string(ok, "request_id")) == 1);
  CHECK(rows_of(failed_query) == 2);
}

} // namespace usms::test

// Reply webhooks over real HTTP to a receiver in the test: each result
// exactly once, also through failed attempts; fallback by source; a dead
// or hung webhook never holds tickets back.

#include <catch2/catch.hpp>

#include <algorithm>
#include <thread>

#include "tests/service/prom_text.hpp"
#include "tests/service/webhook_receiver.hpp"
#include "tests/support/gateway_stack.hpp"

namespace {

using namespace std::chrono_literals;
using usms::test::gateway_stack;
using usms::test::json_int;
using usms::test::json_quote;
using usms::test::json_string;
using usms::test::parse_json;
using usms::test::stack_options;
using usms::test::webhook_receiver;

/// A port nobody listens on (privileged, so no test can bind it).
const std::string dead_hook = "http://127.0.0.1:1/hook";

/// reply_retries 2: attempts at 0 s, 1 s and 3 s, then it gives up.
stack_options reply_options() {
  stack_options opts;
  opts.gateway_env = {"USMS_GW_REPLY_RETRIES=2"};
  return opts;
}

std::string create_body(const std::string& source, const std::string& corr,
                        const std::string& reply_to) {
  std::string body = R"({"fields": {"summary": "reply test"})";
  if (!source.empty())
    body += ", \"source\": " + json_quote(source);
  if (!corr.empty())
    body += ", \"correlation_id\": " + json_quote(corr);
  if (!reply_to.empty())
    body += ", \"reply_to\": " + json_quote(reply_to);
  return body + "}";
}

/// Polls the request until its reply state is `want`; returns the record.
rapidjson::Document wait_reply_state(gateway_stack& stack,
                                     const std::string& id,
                                     const std::string& want,
                                     std::chrono::milliseconds timeout = 10s) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string last;
  for (;;) {
    auto r = stack.call("GET", "/api/v1/requests/" + id);
    last = r.body;
    if (r.status == 200) {
      auto doc = parse_json(r.body);
      if (doc.HasMember("reply") && json_string(doc["reply"], "state") == want)
        return doc;
    }
    if (std::chrono::steady_clock::now() > deadline)
      break;
    std::this_thread::sleep_for(50ms);
  }
  FAIL("request " << id << " never reached reply state " << want
                  << "; last: " << last);
  return {};
}

/// The deliveries `hook` got for request `id` (by the body's request_id).
std::vector<webhook_receiver::delivery>
deliveries_of(const webhook_receiver& hook, const std::string& id) {
  std::vector<webhook_receiver::delivery> out;
  for (auto& d : hook.deliveries())
    if (json_string(parse_json(d.body), "request_id") == id)
      out.push_back(d);
  return out;
}

} // namespace

TEST_CASE("reply_to gets each finished request exactly once, with its "
          "outcome",
          "[reply][http]") {
  gateway_stack stack{reply_options()};
  webhook_receiver hook;

  // A create.
  auto id = stack.submit("incident", create_body("nms-7", "corr-reply-1",
                                                 hook.url("/created")));
  auto rec = stack.wait_finished(id);
  REQUIRE(json_string(rec, "state") == "succeeded");
  REQUIRE(hook.wait_for(1, 5s));
  rec = wait_reply_state(stack, id, "delivered");
  CHECK(json_int(rec["reply"], "attempts") == 1);

  // An update and a failed update (no such ticket: a Client fault).
  auto ticket = json_string(rec, "ticket_id");
  auto patch = [&](const std::string& target, const std::string& path) {
    auto doc = stack.json("PATCH", "/api/v1/tickets/incident/" + target,
                          R"({"fields": {"priority": 2}, "reply_to": )"
                              + json_quote(hook.url(path)) + "}",
                          202);
    return json_string(doc, "request_id");
  };
  auto upd = patch(ticket, "/updated");
  auto bad = patch("INC9999999", "/failed");
  // A query.
  auto r = stack.call("GET", "/api/v1/tickets/incident?status=New&limit=5"
                             "&reply_to="
                               + hook.url("/queried"));
  INFO("query: " << r.status << " " << r.body);
  REQUIRE(r.status == 202);
  auto query_id = json_string(parse_json(r.body), "request_id");
  REQUIRE(json_string(stack.wait_finished(upd), "state") == "succeeded");
  auto bad_rec = stack.wait_finished(bad);
  REQUIRE(json_string(bad_rec, "state") == "failed");
  REQUIRE(json_string(stack.wait_finished(query_id), "state") == "succeeded");
  REQUIRE(hook.wait_for(4, 5s));
  wait_reply_state(stack, upd, "delivered");
  wait_reply_state(stack, bad, "delivered");
  wait_reply_state(stack, query_id, "delivered");
  // Nothing arrives twice: wait past a retry interval.
  std::this_thread::sleep_for(1200ms);
  auto all = hook.deliveries();
  CHECK(all.size() == 4);

  {
    auto got = deliveries_of(hook, id);
    REQUIRE(got.size() == 1);
    CHECK(got[0].method == "POST");
    CHECK(got[0].target == "/created");
    CHECK(got[0].request_id_header == id);
    auto body = parse_json(got[0].body);
    CHECK(json_string(body, "request_id") == id);
    CHECK(json_string(body, "state") == "succeeded");
    CHECK(json_string(body, "ticket_id") == ticket);
    CHECK(json_int(body, "attempts") == 1);
    CHECK(json_string(body, "finished_at") == json_string(rec, "finished_at"));
    CHECK(json_string(body, "correlation_id") == "corr-reply-1");
    CHECK(json_string(body, "source") == "nms-7");
    CHECK(json_string(body, "action") == "create");
    CHECK(json_string(body, "type") == "incident");
  }
  {
    auto got = deliveries_of(hook, upd);
    REQUIRE(got.size() == 1);
    CHECK(got[0].target == "/updated");
    auto body = parse_json(got[0].body);
    CHECK(json_string(body, "action") == "update");
    CHECK(json_string(body, "state") == "succeeded");
    CHECK(json_string(body, "ticket_id") == ticket);
    REQUIRE(body.HasMember("ticket"));
    CHECK(json_int(body["ticket"], "priority") == 2);
  }
  {
    auto got = deliveries_of(hook, bad);
    REQUIRE(got.size() == 1);
    auto body = parse_json(got[0].body);
    CHECK(json_string(body, "state") == "failed");
    CHECK(json_string(body, "reason") == json_string(bad_rec, "reason"));
    CHECK_FALSE(json_string(body, "reason").empty());
    CHECK(json_int(body, "attempts") == 1);
  }
  {
    auto got = deliveries_of(hook, query_id);
    REQUIRE(got.size() == 1);
    auto body = parse_json(got[0].body);
    CHECK(json_string(body, "action") == "query");
    REQUIRE(body.HasMember("tickets"));
    CHECK(body["tickets"].IsArray());
    CHECK(json_int(body, "total_count") >= 1);
  }

  // A burst from several threads: each result arrives exactly once.
  webhook_receiver burst_hook;
  std::vector<std::string> burst(24);
  {
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
      threads.emplace_back([&, t] {
        for (int i = t; i < 24; i += 4) {
          auto r = usms::test::http_call(
            "POST", stack.gw_url() + "/api/v1/tickets/incident",
            create_body("burst", "burst-" + std::to_string(i),
                        burst_hook.url("/burst")),
            {{"Content-Type", "application/json"}});
          // No Catch2 macro on this thread: they are not thread-safe.
          if (r.status == 202)
            burst[i] = usms::test::request_id_of(r.body);
        }
      });
    for (auto& t : threads)
      t.join();
  }
  for (auto& id : burst)
    REQUIRE_FALSE(id.empty());
  REQUIRE(burst_hook.wait_for(24, 15s));
  std::this_thread::sleep_for(500ms);
  CHECK(burst_hook.deliveries().size() == 24);
  for (auto& id : burst) {
    INFO(id);
    CHECK(deliveries_of(burst_hook, id).size() == 1);
  }
}

TEST_CASE("a webhook failing its first attempts still gets the result "
          "exactly once",
          "[reply][http]") {
  gateway_stack stack{reply_options()};
  webhook_receiver hook;
  hook.fail_next(2, 500);
  auto t0 = std::chrono::steady_clock::now();
  auto id = stack.submit("incident",
                         create_body("nms", "corr-retry", hook.url()));
  CHECK(json_string(stack.wait_finished(id), "state") == "succeeded");
  auto rec = wait_reply_state(stack, id, "delivered", 15s);
  auto took = std::chrono::steady_clock::now() - t0;
  CHECK(json_int(rec["reply"], "attempts") == 3);
  // Backoff 1 s, then 2 s.
  CHECK(took >= 2900ms);
  std::this_thread::sleep_for(500ms);
  auto got = hook.deliveries();
  REQUIRE(got.size() == 3);
  CHECK(got[0].answered == 500);
  CHECK(got[1].answered == 500);
  CHECK(got[2].answered == 200);
  CHECK(std::count_if(got.begin(), got.end(), [](auto& d) {
          return d.answered >= 200 && d.answered < 300;
        })
        == 1);
  // The same body every time.
  CHECK(got[0].body == got[2].body);
  CHECK(json_string(parse_json(got[2].body), "request_id") == id);

  // The metrics count the failed attempts and the one delivery.
  auto metrics = usms::test::parse_prometheus(stack.call("GET", "/metrics").body);
  CHECK(metrics.errors.empty());
  CHECK(metrics.sum("usms_gateway_reply_deliveries_total",
                    {{"outcome", "attempt_failed"}})
        == 2);
  CHECK(metrics.sum("usms_gateway_reply_deliveries_total",
                    {{"outcome", "delivered"}})
        == 1);
  CHECK(metrics.sum("usms_gateway_reply_deliveries_total",
                    {{"outcome", "gave_up"}})
        == 0);
}

TEST_CASE("reply routes: by source, the default route, reply_to first",
          "[reply][http]") {
  gateway_stack stack{reply_options()};
  webhook_receiver hook;

  // No route and no reply_to: nothing to deliver, no reply state.
  auto quiet = stack.submit("incident", create_body("alarm-correlator", {}, {}));
  auto rec = stack.wait_finished(quiet);
  CHECK_FALSE(rec.HasMember("reply"));

  stack.json("PUT", "/api/v1/reply-routes/alarm-correlator",
             R"({"url": )" + json_quote(hook.url("/alarm")) + "}");
  // The gateway notices new routes within ~200 ms.
  std::this_thread::sleep_for(500ms);
  auto routed = stack.submit("incident",
                             create_body("alarm-correlator", "a-1", {}));
  CHECK(json_string(stack.wait_finished(routed), "state") == "succeeded");
  REQUIRE(hook.wait_for(1, 5s));
  wait_reply_state(stack, routed, "delivered");
  auto got = deliveries_of(hook, routed);
  REQUIRE(got.size() == 1);
  CHECK(got[0].target == "/alarm");

  // Another source has no route yet: no delivery.
  auto other = stack.submit("incident", create_body("other-system", {}, {}));
  stack.wait_finished(other);
  // Once the dispatcher found no route, the record has no reply state.
  CHECK(usms::test::wait_until(
    [&] {
      auto r = stack.call("GET", "/api/v1/requests/" + other);
      return r.status == 200 && !parse_json(r.body).HasMember("reply");
    },
    5s));

  // The default route catches other sources (and requests without one);
  // a source's own route still wins; reply_to wins over both.
  stack.json("PUT", "/api/v1/reply-routes/*",
             R"({"url": )" + json_quote(hook.url("/default")) + "}");
  std::this_thread::sleep_for(500ms);
  auto by_default = stack.submit("change", create_body("other-system", {}, {}));
  auto no_source = stack.submit("problem", create_body({}, {}, {}));
  auto own = stack.submit("incident", create_body("alarm-correlator", {}, {}));
  auto explicit_ = stack.submit(
    "incident", create_body("alarm-correlator", {}, hook.url("/explicit")));
  for (auto& id : {by_default, no_source, own, explicit_}) {
    CHECK(json_string(stack.wait_finished(id), "state") == "succeeded");
    wait_reply_state(stack, id, "delivered");
  }
  std::this_thread::sleep_for(300ms);
  auto target_of = [&](const std::string& id) {
    auto d = deliveries_of(hook, id);
    return d.size() == 1 ? d[0].target : "(" + std::to_string(d.size())
                                           + " deliveries)";
  };
  CHECK(target_of(by_default) == "/default");
  CHECK(target_of(no_source) == "/default");
  CHECK(target_of(own) == "/alarm");
  CHECK(target_of(explicit_) == "/explicit");
  CHECK(deliveries_of(hook, other).empty());
  CHECK(deliveries_of(hook, quiet).empty());
  CHECK(hook.deliveries().size() == 5);

  // A deleted route no longer receives.
  REQUIRE(stack.call("DELETE", "/api/v1/reply-routes/alarm-correlator").status
          == 204);
  std::this_thread::sleep_for(300ms);
  auto after = stack.submit("incident",
                            create_body("alarm-correlator", {}, {}));
  stack.wait_finished(after);
  wait_reply_state(stack, after, "delivered");
  CHECK(target_of(after) == "/default");
}

TEST_CASE("a dead or hung webhook never holds tickets back",
          "[reply][http]") {
  gateway_stack stack{reply_options()};
  webhook_receiver live;
  webhook_receiver hung;
  hung.hold(true);

  auto t0 = std::chrono::steady_clock::now();
  auto dead_id = stack.submit("incident",
                              create_body("nms", "dead-1", dead_hook));
  auto hung_id = stack.submit("incident",
                              create_body("nms", "hung-1", hung.url()));
  // Tickets keep flowing meanwhile, and other webhooks get theirs.
  std::vector<std::string> more;
  for (int i = 0; i < 5; ++i)
    more.push_back(stack.submit(
      "incident", create_body("nms", "more-" + std::to_string(i),
                              i % 2 ? dead_hook : live.url())));
  for (auto& id : more)
    CHECK(json_string(stack.wait_finished(id, 5s), "state") == "succeeded");
  auto dead = stack.wait_finished(dead_id, 5s);
  CHECK(json_string(dead, "state") == "succeeded");
  CHECK_FALSE(json_string(dead, "ticket_id").empty());
  auto hung_rec = stack.wait_finished(hung_id, 5s);
  CHECK(json_string(hung_rec, "state") == "succeeded");
  // A hung webhook holds its call 10 s: far longer than this.
  CHECK(std::chrono::steady_clock::now() - t0 < 8s);
  REQUIRE(live.wait_for(3, 5s));
  REQUIRE(hung.wait_for(1, 5s));

  // The result stays available; the reply is pending (or already failed).
  auto rec = parse_json(stack.call("GET", "/api/v1/requests/" + dead_id).body);
  REQUIRE(rec.HasMember("reply"));
  auto state = json_string(rec["reply"], "state");
  CHECK((state == "pending" || state == "failed"));
  rec = parse_json(stack.call("GET", "/api/v1/requests/" + hung_id).body);
  REQUIRE(rec.HasMember("reply"));
  CHECK(json_string(rec["reply"], "state") == "pending");

  // reply.retries = 2: three attempts, then it gives up with the reason.
  rec = wait_reply_state(stack, dead_id, "failed", 10s);
  CHECK(json_int(rec["reply"], "attempts") == 3);
  CHECK_FALSE(json_string(rec["reply"], "error").empty());
  CHECK(json_string(rec, "state") == "succeeded");
  auto metrics = usms::test::parse_prometheus(stack.call("GET", "/metrics").body);
  CHECK(metrics.sum("usms_gateway_reply_deliveries_total",
                    {{"outcome", "gave_up"}})
        >= 1);
}

TEST_CASE("an operator retry's new outcome is delivered too, even while the "
          "first one is still being retried",
          "[reply][http]") {
  // Once a bug: the dispatcher dropped a new outcome while the old
  // delivery was still active.
  gateway_stack stack{reply_options()};
  webhook_receiver hook;
  auto created = stack.json("POST", "/api/v1/tickets/incident?wait=10",
                            R"({"fields": {"summary": "retry reply"}})");
  auto ticket = json_string(created, "ticket_id");
  REQUIRE_FALSE(ticket.empty());

  auto states_of = [&](const std::string& id) {
    std::string seen;
    for (auto& d : deliveries_of(hook, id))
      seen += std::to_string(d.answered) + " "
              + json_string(parse_json(d.body), "state") + "; ";
    return seen;
  };
  // An update of the ticket that replies to the hook; its request id.
  auto update = [&](int priority) {
    auto doc = stack.json("PATCH", "/api/v1/tickets/incident/" + ticket,
                          R"({"fields": {"priority": )"
                            + std::to_string(priority) + R"(}, "reply_to": )"
                            + json_quote(hook.url()) + "}",
                          202);
    return json_string(doc, "request_id");
  };

  // First when the failed outcome was already delivered (Server faults
  // that use up the update's retries).
  stack.set_faults(R"({"server_fault_rate": 1, "server_fault_code": "INTERNAL"})");
  auto first = update(3);
  REQUIRE(json_string(stack.wait_finished(first), "state") == "failed");
  REQUIRE(hook.wait_for(1, 5s));
  stack.set_faults(R"({"server_fault_rate": 0})");
  stack.json("POST", "/api/v1/requests/" + first + "/retry");
  REQUIRE(json_string(stack.wait_finished(first), "state") == "succeeded");
  REQUIRE(hook.wait_for(2, 5s));
  CHECK(states_of(first) == "200 failed; 200 succeeded; ");

  // Server faults again: the update fails after its retries; its reply's
  // first attempt gets a 500, so that delivery waits 1 s for its next one.
  hook.fail_next(1, 500);
  stack.set_faults(R"({"server_fault_rate": 1, "server_fault_code": "INTERNAL"})");
  auto id = update(4);
  REQUIRE(json_string(stack.wait_finished(id), "state") == "failed");
  REQUIRE(hook.wait_for(3, 5s));

  // USMS well again; the operator retries the request, which succeeds.
  stack.set_faults(R"({"server_fault_rate": 0})");
  stack.json("POST", "/api/v1/requests/" + id + "/retry");
  auto rec = stack.wait_finished(id);
  REQUIRE(json_string(rec, "state") == "succeeded");

  // Both outcomes reach the webhook, the succeeded one exactly once.
  auto succeeded = [&] {
    int n = 0;
    for (auto& d : deliveries_of(hook, id))
      if (d.answered == 200
          && json_string(parse_json(d.body), "state") == "succeeded")
        ++n;
    return n;
  };
  usms::test::wait_until([&] { return succeeded() > 0; }, 6s);
  std::this_thread::sleep_for(1500ms);
  INFO("deliveries: " << states_of(id));
  CHECK(succeeded() == 1);
  rec = parse_json(stack.call("GET", "/api/v1/requests/" + id).body);
  REQUIRE(rec.HasMember("reply"));
  CHECK(json_string(rec["reply"], "state") == "delivered");
}

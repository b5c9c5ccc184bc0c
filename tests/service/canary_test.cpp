// The secret canary: a SOAP password, a proxy password and an API token
// carrying a unique marker are configured and used through a run with
// successes, Client faults, Server faults with retries, a dead webhook and a
// password change;
// the marker then appears in no log line, no API answer and no page.

#include <catch2/catch.hpp>

#include <csignal>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "tests/support/gateway_stack.hpp"
#include "tests/support/missing_tool.hpp"

namespace {

using namespace std::chrono_literals;
using usms::test::gateway_stack;
using usms::test::json_int;
using usms::test::json_quote;
using usms::test::json_string;
using usms::test::parse_json;
using usms::test::stack_options;

const std::string marker = "CANARY-7f3a9";
const std::string password = "pw-" + marker;
const std::string new_password = "pw2-" + marker;
const std::string token = "atok-" + marker;

/// The `/assets/...` files `text` refers to.
std::set<std::string> asset_refs(const std::string& text) {
  static const std::regex ref{R"(/?assets/[A-Za-z0-9._/-]+)"};
  std::set<std::string> out;
  for (std::sregex_iterator i{text.begin(), text.end(), ref}, end; i != end;
       ++i) {
    auto path = i->str();
    if (path[0] != '/')
      path = "/" + path;
    out.insert(path);
  }
  return out;
}

} // namespace

TEST_CASE("canary: the password and the token never show in logs, answers "
          "or pages",
          "[canary][http]") {
  stack_options opts;
  opts.gateway_env = {
      "USMS_GW_SOAP_USERNAME=canary-user", "USMS_GW_SOAP_PASSWORD=" + password,
      "USMS_GW_AUTH_TOKENS=" + token + ":admin,rtok-plain:read",
      "USMS_GW_LOG_LEVEL=debug", "USMS_GW_REPLY_RETRIES=1",
      // A proxy URL with a password, configured but bypassed.
      "USMS_GW_USMS_PROXY=http://ops:px-" + marker + "@127.0.0.1:9",
      "USMS_GW_USMS_BYPASS_PROXY=true"};
  opts.sim_args = {"--user", "canary-user", "--password", password};
  opts.token = token;
  gateway_stack stack{opts};
  std::vector<std::string> ids;
  auto submit = [&](const std::string& method, const std::string& path,
                    const std::string& body) {
    auto doc = stack.json(method, path, body, 202);
    ids.push_back(json_string(doc, "request_id"));
    return ids.back();
  };

  // Creates that succeed (the password is right), one replying to a dead
  // webhook.
  auto c1 = submit("POST", "/api/v1/tickets/incident",
                   R"({"fields": {"summary": "canary 1"}, "source": "nms",
                       "correlation_id": "canary-corr-1",
                       "reply_to": "http://127.0.0.1:1/hook"})");
  auto c2 = submit("POST", "/api/v1/tickets/change",
                   R"({"fields": {"summary": "canary 2"}})");
  auto rec = stack.wait_finished(c1);
  REQUIRE(json_string(rec, "state") == "succeeded");
  auto ticket = json_string(rec, "ticket_id");
  REQUIRE(json_string(stack.wait_finished(c2), "state") == "succeeded");

  // An update that fails with a Client fault, then is retried by hand.
  auto u1 = submit("PATCH", "/api/v1/tickets/incident/INC9999999",
                   R"({"fields": {"priority": 2}})");
  REQUIRE(json_string(stack.wait_finished(u1), "state") == "failed");
  stack.json("POST", "/api/v1/requests/" + u1 + "/retry");
  CHECK(json_string(stack.wait_finished(u1), "state") == "failed");

  // Server faults with retries: an update recovers; a create held while
  // USMS is down gives up after soap.give_up_after.
  stack.set_faults(R"({"server_fault_next": 2, "server_fault_code": "INTERNAL"})");
  auto u2 = submit("PATCH", "/api/v1/tickets/incident/" + ticket,
                   R"({"fields": {"priority": 3}, "work_note": "canary"})");
  rec = stack.wait_finished(u2);
  CHECK(json_string(rec, "state") == "succeeded");
  CHECK(json_int(rec, "attempts") == 3);
  REQUIRE(stack.call("PUT", "/api/v1/config",
                     R"({"soap": {"give_up_after": "2s"}})")
            .status
          == 200);
  stack.set_faults(R"({"down": true})");
  auto c3 = submit("POST", "/api/v1/tickets/problem",
                   R"({"fields": {"summary": "canary 3"}})");
  auto gave_up = stack.wait_finished(c3);
  CHECK(json_string(gave_up, "state") == "failed");
  CHECK(json_string(gave_up, "reason").find("gave up") != std::string::npos);
  stack.set_faults(R"({"down": false})");
  REQUIRE(stack.call("PUT", "/api/v1/config",
                     R"({"soap": {"give_up_after": "24h"}})")
            .status
          == 200);
  auto q1 = submit("GET", "/api/v1/tickets/incident?limit=5", {});
  CHECK(json_string(stack.wait_finished(q1), "state") == "succeeded");

  // A config change refused (bad retries) must not echo the password; one
  // accepted changes it, after which USMS refuses with AUTH faults.
  auto r = stack.call("PUT", "/api/v1/config",
                      R"({"soap": {"password": "pw3-)" + marker
                        + R"(", "retries": -1}})");
  CHECK(r.status == 400);
  r = stack.call("PUT", "/api/v1/config",
                 R"({"soap": {"password": )" + json_quote(new_password) + "}}");
  REQUIRE(r.status == 200);
  CHECK(parse_json(r.body)["soap"]["password_set"].GetBool());
  // The gateway's own credentials are wrong, not the requests: USMS
  // refuses with AUTH, dispatch stops, and the requests are held.
  auto c4 = submit("POST", "/api/v1/tickets/incident",
                   R"({"fields": {"summary": "canary 4"}})");
  REQUIRE(usms::test::wait_until(
    [&] {
      return json_string(stack.json("GET", "/api/v1/usms"), "state")
             == "auth_failed";
    },
    10s));
  auto u3 = submit("PATCH", "/api/v1/tickets/incident/" + ticket,
                   R"({"fields": {"priority": 4}})");
  for (auto& held_id : {c4, u3}) {
    REQUIRE(usms::test::wait_until(
      [&] {
        auto doc = stack.json("GET", "/api/v1/requests/" + held_id);
        return doc.HasMember("held") && doc["held"].GetBool();
      },
      10s));
    rec = stack.json("GET", "/api/v1/requests/" + held_id);
    CHECK(json_int(rec, "attempts") == 0);
  }
  CHECK(json_string(rec, "state") == "queued");
  CHECK(json_string(stack.json("GET", "/api/v1/requests/" + c4), "last_error")
          .find("AUTH")
        != std::string::npos);

  // Wrong tokens, one carrying the marker: 401, and never logged.
  CHECK(stack.call("GET", "/api/v1/status", {},
                   {{"Authorization", "Bearer x" + token}})
          .status
        == 401);

  // Let the dead webhook give up (1 s backoff, reply.retries = 1).
  std::this_thread::sleep_for(1500ms);

  // Every answer the API gives.
  stack.json("GET", "/api/v1/config");
  stack.json("GET", "/api/v1/requests?state=queued,in_flight,waiting_retry,"
                    "succeeded,failed,cancelled&limit=1000");
  stack.json("GET", "/api/v1/requests");
  for (auto& id : ids)
    stack.json("GET", "/api/v1/requests/" + id);
  auto status = stack.json("GET", "/api/v1/status?limit=1000");
  CHECK(json_int(status, "entries") >= 7);
  stack.json("GET", "/api/v1/status?status=Failed&limit=1000");
  stack.json("GET", "/api/v1/status/trend");
  stack.json("GET", "/api/v1/reply-routes");
  stack.json("GET", "/api/v1/openapi.json");
  CHECK(stack.call("GET", "/metrics").status == 200);
  CHECK(stack.call("GET", "/readyz").status == 200);
  CHECK(stack.call("GET", "/healthz").status == 200);

  // Every page: / and each asset it refers to (and those refer to).
  auto index = stack.call("GET", "/");
  REQUIRE(index.status == 200);
  std::set<std::string> seen;
  auto todo = asset_refs(index.body);
  while (!todo.empty()) {
    auto path = *todo.begin();
    todo.erase(todo.begin());
    if (!seen.insert(path).second)
      continue;
    auto a = stack.call("GET", path);
    INFO(path);
    CHECK(a.status == 200);
    for (auto& more : asset_refs(a.body))
      if (!seen.count(more))
        todo.insert(more);
  }
  // Without node/npm at build time the gateway serves a note instead of
  // the pages, and there are no pages to check.
  if (index.body.find("were not built") != std::string::npos)
    usms::test::report_missing_tool("node/npm (the operator pages)",
                                    "the pages");
  else
    CHECK_FALSE(seen.empty());

  // The answers were collected and are not empty: the check below bites.
  REQUIRE(stack.answers().size() > 30);
  bool saw_user = false;
  for (auto& a : stack.answers()) {
    INFO(a.what << "\n" << a.text.substr(0, 2000));
    CHECK(a.text.find(marker) == std::string::npos);
    saw_user = saw_user || a.text.find("canary-user") != std::string::npos;
  }
  CHECK(saw_user);

  // The logs, after a clean stop so that nothing is left unflushed.
  stack.gateway().send_signal(SIGTERM);
  CHECK(stack.gateway().wait_exit(15s) == 0);
  auto log = stack.gateway().output();
  // Debug logging was on and the run's requests were logged.
  CHECK(log.find(c1) != std::string::npos);
  CHECK(log.find(u2) != std::string::npos);
  std::istringstream lines{log};
  std::string line;
  int n = 0, leaks = 0;
  while (std::getline(lines, line)) {
    ++n;
    if (line.find(marker) != std::string::npos) {
      ++leaks;
      UNSCOPED_INFO("log line " << n << ": " << line);
    }
  }
  CHECK(n > 10);
  CHECK(log.find(" debug ") != std::string::npos);
  CHECK(leaks == 0);
}

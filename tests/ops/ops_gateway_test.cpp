// The operator API on the real usms-gateway talking to a real usms-sim,
// both as child processes on loopback: the status table, reply routes and
// run-time configuration, across restarts.

#include <csignal>
#include <thread>

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include "tests/support/test_support.hpp"

using namespace usms;
using namespace std::chrono_literals;

namespace {

rapidjson::Document parse(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());
  INFO(text);
  REQUIRE_FALSE(doc.HasParseError());
  return doc;
}

std::string str(const rapidjson::Value& v) {
  return {v.GetString(), v.GetStringLength()};
}

std::string error_field(const test::http_reply& r) {
  auto doc = parse(r.body);
  REQUIRE(doc.HasMember("error"));
  return doc["error"].HasMember("field") ? str(doc["error"]["field"]) : "";
}

std::unique_ptr<test::child_process>
start_sim(std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"--listen", "127.0.0.1:0"};
  args.insert(args.end(), extra.begin(), extra.end());
  return test::child_process::start(test::bin_path("usms-sim"), args);
}

/// A gateway on `db` talking to `sim`; fast retries so tests stay short.
std::unique_ptr<test::child_process>
start_gateway(const std::string& db, const test::child_process& sim,
              std::vector<std::string> env = {},
              std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"--listen", "127.0.0.1:0", "--db", db,
                                "--usms-url", sim.base_url() + "/usms"};
  args.insert(args.end(), extra.begin(), extra.end());
  env.push_back("USMS_GW_SOAP_BACKOFF_BASE=10ms");
  env.push_back("USMS_GW_SOAP_BACKOFF_MAX=20ms");
  return test::child_process::start(test::bin_path("usms-gateway"), args,
                                     env);
}

void stop(test::child_process& p) {
  p.send_signal(SIGTERM);
  CHECK(p.wait_exit(20s) == 0);
}

/// Creates an incident and waits for its outcome; returns the record.
rapidjson::Document create(const test::child_process& gw,
                           const std::string& source = "mon",
                           const std::string& summary = "Node down") {
  auto r = test::http_call(
    "POST", gw.base_url() + "/api/v1/tickets/incident?wait=20",
    R"({"fields": {"summary": ")" + summary
      + R"(", "priority": 2}, "source": ")" + source + R"("})",
    {{"Content-Type", "application/json"}}, 30s);
  INFO(r.body);
  REQUIRE(r.status == 200);
  return parse(r.body);
}

/// Queries incidents and waits for the outcome. Queries are retried on
/// every transient fault (a create's Server fault is ambiguous instead).
rapidjson::Document query(const test::child_process& gw) {
  auto r = test::http_call(
    "GET", gw.base_url() + "/api/v1/tickets/incident?status=New&wait=20", {},
    {}, 30s);
  INFO(r.body);
  REQUIRE(r.status == 200);
  return parse(r.body);
}

/// How many calls of `op` the simulator has seen.
int64_t sim_calls(const test::child_process& sim, const char* op) {
  auto doc = parse(test::http_call("GET", sim.base_url() + "/admin/stats").body);
  auto& calls = doc["calls"];
  return calls.HasMember(op) ? calls[op].GetInt64() : 0;
}

test::http_reply put(const test::child_process& p, const std::string& target,
                     const std::string& body) {
  return test::http_call("PUT", p.base_url() + target, body,
                         {{"Content-Type", "application/json"}});
}

test::http_reply get(const test::child_process& p, const std::string& target) {
  return test::http_call("GET", p.base_url() + target);
}

} // namespace

TEST_CASE("status table over the real gateway", "[gateway]") {
  test::temp_dir dir;
  auto sim = start_sim();
  auto gw = start_gateway(dir.path() + "/gw.db", *sim);

  for (int i = 0; i < 6; ++i)
    CHECK(str(create(*gw, i % 2 ? "mon" : "auto")["state"]) == "succeeded");
  // An update of a ticket USMS does not know fails for good.
  auto r = test::http_call("PATCH",
                           gw->base_url()
                             + "/api/v1/tickets/incident/INC-999999?wait=20",
                           R"({"fields": {"priority": 3}, "source": "mon"})",
                           {{"Content-Type", "application/json"}}, 30s);
  REQUIRE(r.status == 200);
  CHECK(str(parse(r.body)["state"]) == "failed");

  auto doc = parse(get(*gw, "/api/v1/status").body);
  CHECK(doc["total"].GetInt64() == 7);
  CHECK(doc["entries"].GetInt64() == 7);
  auto& rows = doc["rows"];
  REQUIRE(rows.Size() == 7);
  CHECK(str(rows[0]["action"]) == "update"); // newest first
  CHECK(str(rows[0]["status"]) == "Failed");
  CHECK_FALSE(str(rows[0]["reason"]).empty());
  CHECK(str(rows[6]["status"]) == "Succeeded");
  CHECK_FALSE(str(rows[6]["ticket_id"]).empty());

  doc = parse(get(*gw, "/api/v1/status?status=Succeeded&source=mon").body);
  CHECK(doc["total"].GetInt64() == 3);
  doc = parse(get(*gw, "/api/v1/status?action=update").body);
  CHECK(doc["total"].GetInt64() == 1);
  doc = parse(get(*gw, "/api/v1/status?limit=3&offset=6").body);
  CHECK(doc["total"].GetInt64() == 7);
  CHECK(doc["rows"].Size() == 1);
  doc = parse(get(*gw, "/api/v1/status?since=2000-01-01&until=2000-01-02")
                .body);
  CHECK(doc["total"].GetInt64() == 0);
  CHECK(doc["entries"].GetInt64() == 7);
  CHECK(error_field(get(*gw, "/api/v1/status?limit=5000")) == "limit");

  // Nothing is left in the queue; the finished ones are listed on demand.
  doc = parse(get(*gw, "/api/v1/requests").body);
  CHECK(doc["total"].GetInt64() == 0);
  doc = parse(get(*gw, "/api/v1/requests?state=succeeded&limit=2").body);
  CHECK(doc["total"].GetInt64() == 6);
  CHECK(doc["requests"].Size() == 2);

  // The trend has its first sample, taken at start.
  doc = parse(get(*gw, "/api/v1/status/trend").body);
  CHECK(doc["samples"].Size() >= 1);
  stop(*gw);
}

TEST_CASE("run-time config and reply routes take effect and survive a "
          "restart",
          "[gateway]") {
  test::temp_dir dir;
  const std::string db = dir.path() + "/gw.db";
  const std::string marker = "Pw-marker-7c1e55d2";
  auto sim = start_sim({"--user", "ops", "--password", marker});
  auto gw = start_gateway(db, *sim, {"USMS_GW_SOAP_USERNAME=ops"});

  // Without the password USMS refuses, once (a Client fault).
  auto rec = create(*gw);
  CHECK(str(rec["state"]) == "failed");
  CHECK(rec["attempts"].GetInt() == 1);

  // The password is write-only and used by the next request.
  auto r = put(*gw, "/api/v1/config",
               R"({"soap": {"password": ")" + marker + R"("}})");
  REQUIRE(r.status == 200);
  CHECK(r.body.find(marker) == std::string::npos);
  CHECK(parse(r.body)["soap"]["password_set"].GetBool());
  CHECK(str(create(*gw)["state"]) == "succeeded");

  // soap.retries: the next request makes retries + 1 attempts.
  REQUIRE(put(*sim, "/admin/faults", R"({"down": true})").status == 200);
  r = put(*gw, "/api/v1/config", R"({"soap": {"retries": 1}})");
  REQUIRE(r.status == 200);
  CHECK(parse(r.body)["soap"]["retries"].GetInt() == 1);
  auto before = sim_calls(*sim, "QueryTickets");
  rec = query(*gw);
  CHECK(str(rec["state"]) == "failed");
  CHECK(rec["attempts"].GetInt() == 2);
  CHECK(sim_calls(*sim, "QueryTickets") - before == 2);

  // Bad values are refused whole, naming the key; nothing changes.
  r = put(*gw, "/api/v1/config",
          R"({"soap": {"retries": 4, "query_limit": 0}})");
  CHECK(r.status == 400);
  CHECK(error_field(r) == "soap.query_limit");
  CHECK(error_field(put(*gw, "/api/v1/config",
                        R"({"usms": {"max_in_flight": "many"}})"))
        == "usms.max_in_flight");
  CHECK(error_field(put(*gw, "/api/v1/config",
                        R"({"storage": {"db": "/tmp/x.db"}})"))
        == "storage.db");
  auto cfg = parse(get(*gw, "/api/v1/config").body);
  CHECK(cfg["soap"]["retries"].GetInt() == 1);
  CHECK(cfg["soap"]["query_limit"].GetInt() == 100);

  // Reply routes.
  REQUIRE(put(*gw, "/api/v1/reply-routes/mon",
              R"({"url": "http://127.0.0.1:9/hook"})")
            .status
          == 200);
  REQUIRE(put(*gw, "/api/v1/reply-routes/*",
              R"({"url": "https://default.example/hook"})")
            .status
          == 200);
  REQUIRE(put(*gw, "/api/v1/reply-routes/gone", R"({"url": "http://x/"})")
            .status
          == 200);
  CHECK(test::http_call("DELETE", gw->base_url() + "/api/v1/reply-routes/gone")
          .status
        == 204);
  CHECK(error_field(put(*gw, "/api/v1/reply-routes/bad",
                        R"({"url": "mailto:noc@example.com"})"))
        == "url");

  CHECK(get(*gw, "/api/v1/config").body.find(marker) == std::string::npos);
  stop(*gw);
  auto first_output = gw->output();
  CHECK(first_output.find(marker) == std::string::npos);
  CHECK(first_output.find("soap.retries") != std::string::npos); // logged key

  // Restart on the same database.
  gw = start_gateway(db, *sim, {"USMS_GW_SOAP_USERNAME=ops"});
  cfg = parse(get(*gw, "/api/v1/config").body);
  CHECK(cfg["soap"]["retries"].GetInt() == 1);
  CHECK(str(cfg["sources"]["soap"]["retries"]) == "runtime");
  CHECK(cfg["soap"]["password_set"].GetBool());
  CHECK(str(cfg["sources"]["soap"]["username"]) == "env");
  auto routes = parse(get(*gw, "/api/v1/reply-routes").body);
  REQUIRE(routes["routes"].Size() == 2);
  CHECK(str(routes["routes"][0]["source"]) == "*");
  CHECK(str(routes["routes"][1]["url"]) == "http://127.0.0.1:9/hook");
  CHECK(get(*gw, "/api/v1/reply-routes/gone").status == 404);

  before = sim_calls(*sim, "QueryTickets");
  rec = query(*gw);
  CHECK(rec["attempts"].GetInt() == 2);
  CHECK(sim_calls(*sim, "QueryTickets") - before == 2);
  REQUIRE(put(*sim, "/admin/faults", R"({"down": false})").status == 200);
  CHECK(str(create(*gw, "auto")["state"]) == "succeeded"); // saved password

  stop(*gw);
  CHECK(gw->output().find(marker) == std::string::npos);

  // --reset-runtime-config drops the saved settings, not the routes.
  gw = start_gateway(db, *sim, {"USMS_GW_SOAP_USERNAME=ops"},
                     {"--reset-runtime-config"});
  cfg = parse(get(*gw, "/api/v1/config").body);
  CHECK(cfg["soap"]["retries"].GetInt() == 3);
  CHECK_FALSE(cfg["soap"]["password_set"].GetBool());
  CHECK(parse(get(*gw, "/api/v1/reply-routes").body)["routes"].Size() == 2);
  stop(*gw);
}

TEST_CASE("usms.max_in_flight changes at run time", "[gateway]") {
  test::temp_dir dir;
  auto sim = start_sim({"--latency", "400ms"});
  auto gw = start_gateway(dir.path() + "/gw.db", *sim);
  auto burst = [&] {
    auto t0 = std::chrono::steady_clock::now();
    std::vector<std::thread> threads;
    for (int i = 0; i < 5; ++i)
      threads.emplace_back([&] {
        auto r = test::http_call(
          "POST", gw->base_url() + "/api/v1/tickets/incident?wait=30",
          R"({"fields": {"summary": "burst"}})",
          {{"Content-Type", "application/json"}}, 40s);
        CHECK(r.status == 200);
      });
    for (auto& t : threads)
      t.join();
    return std::chrono::steady_clock::now() - t0;
  };
  auto parallel = burst();
  REQUIRE(put(*gw, "/api/v1/config", R"({"usms": {"max_in_flight": 1}})")
            .status
          == 200);
  auto serial = burst();
  // One call at a time: five calls of 400 ms cannot take less than 2 s.
  CHECK(serial >= 2000ms);
  CHECK(parallel < 1800ms);
  stop(*gw);
}

// The operator routes in process: a real actor system, the real ops_store
// on a temporary database, the real HTTP server with the API handler, and
// config callbacks that record what the gateway would be told.

#include "app/ops_routes.hpp"

#include <atomic>
#include <mutex>

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include "actors/system_config.hpp"
#include "app/gateway.hpp"
#include "caf/actor_system.hpp"
#include "caf/scoped_actor.hpp"
#include "caf/send.hpp"
#include "common/iso_time.hpp"
#include "persistence/journal_db.hpp"
#include "tests/support/test_support.hpp"
#include "transport/http_server.hpp"

using namespace usms;
using namespace std::chrono_literals;

namespace {

struct test_config : gateway_system_config {
  test_config() {
    set("scheduler.max-threads", 2);
  }
};

rapidjson::Document parse(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());
  REQUIRE_FALSE(doc.HasParseError());
  return doc;
}

/// The field named in an error answer.
std::string error_field(const test::http_reply& r) {
  auto doc = parse(r.body);
  REQUIRE(doc.HasMember("error"));
  auto& e = doc["error"];
  return e.HasMember("field") ? e["field"].GetString() : "";
}

struct routes_fixture {
  test::temp_dir dir;
  std::string path = dir.path() + "/gw.db";
  db::journal_db journal{path};
  test_config cfg;
  caf::actor_system sys{cfg};
  ops_store_actor store;
  std::unique_ptr<http::server> server;
  std::string base;

  std::mutex mtx;
  config::loaded current;
  std::vector<std::map<std::string, std::string>> applied;
  std::string apply_refusal; ///< what apply_config answers
  std::atomic<int> routes_saved{0};

  routes_fixture(trend_settings trend = {}) {
    auto loaded = config::load_settings("", {}, {}, {});
    REQUIRE(loaded);
    current = *loaded;
    store = spawn_ops_store(sys, path, trend);
    auto ops = std::make_shared<app::ops_context>();
    ops->sys = &sys;
    ops->store = store;
    ops->get_config = [this] {
      std::lock_guard<std::mutex> guard{mtx};
      return current;
    };
    ops->apply_config = [this](config::loaded next,
                               std::map<std::string, std::string> json) {
      std::lock_guard<std::mutex> guard{mtx};
      if (!apply_refusal.empty())
        return apply_refusal;
      current = std::move(next);
      applied.push_back(std::move(json));
      return std::string{};
    };
    ops->on_route_saved = [this] { ++routes_saved; };
    auto api = std::make_shared<app::api_context>();
    api->sys = &sys;
    api->rules = std::make_shared<app::live_rules>();
    api->more_routes = app::make_ops_routes(ops);
    http::server_options so;
    server = std::make_unique<http::server>(so, app::make_api_handler(api));
    REQUIRE(server->start().empty());
    base = "http://127.0.0.1:" + std::to_string(server->port());
  }

  ~routes_fixture() {
    server->stop();
    server.reset();
    caf::anon_send_exit(store, caf::exit_reason::user_shutdown);
    store = nullptr;
    sys.await_all_actors_done();
  }

  test::http_reply get(const std::string& target) {
    return test::http_call("GET", base + target);
  }

  test::http_reply put(const std::string& target, const std::string& body) {
    return test::http_call("PUT", base + target, body,
                           {{"Content-Type", "application/json"}});
  }

  void finish(int64_t finished_at, request_state state, std::string source,
              std::string reason = {}) {
    static int n = 0;
    ticket_request r;
    r.id = "r" + std::to_string(++n);
    r.source = std::move(source);
    r.external_reference = r.id;
    r.accepted_at = finished_at - 5;
    request_outcome out;
    out.state = state;
    out.reason = std::move(reason);
    out.attempts = 1;
    out.finished_at = finished_at;
    journal.begin();
    journal.append(r);
    journal.finish(r, out, "");
    journal.commit();
  }

  std::map<std::string, std::string> saved() {
    caf::scoped_actor self{sys};
    std::map<std::string, std::string> out;
    self->request(store, 5s, ops_config_atom_v)
      .receive([&](runtime_values& v) { out = v.values; },
               [](caf::error&) { FAIL("store did not answer"); });
    return out;
  }
};

} // namespace

TEST_CASE_METHOD(routes_fixture, "GET /api/v1/status pages and filters",
                 "[routes]") {
  // 2026-01-01T00:00:00Z = 1767225600000
  const int64_t t0 = 1767225600000;
  for (int i = 0; i < 12; ++i)
    finish(t0 + i * 60'000, i % 3 == 0 ? request_state::failed
                                       : request_state::succeeded,
           i % 2 ? "mon" : "auto", i % 3 == 0 ? "HTTP 503 100% busy" : "");
  auto r = get("/api/v1/status?limit=5");
  REQUIRE(r.status == 200);
  auto doc = parse(r.body);
  CHECK(doc["total"].GetInt64() == 12);
  CHECK(doc["entries"].GetInt64() == 12);
  auto& rows = doc["rows"];
  REQUIRE(rows.Size() == 5);
  CHECK(std::string{rows[0]["finished_at"].GetString()}
        == "2026-01-01T00:11:00.000Z");
  CHECK(rows[0].HasMember("row_id"));
  CHECK(rows[0].HasMember("request_id"));
  CHECK(rows[0].HasMember("reason"));

  r = get("/api/v1/status?status=Failed&limit=2&offset=2");
  doc = parse(r.body);
  CHECK(doc["total"].GetInt64() == 4);
  CHECK(doc["entries"].GetInt64() == 12);
  REQUIRE(doc["rows"].Size() == 2);
  CHECK(std::string{doc["rows"][0]["status"].GetString()} == "Failed");
  CHECK(std::string{doc["rows"][1]["finished_at"].GetString()}
        == "2026-01-01T00:00:00.000Z");

  r = get("/api/v1/status?since=2026-01-01T00:05:00Z"
          "&until=2026-01-01T01:07:00%2B01:00&source=mon");
  doc = parse(r.body);
  CHECK(doc["total"].GetInt64() == 2); // minutes 5 and 7: both bounds in

  r = get("/api/v1/status?q=100%25");
  CHECK(parse(r.body)["total"].GetInt64() == 4);

  CHECK(error_field(get("/api/v1/status?limit=0")) == "limit");
  CHECK(error_field(get("/api/v1/status?limit=1001")) == "limit");
  CHECK(error_field(get("/api/v1/status?offset=-1")) == "offset");
  CHECK(error_field(get("/api/v1/status?status=Maybe")) == "status");
  CHECK(error_field(get("/api/v1/status?since=yesterday")) == "since");
  CHECK(error_field(get("/api/v1/status?type=bug")) == "type");
  CHECK(get("/api/v1/status?status=failed").status == 200);
  CHECK(test::http_call("POST", base + "/api/v1/status").status == 405);
}

TEST_CASE("ISO times as the query parameters read them", "[routes]") {
  CHECK(parse_iso8601_ms("1970-01-01T00:00:00Z") == 0);
  CHECK(parse_iso8601_ms("2026-01-01") == 1767225600000);
  CHECK(parse_iso8601_ms("2026-01-01T00:00:00.5Z") == 1767225600500);
  CHECK(parse_iso8601_ms("2026-01-01T01:00:00+01:00") == 1767225600000);
  CHECK(parse_iso8601_ms("2026-01-01T01:00:00 01:00") == 1767225600000);
  CHECK(parse_iso8601_ms("2025-12-31T23:00-01:00") == 1767225600000);
  CHECK(parse_iso8601_ms("2024-02-29T12:34:56.789Z") == 1709210096789);
  CHECK_FALSE(parse_iso8601_ms(""));
  CHECK_FALSE(parse_iso8601_ms("2026-13-01"));
  CHECK_FALSE(parse_iso8601_ms("2026-01-01T25:00Z"));
  CHECK_FALSE(parse_iso8601_ms("2026-01-01Tx"));
  CHECK_FALSE(parse_iso8601_ms("2026-01-01T00:00:00Zjunk"));
  CHECK_FALSE(parse_iso8601_ms("1767225600000"));
}

TEST_CASE("trend samples appear every interval", "[routes]") {
  routes_fixture fx{trend_settings{100, 60'000}};
  fx.finish(now_ms(), request_state::succeeded, "mon");
  fx.finish(now_ms(), request_state::failed, "mon", "x");
  rapidjson::Document doc;
  CHECK(test::wait_until(
    [&] {
      auto r = fx.get("/api/v1/status/trend");
      if (r.status != 200)
        return false;
      doc = parse(r.body);
      auto& s = doc["samples"];
      return s.Size() >= 3 && s[s.Size() - 1]["count"].GetInt64() == 2;
    },
    5s));
  CHECK(std::string{doc["interval"].GetString()} == "1m"); // config's
  auto& s = doc["samples"];
  for (rapidjson::SizeType i = 1; i < s.Size(); ++i) {
    auto a = parse_iso8601_ms(s[i - 1]["at"].GetString());
    auto b = parse_iso8601_ms(s[i]["at"].GetString());
    REQUIRE(a);
    REQUIRE(b);
    CHECK(*b > *a);
    CHECK(*b % 100 == 0); // at whole multiples of the interval
  }
  // A window in the past has none.
  auto r = fx.get("/api/v1/status/trend?since=2020-01-01&until=2020-01-02");
  CHECK(parse(r.body)["samples"].Size() == 0);
  CHECK(error_field(fx.get("/api/v1/status/trend?until=x")) == "until");
}

TEST_CASE("trend keep drops old samples", "[routes]") {
  routes_fixture fx{trend_settings{50, 200}};
  std::this_thread::sleep_for(600ms);
  auto r = fx.get("/api/v1/status/trend?since=2020-01-01");
  auto doc = parse(r.body);
  auto& s = doc["samples"];
  REQUIRE(s.Size() >= 1);
  CHECK(s.Size() <= 6); // 200 ms of 50 ms samples, plus slack
  auto first = parse_iso8601_ms(s[0]["at"].GetString());
  REQUIRE(first);
  CHECK(*first >= now_ms() - 400);
}

TEST_CASE_METHOD(routes_fixture, "GET /api/v1/requests lists the queue",
                 "[routes]") {
  ticket_request q;
  q.id = "queued-1";
  q.type = ticket_type::change;
  q.source = "mon";
  q.accepted_at = now_ms();
  journal.begin();
  journal.append(q);
  journal.commit();
  finish(now_ms(), request_state::failed, "mon", "boom");

  auto r = get("/api/v1/requests");
  REQUIRE(r.status == 200);
  auto doc = parse(r.body);
  CHECK(doc["total"].GetInt64() == 1);
  REQUIRE(doc["requests"].Size() == 1);
  CHECK(std::string{doc["requests"][0]["request_id"].GetString()}
        == "queued-1");
  CHECK(std::string{doc["requests"][0]["state"].GetString()} == "queued");

  doc = parse(get("/api/v1/requests?state=failed,queued").body);
  CHECK(doc["total"].GetInt64() == 2);
  doc = parse(get("/api/v1/requests?state=failed").body);
  REQUIRE(doc["requests"].Size() == 1);
  CHECK(std::string{doc["requests"][0]["reason"].GetString()} == "boom");
  doc = parse(get("/api/v1/requests?type=incident").body);
  CHECK(doc["total"].GetInt64() == 0);
  CHECK(error_field(get("/api/v1/requests?state=pending")) == "state");
  CHECK(error_field(get("/api/v1/requests?limit=x")) == "limit");
}

TEST_CASE_METHOD(routes_fixture, "reply routes over HTTP", "[routes]") {
  auto r = get("/api/v1/reply-routes");
  REQUIRE(r.status == 200);
  CHECK(parse(r.body)["routes"].Size() == 0);

  r = put("/api/v1/reply-routes/alarm-correlator",
          R"({"url": "http://hooks.example/alarm"})");
  REQUIRE(r.status == 200);
  auto doc = parse(r.body);
  CHECK(std::string{doc["source"].GetString()} == "alarm-correlator");
  CHECK(std::string{doc["url"].GetString()} == "http://hooks.example/alarm");
  CHECK(put("/api/v1/reply-routes/*", R"({"url": "https://default/x"})")
          .status
        == 200);
  CHECK(put("/api/v1/reply-routes/with%20space", R"({"url": "http://s/"})")
          .status
        == 200);

  CHECK(routes_saved == 3);
  r = get("/api/v1/reply-routes");
  doc = parse(r.body);
  REQUIRE(doc["routes"].Size() == 3);
  CHECK(std::string{doc["routes"][0]["source"].GetString()} == "*");
  CHECK(std::string{doc["routes"][2]["source"].GetString()} == "with space");

  r = get("/api/v1/reply-routes/alarm-correlator");
  CHECK(r.status == 200);
  CHECK(get("/api/v1/reply-routes/nobody").status == 404);

  {
    caf::scoped_actor self{sys};
    std::string url;
    self->request(store, 5s, reply_route_atom_v, std::string{"nobody"})
      .receive([&](std::string& u) { url = u; },
               [](caf::error&) { FAIL("no answer"); });
    CHECK(url == "https://default/x");
  }

  CHECK(error_field(put("/api/v1/reply-routes/x", R"({"url": "ftp://a/"})"))
        == "url");
  CHECK(error_field(put("/api/v1/reply-routes/x", R"({"url": 5})")) == "url");
  CHECK(error_field(put("/api/v1/reply-routes/x", R"({})")) == "url");
  CHECK(put("/api/v1/reply-routes/x", "nope").status == 400);
  CHECK(error_field(put("/api/v1/reply-routes/x",
                        R"({"url": "http://a/\nb"})"))
        == "url");
  CHECK(error_field(put("/api/v1/reply-routes/a%0Ab", R"({"url": "http://a/"})"))
        == "source");
  CHECK(routes_saved == 3);
  CHECK(error_field(put("/api/v1/reply-routes/" + std::string(257, 's'),
                        R"({"url": "http://a/"})"))
        == "source");

  // In a path, '+' is a plus sign (only query strings use it for a space).
  r = put("/api/v1/reply-routes/nms+east", R"({"url": "http://plus/"})");
  REQUIRE(r.status == 200);
  CHECK(std::string{parse(r.body)["source"].GetString()} == "nms+east");
  CHECK(get("/api/v1/reply-routes/nms%2Beast").status == 200);
  CHECK(test::http_call("DELETE", base + "/api/v1/reply-routes/nms+east")
          .status
        == 204);

  r = test::http_call("DELETE", base + "/api/v1/reply-routes/alarm-correlator");
  CHECK(r.status == 204);
  r = test::http_call("DELETE", base + "/api/v1/reply-routes/alarm-correlator");
  CHECK(r.status == 404);
  CHECK(test::http_call("POST", base + "/api/v1/reply-routes").status == 405);
}

TEST_CASE_METHOD(routes_fixture, "PUT /api/v1/config saves and applies",
                 "[routes]") {
  auto r = get("/api/v1/config");
  REQUIRE(r.status == 200);
  auto doc = parse(r.body);
  CHECK(doc["soap"]["retries"].GetInt() == 3);
  CHECK(doc["soap"]["password_set"].GetBool() == false);

  const std::string marker = "pw-marker-9f3ac1";
  r = put("/api/v1/config", R"({"soap": {"retries": 5, "password": ")"
                              + marker + R"("}, "usms": {"max_in_flight": 4}})");
  REQUIRE(r.status == 200);
  CHECK(r.body.find(marker) == std::string::npos);
  doc = parse(r.body);
  CHECK(doc["soap"]["retries"].GetInt() == 5);
  CHECK(doc["soap"]["password_set"].GetBool());
  CHECK(std::string{doc["sources"]["soap"]["retries"].GetString()}
        == "runtime");
  REQUIRE(applied.size() == 1);
  CHECK(applied[0].at("soap.retries") == "5");
  CHECK(current.values.usms.max_in_flight == 4);
  auto s = saved();
  CHECK(s.at("soap.retries") == "5");
  CHECK(s.at("usms.max_in_flight") == "4");
  CHECK(s.at("soap.password").find(marker) != std::string::npos);

  r = get("/api/v1/config");
  CHECK(r.body.find(marker) == std::string::npos);
  CHECK(parse(r.body)["usms"]["max_in_flight"].GetInt() == 4);

  // A bad value refuses the whole body: nothing saved, nothing applied.
  r = put("/api/v1/config", R"({"soap": {"retries": 7, "query_limit": -1}})");
  CHECK(r.status == 400);
  CHECK(error_field(r) == "soap.query_limit");
  CHECK(applied.size() == 1);
  CHECK(saved().at("soap.retries") == "5");
  CHECK(error_field(put("/api/v1/config", R"({"soap": {"retrys": 1}})"))
        == "soap.retrys");
  CHECK(error_field(put("/api/v1/config",
                        R"({"server": {"listen": "0.0.0.0:1"}})"))
        == "server.listen");
  r = put("/api/v1/config", "not json");
  CHECK(r.status == 400);
  CHECK(parse(r.body)["error"]["code"] == "malformed_json");

  // The gateway refuses to apply: the saved values go back as they were.
  apply_refusal = "usms.url: cannot reach the proxy";
  r = put("/api/v1/config", R"({"soap": {"retries": 9}, "trend": {"keep": "1d"}})");
  CHECK(r.status == 400);
  CHECK(error_field(r) == "usms.url");
  s = saved();
  CHECK(s.at("soap.retries") == "5");
  CHECK(s.count("trend.keep") == 0);
  CHECK(current.values.soap.retries == 5);
}

TEST_CASE_METHOD(routes_fixture, "config PUTs at once keep every key",
                 "[routes]") {
  std::vector<std::thread> threads;
  std::vector<unsigned> status(6);
  const char* bodies[] = {
    R"({"soap": {"retries": 1}})",     R"({"soap": {"query_limit": 11}})",
    R"({"usms": {"max_in_flight": 3}})", R"({"soap": {"backoff_base": "1s"}})",
    R"({"intake": {"max_pending": 77}})", R"({"usms": {"max_rate": 2.5}})"};
  for (int i = 0; i < 6; ++i)
    threads.emplace_back(
      [&, i] { status[i] = put("/api/v1/config", bodies[i]).status; });
  for (auto& t : threads)
    t.join();
  for (auto st : status)
    CHECK(st == 200);
  auto& v = current.values;
  CHECK(v.soap.retries == 1);
  CHECK(v.soap.query_limit == 11);
  CHECK(v.usms.max_in_flight == 3);
  CHECK(v.soap.backoff_base == 1s);
  CHECK(v.intake.max_pending == 77);
  CHECK(v.usms.max_rate == 2.5);
  CHECK(saved().size() == 6);
}

TEST_CASE("the real gateway refuses a proxy its SOAP client cannot use and "
          "puts the saved values back",
          "[routes]") {
  test::temp_dir dir;
  auto db = dir.path() + "/gw.db";
  auto loaded = config::load_settings(
    "", {},
    {{"server.listen", "127.0.0.1:0"},
     {"storage.db", db},
     {"usms.url", "http://127.0.0.1:9/usms"}},
    {});
  REQUIRE(loaded);
  app::gateway gw{*loaded};
  REQUIRE(gw.start().empty());
  auto put = [&](const std::string& body) {
    return test::http_call("PUT", gw.base_url() + "/api/v1/config", body,
                           {{"Content-Type", "application/json"}});
  };
  REQUIRE(put(R"({"soap": {"retries": 5}})").status == 200);

  // An https proxy passes the settings' checks, but the client speaks
  // plain HTTP to proxies: the change is saved, refused, and undone.
  auto r = put(R"({"soap": {"retries": 9},
                   "usms": {"proxy": "https://proxy.example:3128"}})");
  CHECK(r.status == 400);
  CHECK(error_field(r) == "usms.proxy");
  auto doc = parse(test::http_call("GET", gw.base_url() + "/api/v1/config")
                     .body);
  CHECK(doc["soap"]["retries"].GetInt() == 5);
  CHECK(std::string{doc["usms"]["proxy"].GetString()}.empty());
  gw.stop(0ms);
  auto saved = app::load_runtime_config(db, false);
  CHECK(saved.at("soap.retries") == "5");
  CHECK(saved.count("usms.proxy") == 0);
}

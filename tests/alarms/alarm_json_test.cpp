// POST /api/v1/alarms bodies, the list parameters and the alarm views.

#include <catch2/catch.hpp>

#include <rapidjson/document.h>

#include "api/alarm_json.hpp"

using namespace usms;
using namespace usms::api;

namespace {

const intake_rules v2{soap::builtin_contract(2).get(), 100};
const intake_rules v1{soap::builtin_contract(1).get(), 100};

alarm_event parsed(std::string_view body, const intake_rules& rules = v2) {
  auto r = parse_alarm_event(body, rules);
  if (auto* e = std::get_if<api_error>(&r))
    FAIL("refused: " << e->message);
  return std::get<alarm_event>(r);
}

api_error refused(std::string_view body, const intake_rules& rules = v2) {
  auto r = parse_alarm_event(body, rules);
  REQUIRE(std::holds_alternative<api_error>(r));
  return std::get<api_error>(r);
}

rapidjson::Document json(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.c_str());
  REQUIRE_FALSE(d.HasParseError());
  return d;
}

alarm_record sample_record() {
  alarm_record r;
  r.key = "olt-17/los";
  r.type = ticket_type::problem;
  r.generation = 3;
  r.occurrences = 42;
  r.first_at = 1'772'323'200'000; // 2026-03-01T00:00:00Z
  r.last_at = 1'772'323'260'123;
  r.ticket = alarm_ticket::creating;
  return r;
}

} // namespace

TEST_CASE("an alarm event body is read into an event", "[alarms][json]") {
  auto e = parsed(R"({"key": "olt-17/los", "state": "firing",
    "type": "problem", "fields": {"summary": "LOS on olt-17", "priority": 2,
    "configuration_item": "olt-17"}, "source": "correlator",
    "reply_to": "http://127.0.0.1:9/hook"})");
  CHECK(e.key == "olt-17/los");
  CHECK(e.signal == alarm_signal::firing);
  CHECK(e.type == ticket_type::problem);
  CHECK(e.fields
        == ticket_fields{{"Summary", "LOS on olt-17"},
                         {"Priority", "2"},
                         {"ConfigurationItem", "olt-17"}});
  CHECK(e.source == "correlator");
  CHECK(e.reply_to == "http://127.0.0.1:9/hook");
  CHECK(e.id.empty());
  CHECK(e.at == 0);
}

TEST_CASE("an alarm event is an incident unless it says otherwise",
          "[alarms][json]") {
  CHECK(parsed(R"({"key": "k", "state": "cleared"})").type
        == ticket_type::incident);
  CHECK(parsed(R"({"key": "k", "state": "cleared", "type": null})").type
        == ticket_type::incident);
}

TEST_CASE("a clear needs no fields", "[alarms][json]") {
  auto e = parsed(R"({"key": "k", "state": "cleared"})");
  CHECK(e.signal == alarm_signal::cleared);
  CHECK(e.fields.empty());
}

TEST_CASE("alarm keys are checked", "[alarms][json]") {
  CHECK(refused(R"({"state": "cleared"})").field == "key");
  CHECK(refused(R"({"key": "", "state": "cleared"})").message
        == "key must not be empty");
  CHECK(refused(R"({"key": 17, "state": "cleared"})").message
        == "key must be a string");
  CHECK(refused(R"({"key": "a\u0001b", "state": "cleared"})").field == "key");
  CHECK(refused(R"({"key": "a\nb", "state": "cleared"})").field == "key");
  auto long_key
      = R"({"key": ")" + std::string(513, 'k') + R"(", "state": "cleared"})";
  CHECK(refused(long_key).message == "key is longer than 512 bytes");
  auto longest
      = R"({"key": ")" + std::string(512, 'k') + R"(", "state": "cleared"})";
  CHECK(parsed(longest).key.size() == 512);
  CHECK(parsed(R"({"key": "Störung/köln", "state": "cleared"})").key
        == "Störung/köln");
}

TEST_CASE("the state is firing or cleared", "[alarms][json]") {
  CHECK(refused(R"({"key": "k"})").field == "state");
  auto e = refused(R"({"key": "k", "state": "resolved"})");
  CHECK(e.field == "state");
  CHECK(e.message == "state must be firing or cleared");
  CHECK(refused(R"({"key": "k", "state": true})").field == "state");
}

TEST_CASE("the type is incident or problem", "[alarms][json]") {
  auto e = refused(R"({"key": "k", "state": "cleared", "type": "change"})");
  CHECK(e.status == 400);
  CHECK(e.field == "type");
  e = refused(R"({"key": "k", "state": "cleared", "type": "problem"})", v1);
  CHECK(e.status == 422);
  CHECK(e.code == "unsupported_by_usms_api");
}

TEST_CASE("unknown body keys are refused", "[alarms][json]") {
  auto e = refused(R"({"key": "k", "state": "cleared",
                       "correlation_id": "x"})");
  CHECK(e.field == "correlation_id");
  CHECK(e.message == "correlation_id is not a request key");
}

TEST_CASE("fields are read as the ticket API reads them", "[alarms][json]") {
  auto e = refused(R"({"key": "k", "state": "firing",
                       "fields": {"summary": "s", "colour": "red"}})");
  CHECK(e.field == "fields.colour");
  e = refused(R"({"key": "k", "state": "firing",
                  "fields": {"summary": "s", "priority": 9}})");
  CHECK(e.field == "fields.priority");
  e = refused(R"({"key": "k", "state": "firing",
                  "fields": {"summary": "s", "root_cause": "x"}})");
  CHECK(e.field == "fields.root_cause"); // a problem field on an incident
  e = refused(R"({"key": "k", "state": "firing",
                  "fields": {"summary": "s", "impact": 2}})",
              v1);
  CHECK(e.status == 422);
  CHECK(e.field == "fields.impact");
  e = refused(R"({"key": "k", "state": "firing", "fields": []})");
  CHECK(e.field == "fields");
  e = refused(R"({"key": "k", "state": "firing",
                  "fields": {"summary": "a\u0002b"}})");
  CHECK(e.field == "fields.summary");
}

TEST_CASE("the gateway sets the ExternalReference of alarm tickets",
          "[alarms][json]") {
  auto e = refused(R"({"key": "k", "state": "firing", "fields":
                       {"summary": "s", "external_reference": "x#1"}})");
  CHECK(e.field == "fields.external_reference");
}

TEST_CASE("a firing needs a summary", "[alarms][json]") {
  auto e = refused(R"({"key": "k", "state": "firing"})");
  CHECK(e.field == "fields.summary");
  e = refused(R"({"key": "k", "state": "firing", "fields": {"summary": ""}})");
  CHECK(e.field == "fields.summary");
}

TEST_CASE("source and reply_to are checked as for tickets", "[alarms][json]") {
  auto e
      = refused(R"({"key": "k", "state": "cleared", "reply_to": "ftp://x"})");
  CHECK(e.field == "reply_to");
  auto long_source = R"({"key": "k", "state": "cleared", "source": ")"
                     + std::string(257, 's') + R"("})";
  CHECK(refused(long_source).field == "source");
}

TEST_CASE("bodies that are not a JSON object are refused", "[alarms][json]") {
  CHECK(refused("{").code == "malformed_json");
  CHECK(refused("[]").code == "malformed_json");
  CHECK(refused("").code == "malformed_json");
}

TEST_CASE("the alarm list parameters", "[alarms][json]") {
  auto ok = [](query_params p) {
    auto r = parse_alarm_list_query(p);
    REQUIRE(std::holds_alternative<alarm_list_query>(r));
    return std::get<alarm_list_query>(r);
  };
  auto bad = [](query_params p) {
    auto r = parse_alarm_list_query(p);
    REQUIRE(std::holds_alternative<api_error>(r));
    return std::get<api_error>(r).field;
  };
  auto q = ok({});
  CHECK_FALSE(q.state);
  CHECK(q.limit == 100);
  CHECK(q.offset == 0);
  q = ok({{"state", "flapping"}, {"limit", "5"}, {"offset", "10"}});
  CHECK(q.state == alarm_state::flapping);
  CHECK(q.limit == 5);
  CHECK(q.offset == 10);
  CHECK(ok({{"limit", "5000"}}).limit == max_alarm_page);
  CHECK(bad({{"limit", "0"}}) == "limit");
  CHECK(bad({{"limit", "ten"}}) == "limit");
  CHECK(bad({{"offset", "-1"}}) == "offset");
  CHECK(bad({{"offset", "99999999999999999999"}}) == "offset");
  CHECK(bad({{"state", "firing"}}) == "state");
  CHECK(bad({{"sort", "key"}}) == "sort");
}

TEST_CASE("an alarm's view", "[alarms][json]") {
  auto r = sample_record();
  auto d = json(to_json(r));
  CHECK(d.MemberCount() == 9);
  CHECK(std::string{d["key"].GetString()} == "olt-17/los");
  CHECK(std::string{d["state"].GetString()} == "open");
  CHECK(std::string{d["type"].GetString()} == "problem");
  CHECK(d["ticket_id"].IsNull()); // the create is pending
  CHECK(d["generation"].GetInt() == 3);
  CHECK(d["occurrences"].GetInt64() == 42);
  CHECK(std::string{d["first_at"].GetString()} == "2026-03-01T00:00:00.000Z");
  CHECK(std::string{d["last_at"].GetString()} == "2026-03-01T00:01:00.123Z");
  CHECK(d["resolved_at"].IsNull());

  r.ticket = alarm_ticket::resolved;
  r.ticket_id = "PRB-9";
  r.phase = alarm_phase::resolved;
  r.resolved_at = 1'772'326'800'000;
  d = json(to_json(r));
  CHECK(std::string{d["ticket_id"].GetString()} == "PRB-9");
  CHECK(std::string{d["state"].GetString()} == "resolved");
  CHECK(std::string{d["resolved_at"].GetString()}
        == "2026-03-01T01:00:00.000Z");
  r.flapping = true;
  CHECK(std::string{json(to_json(r))["state"].GetString()} == "flapping");
  r.flapping = false;
  r.phase = alarm_phase::closed;
  CHECK(std::string{json(to_json(r))["state"].GetString()} == "closed");
}

TEST_CASE("a page of alarms", "[alarms][json]") {
  auto d = json(alarm_list_json(7, {sample_record(), sample_record()}));
  CHECK(d["total"].GetInt64() == 7);
  REQUIRE(d["alarms"].IsArray());
  CHECK(d["alarms"].Size() == 2);
  CHECK(std::string{d["alarms"][1]["key"].GetString()} == "olt-17/los");
  d = json(alarm_list_json(0, {}));
  CHECK(d["alarms"].Size() == 0);
}

TEST_CASE("the answer to an accepted event", "[alarms][json]") {
  auto d = json(alarm_accepted_json("gone", "ev-1", std::nullopt, nullptr));
  CHECK(std::string{d["key"].GetString()} == "gone");
  CHECK(std::string{d["event_id"].GetString()} == "ev-1");
  CHECK(d["request_id"].IsNull());
  CHECK(d["alarm"].IsNull());
  auto r = sample_record();
  d = json(alarm_accepted_json(r.key, "ev-2", std::string{"req-9"}, &r));
  CHECK(std::string{d["request_id"].GetString()} == "req-9");
  CHECK(d["alarm"].IsObject());
  CHECK(d["alarm"]["generation"].GetInt() == 3);
}

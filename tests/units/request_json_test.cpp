#include "api/request_validation.hpp"
#include "api/request_views.hpp"

#include <catch2/catch.hpp>

#include "actors/intake.hpp"
#include "actors/soap_calls.hpp"

using namespace usms;
using namespace usms::api;

namespace {

const api_error* error_of(const parsed_request& p) {
  return std::get_if<api_error>(&p);
}

} // namespace

TEST_CASE("a create maps snake_case fields to SOAP names") {
  auto p = parse_create("incident",
                        R"({"fields": {"summary": "Node down", "priority": 2,
                            "configuration_item": "olt-17"},
                            "source": "alarm-correlator",
                            "correlation_id": "alarm-8812"})",
                        {});
  REQUIRE(std::holds_alternative<ticket_request>(p));
  auto& r = std::get<ticket_request>(p);
  CHECK(r.act == action::create);
  CHECK(r.fields.at("Summary") == "Node down");
  CHECK(r.fields.at("Priority") == "2");
  CHECK(r.fields.at("ConfigurationItem") == "olt-17");
  assign_identity(r); // what the intake adds when it admits the request
  CHECK(r.external_reference == "alarm-8812");
  auto c = make_call(r, 100);
  CHECK(c.act == action::create);
  CHECK(c.type == ticket_type::incident);
  CHECK(c.fields.at("ExternalReference") == "alarm-8812");
}

TEST_CASE("validation errors name the field") {
  CHECK(error_of(parse_create("incident", R"({"fields": {}})", {}))->field
        == "fields.summary");
  CHECK(error_of(parse_create("incident",
                              R"({"fields": {"summary": "x", "sumary": 1}})",
                              {}))
          ->field
        == "fields.sumary");
  CHECK(error_of(parse_create(
                   "incident",
                   R"({"fields": {"summary": "x", "planned_start": "2026-01-01T00:00:00Z"}})",
                   {}))
          ->field
        == "fields.planned_start");
  CHECK(error_of(parse_create("incident",
                              R"({"fields": {"summary": "x", "priority": 9}})",
                              {}))
          ->field
        == "fields.priority");
  CHECK(error_of(parse_create("incident", "{bad", {}))->code
        == "malformed_json");
  CHECK(error_of(parse_create("gizmo", "{}", {}))->status == 404);
  CHECK(error_of(parse_create(
                   "incident",
                   R"({"fields": {"summary": "x", "external_reference": "a"},
                       "correlation_id": "b"})",
                   {}))
          ->field
        == "fields.external_reference");
  CHECK(error_of(parse_create("incident",
                              R"({"fields": {"summary": "x"},
                                  "reply_to": "ftp://x"})",
                              {}))
          ->field
        == "reply_to");
  CHECK(error_of(parse_create("incident",
                              "{\"fields\": {\"summary\": \"bell \\u0007\"}}",
                              {}))
          ->field
        == "fields.summary");
}

TEST_CASE("API v1 accepts only creating incidents") {
  intake_rules v1{soap::builtin_contract(1).get(), 100};
  CHECK(std::holds_alternative<ticket_request>(
    parse_create("incident", R"({"fields": {"summary": "x"}})", v1)));
  CHECK(error_of(parse_create("change", R"({"fields": {"summary": "x"}})", v1))
          ->status
        == 422);
  CHECK(error_of(parse_update("incident", "INC1",
                              R"({"fields": {"status": "Closed"}})", v1))
          ->code
        == "unsupported_by_usms_api");
  CHECK(error_of(parse_query("incident", {}, v1))->status == 422);
  CHECK(error_of(parse_create("incident",
                              R"({"fields": {"summary": "x", "impact": 2}})",
                              v1))
          ->status
        == 422);
}

TEST_CASE("a query caps its limit at the query limit") {
  auto p = parse_query("problem", {{"status", "Investigating"}, {"limit", "500"}},
                       {nullptr, 100});
  REQUIRE(std::holds_alternative<ticket_request>(p));
  auto& r = std::get<ticket_request>(p);
  CHECK(r.filter.at("Status") == "Investigating");
  CHECK(make_call(r, 100).max_results == 100);
  CHECK(error_of(parse_query("problem", {{"status", "Bogus"}}, {}))->field
        == "status");
  CHECK(error_of(parse_query("problem", {{"colour", "red"}}, {}))->field
        == "colour");
}

TEST_CASE("the request view carries the outcome") {
  request_record rec;
  rec.request.id = "r1";
  rec.request.act = action::update;
  rec.request.type = ticket_type::change;
  rec.request.ticket_id = "CHG0000001";
  rec.progress.state = request_state::succeeded;
  rec.progress.attempts = 2;
  request_outcome out;
  out.state = request_state::succeeded;
  out.tickets.push_back({{"TicketId", "CHG0000001"}, {"Risk", "Low"}});
  out.attempts = 2;
  out.finished_at = 1700000000123;
  rec.outcome = out;
  auto json = to_json(rec);
  CHECK(json.find(R"("state":"succeeded")") != std::string::npos);
  CHECK(json.find(R"("ticket":{"ticket_id":"CHG0000001","risk":"Low"})")
        != std::string::npos);
  CHECK(json.find(R"("finished_at":"2023-11-14T22:13:20.123Z")")
        != std::string::npos);
}

TEST_CASE("what the contract does not carry is refused with 422, naming "
          "the field") {
  auto loaded = soap::load_contract_file(std::string{USMS_SOURCE_DIR}
                                         + "/contract/examples/orion-osb.toml");
  REQUIRE(loaded.ok());
  intake_rules orion{loaded->get(), 100};
  // Orion has no Impact, and filters by a few elements only.
  auto p = parse_create("change",
                        R"({"fields": {"summary": "x", "impact": 2}})", orion);
  auto e = error_of(p);
  REQUIRE(e);
  CHECK(e->status == 422);
  CHECK(e->code == "unsupported_by_usms_api");
  CHECK(e->field == "fields.impact");
  CHECK(e->message == "impact is not supported by Orion Service Bus");
  p = parse_query("incident", {{"configuration_item", "sw"}}, orion);
  e = error_of(p);
  REQUIRE(e);
  CHECK(e->status == 422);
  CHECK(e->field == "configuration_item");
  CHECK(std::holds_alternative<ticket_request>(
    parse_query("incident", {{"external_reference", "r"}}, orion)));
  CHECK(std::holds_alternative<ticket_request>(parse_update(
    "problem", "PRB1", R"({"work_note": "n", "fields": {"priority": 1}})",
    orion)));

  // v1: the message says what the contract offers.
  intake_rules v1{soap::builtin_contract(1).get(), 100};
  p = parse_query("incident", {}, v1);
  e = error_of(p);
  REQUIRE(e);
  CHECK(e->message == "querying incident tickets is not supported by the "
                      "USMS contract USMS API v1 (it offers create "
                      "incident)");
}

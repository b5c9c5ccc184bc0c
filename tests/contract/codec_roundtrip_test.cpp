// build_request -> parse_request and build_response -> parse_response for
// every operation and ticket type, with awkward values.

#include "contract/soap_codec.hpp"

#include <catch2/catch.hpp>

#include "test_support.hpp"

using namespace usms;
using namespace usms::soap;

namespace {

std::string describe(const call& c) {
  return std::string{operation_name(c.op)} + " v"
         + std::to_string(c.api_version) + " "
         + std::string{to_string(c.type)};
}

} // namespace

TEST_CASE("every request survives build_request -> parse_request") {
  for (auto& c : test::all_calls()) {
    INFO(describe(c));
    credentials creds{"gw-user <&>", "p\xC3\xA4ss 'word'"};
    auto env = build_request(c, creds);
    REQUIRE(env.ok());
    auto in = parse_request(*env, c.api_version);
    INFO(*env);
    REQUIRE(in.ok());
    auto& got = in->request;
    CHECK(got.op == c.op);
    CHECK(got.api_version == c.api_version);
    CHECK(got.type == c.type);
    CHECK(got.ticket_id == c.ticket_id);
    CHECK(got.fields == c.fields);
    CHECK(got.work_note == c.work_note);
    CHECK(got.filter == c.filter);
    CHECK(got.max_results == c.max_results);
    REQUIRE(in->creds);
    CHECK(in->creds->username == creds.username);
    CHECK(in->creds->password == creds.password);
    CHECK(in->has_password);
  }
}

TEST_CASE("every answer survives build_response -> parse_response") {
  for (auto& c : test::all_calls()) {
    INFO(describe(c));
    auto a = test::sample_answer(c);
    auto env = build_response(c, a);
    auto r = parse_response(c.op, c.api_version, env);
    INFO(env);
    REQUIRE(r.ok());
    CHECK_FALSE(r->fault_info);
    CHECK(r->ok.ticket_id == a.ticket_id);
    CHECK(r->ok.total_count == a.total_count);
    CHECK(r->ok.tickets == a.tickets);
  }
}

TEST_CASE("every fault survives build_fault -> parse_response") {
  for (auto& c : test::all_calls()) {
    for (auto code : {"VALIDATION", "NOT_FOUND", "TRANSITION", "AUTH",
                      "UNSUPPORTED", "UNAVAILABLE"}) {
      INFO(describe(c) << " " << code);
      fault f;
      f.server = std::string{code} == "UNAVAILABLE";
      f.faultstring = "fault: " + test::nasty;
      f.error_code = code;
      f.error_message = "message: " + test::nasty;
      auto r = parse_response(c.op, c.api_version,
                              build_fault(c.api_version, f));
      REQUIRE(r.ok());
      REQUIRE(r->fault_info);
      CHECK(r->fault_info->server == f.server);
      CHECK(r->fault_info->faultstring == f.faultstring);
      CHECK(r->fault_info->error_code == f.error_code);
      CHECK(r->fault_info->error_message == f.error_message);
    }
  }
}

TEST_CASE("100 KB values arrive unchanged") {
  std::string big;
  while (big.size() < 100 * 1024)
    big += "St\xC3\xB6rung <&> \xF0\x9F\x9A\xA8 \"'\r\n";
  call c;
  c.op = operation::create_ticket;
  c.type = ticket_type::problem;
  c.fields = {{"Summary", big}, {"Workaround", big}, {"KnownError", "0"}};
  auto env = build_request(c, {});
  REQUIRE(env.ok());
  auto in = parse_request(*env, 2);
  REQUIRE(in.ok());
  CHECK(in->request.fields == c.fields);

  c.op = operation::update_ticket;
  answer a;
  a.tickets.push_back(c.fields);
  auto r = parse_response(c.op, 2, build_response(c, a));
  REQUIRE(r.ok());
  CHECK(r->ok.tickets == a.tickets);
}

TEST_CASE("WS-Security header: none without user, no Password without one") {
  call c;
  c.op = operation::create_incident;
  c.api_version = 1;
  c.fields = {{"Summary", "s"}};

  auto none = build_request(c, {});
  REQUIRE(none.ok());
  CHECK(none->find("Header") == std::string::npos);
  auto in = parse_request(*none, 1);
  REQUIRE(in.ok());
  CHECK_FALSE(in->creds);
  CHECK_FALSE(in->has_password);

  auto user_only = build_request(c, {"alice", ""});
  REQUIRE(user_only.ok());
  CHECK(user_only->find("<wsse:Username>alice</wsse:Username>")
        != std::string::npos);
  CHECK(user_only->find("Password") == std::string::npos);
  in = parse_request(*user_only, 1);
  REQUIRE(in.ok());
  REQUIRE(in->creds);
  CHECK(in->creds->username == "alice");
  CHECK_FALSE(in->has_password);

  auto both = build_request(c, {"alice", "s3cret"});
  REQUIRE(both.ok());
  CHECK(both->find("<wsse:Password Type=\"http://docs.oasis-open.org/wss/2004/"
                   "01/oasis-200401-wss-username-token-profile-1.0#"
                   "PasswordText\">s3cret</wsse:Password>")
        != std::string::npos);
}

TEST_CASE("requests are written in schema order with the agreed prefixes") {
  call c;
  c.op = operation::create_ticket;
  c.type = ticket_type::change;
  // A map orders these alphabetically; the schema order differs.
  c.fields = {{"Summary", "s"}, {"BackoutPlan", "b"}, {"ChangeType", "Normal"},
              {"Assignee", "a"}, {"Priority", "1"}};
  auto env = build_request(c, {});
  REQUIRE(env.ok());
  CHECK(*env
        == "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
           "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/"
           "envelope/\" xmlns:usms=\"urn:usms:ticket:v2\"><soapenv:Body>"
           "<usms:CreateTicketRequest><usms:TicketType>Change</usms:TicketType>"
           "<usms:Ticket><usms:Summary>s</usms:Summary><usms:Priority>1"
           "</usms:Priority><usms:Assignee>a</usms:Assignee><usms:ChangeType>"
           "Normal</usms:ChangeType><usms:BackoutPlan>b</usms:BackoutPlan>"
           "</usms:Ticket></usms:CreateTicketRequest></soapenv:Body>"
           "</soapenv:Envelope>");
}

TEST_CASE("build_request refuses what the contract refuses") {
  call c;
  c.op = operation::create_ticket;
  c.type = ticket_type::incident;
  auto err = [&](const credentials& creds = {}) {
    auto r = build_request(c, creds);
    REQUIRE_FALSE(r.ok());
    return r.error();
  };

  c.fields = {{"Summary", "bad \x07 bell"}};
  CHECK(err().message
        == "Summary holds control character U+0007 at byte 4, which XML 1.0 "
           "does not allow");
  CHECK(err().code == "VALIDATION");
  c.fields = {{"Summary", "s"}, {"Description", "lone \xED\xB0\x80"}};
  CHECK(err().message.find("Description holds surrogate U+DC00")
        != std::string::npos);
  c.fields = {{"Summary", "s"}, {"Category", "\xEF\xBF\xBF"}};
  CHECK(err().message.find("Category holds non-character U+FFFF")
        != std::string::npos);
  c.fields = {{"Summary", "s"}, {"Assignee", "\xC3("}};
  CHECK(err().message == "Assignee holds invalid UTF-8 at byte 0");

  c.fields = {{"Summary", "s"}, {"ChangeType", "Normal"}};
  CHECK(err().message == "ChangeType is not a field of Incident tickets");
  c.fields = {{"Summary", "s"}, {"Colour", "red"}};
  CHECK(err().message == "Colour is not a Ticket field");
  c.fields = {{"Summary", "s"}, {"TicketId", "X"}};
  CHECK(err().message == "TicketId is read-only (set by USMS)");
  c.fields = {{"Summary", "s"}, {"Priority", "9"}};
  CHECK(err().message == "Priority must be an integer from 1 to 5");
  c.fields = {{"Description", "no summary"}};
  CHECK(err().message == "Summary is required");

  c.fields = {{"Summary", "s"}};
  CHECK(err({"user\x01", ""}).message.find("SOAP username holds")
        != std::string::npos);

  c.api_version = 1;
  CHECK(err().message == "CreateTicket is not offered by USMS API v1");
  CHECK(err().code == "UNSUPPORTED");

  c.op = operation::create_incident;
  c.fields = {{"Summary", "s"}, {"Impact", "2"}};
  CHECK(err().message == "Impact is not an element of CreateIncidentRequest");

  c.op = operation::update_ticket;
  c.api_version = 2;
  c.fields = {{"Summary", "s"}};
  CHECK(err().message == "TicketId is required");

  c.op = operation::query_tickets;
  c.filter = {{"Priority", "1"}};
  CHECK(err().message.find("Priority is not a Filter element") == 0);
  c.filter = {{"UpdatedSince", "yesterday"}};
  CHECK(err().message.find("UpdatedSince must be an xsd:dateTime") == 0);
  c.filter = {{"Status", "Draft"}};
  CHECK(err().message.find("Status 'Draft' is not a status of Incident") == 0);
}

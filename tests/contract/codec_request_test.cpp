// The simulator's side: parse_request on envelopes written by other stacks
// and on requests the contract refuses.

#include "contract/soap_codec.hpp"

#include <catch2/catch.hpp>

#include "test_support.hpp"

using namespace usms;
using namespace usms::soap;

namespace {

std::string envelope(std::string_view body, std::string_view header = {}) {
  std::string out = "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap"
                    ".org/soap/envelope/\">";
  if (!header.empty())
    out += "<soapenv:Header>" + std::string{header} + "</soapenv:Header>";
  return out + "<soapenv:Body>" + std::string{body}
         + "</soapenv:Body></soapenv:Envelope>";
}

std::string create_ticket(std::string_view ns, std::string_view type,
                          std::string_view ticket) {
  return envelope("<u:CreateTicketRequest xmlns:u=\"" + std::string{ns}
                  + "\"><u:TicketType>" + std::string{type}
                  + "</u:TicketType><u:Ticket>" + std::string{ticket}
                  + "</u:Ticket></u:CreateTicketRequest>");
}

failure refused(std::string_view body, int version) {
  auto r = parse_request(test::builtin(version), body);
  REQUIRE_FALSE(r.ok());
  return r.error();
}

} // namespace

TEST_CASE("parse_request matches namespaces, not prefixes") {
  // zeep's spelling: soap-env and ns0 declared on the body element.
  auto zeep_style
    = "<soap-env:Envelope xmlns:soap-env=\"http://schemas.xmlsoap.org/soap/"
      "envelope/\"><soap-env:Header><wsse:Security xmlns:wsse=\"http://docs."
      "oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
      "\"><wsse:UsernameToken><wsse:Username>bob</wsse:Username>"
      "</wsse:UsernameToken></wsse:Security></soap-env:Header><soap-env:Body>"
      "<ns0:CreateTicketRequest xmlns:ns0=\"urn:usms:ticket:v2\">"
      "<ns0:TicketType>Problem</ns0:TicketType><ns0:Ticket><ns0:Summary>St"
      "&#246;rung</ns0:Summary><ns0:KnownError>1</ns0:KnownError></ns0:Ticket>"
      "</ns0:CreateTicketRequest></soap-env:Body></soap-env:Envelope>";
  auto r = parse_request(test::builtin(2), zeep_style);
  REQUIRE(r.ok());
  CHECK(r->op->name == "CreateTicket");
  CHECK(r->request.type == ticket_type::problem);
  CHECK(r->request.fields.at("Summary") == "St\xC3\xB6rung");
  REQUIRE(r->creds);
  CHECK(r->creds->username == "bob");
  CHECK_FALSE(r->has_password);

  // Default namespace on the operation element, S: for the envelope, and
  // the contract prefix declared on the Envelope for a CDATA value.
  auto default_ns
    = "<?xml version=\"1.0\"?>\n<S:Envelope xmlns:S=\"http://schemas.xmlsoap."
      "org/soap/envelope/\" xmlns:x=\"urn:usms:ticket:v2\"><S:Body>"
      "<QueryTicketsRequest xmlns=\"urn:usms:ticket:v2\"><TicketType>Change"
      "</TicketType><x:Filter><Status><![CDATA[Sched]]>uled</Status>"
      "</x:Filter><!-- comment --><MaxResults> 7 </MaxResults>"
      "</QueryTicketsRequest></S:Body></S:Envelope>";
  r = parse_request(test::builtin(2), default_ns);
  REQUIRE(r.ok());
  CHECK(r->op->name == "QueryTickets");
  CHECK(r->request.type == ticket_type::change);
  CHECK(r->request.filter.at("Status") == "Scheduled");
  CHECK(r->request.max_results == 7);
  CHECK_FALSE(r->creds);

  // The same prefix rebound on an inner element to a foreign namespace.
  auto rebound = create_ticket("urn:usms:ticket:v2", "Incident",
                               "<u:Summary>s</u:Summary><u:Risk xmlns:u=\"urn:"
                               "other\">x</u:Risk>");
  CHECK(refused(rebound, 2).message
        == "unexpected element {urn:other}Risk in Ticket (expected namespace "
           "urn:usms:ticket:v2)");
}

TEST_CASE("parse_request applies the served API version") {
  auto v2_create = create_ticket("urn:usms:ticket:v2", "Incident",
                                 "<u:Summary>s</u:Summary>");
  auto e = refused(v2_create, 1);
  CHECK(e.code == "UNSUPPORTED");
  CHECK(e.message == "CreateTicket is not an operation of USMS API v1");

  auto v1_incident = envelope(
    "<u:CreateIncidentRequest xmlns:u=\"urn:usms:ticket:v1\"><u:Summary>s"
    "</u:Summary></u:CreateIncidentRequest>");
  REQUIRE(parse_request(test::builtin(1), v1_incident).ok());
  e = refused(v1_incident, 2);
  CHECK(e.code == "VALIDATION");
  CHECK(e.message
        == "USMS API v2 expects CreateIncidentRequest in namespace "
           "'urn:usms:ticket:v2', not 'urn:usms:ticket:v1'");

  auto v2_incident = envelope(
    "<CreateIncidentRequest xmlns=\"urn:usms:ticket:v2\"><Summary>s</Summary>"
    "</CreateIncidentRequest>");
  REQUIRE(parse_request(test::builtin(2), v2_incident).ok());
  CHECK(refused(v2_incident, 1).message.find("expects CreateIncidentRequest "
                                             "in namespace 'urn:usms:ticket:"
                                             "v1'")
        != std::string::npos);

  e = refused(envelope("<u:DeleteTicketRequest xmlns:u=\"urn:usms:ticket:v2\""
                       "/>"),
              2);
  CHECK(e.code == "UNSUPPORTED");
  CHECK(e.message == "DeleteTicket is not an operation of USMS API v2");
}

TEST_CASE("parse_request answers VALIDATION naming the field") {
  auto v2 = "urn:usms:ticket:v2";
  struct bad {
    std::string type;
    std::string ticket;
    std::string message;
  };
  std::vector<bad> cases{
    {"Incident", "<u:Description>d</u:Description>", "Summary is required"},
    {"Incident", "<u:Summary>  </u:Summary>", "Summary is required"},
    {"Ticket", "<u:Summary>s</u:Summary>",
     "TicketType 'Ticket' is not Incident, Change or Problem"},
    {"Incident", "<u:Summary>s</u:Summary><u:ChangeType>Normal</u:ChangeType>",
     "ChangeType is not a field of Incident tickets"},
    {"Change", "<u:Summary>s</u:Summary><u:Priority>0</u:Priority>",
     "Priority must be an integer from 1 to 5"},
    {"Change", "<u:Summary>s</u:Summary><u:PlannedEnd>soon</u:PlannedEnd>",
     "PlannedEnd must be an xsd:dateTime such as 2026-11-27T10:00:00Z or "
     "2026-11-27T11:00:00+01:00"},
    {"Problem", "<u:Summary>s</u:Summary><u:KnownError>yes</u:KnownError>",
     "KnownError must be true or false"},
    {"Change", "<u:Summary>s</u:Summary><u:ChangeType>Urgent</u:ChangeType>",
     "ChangeType must be Standard, Normal or Emergency"},
    {"Incident", "<u:Summary>s</u:Summary><u:TicketId>X</u:TicketId>",
     "TicketId is read-only (set by USMS)"},
    {"Incident", "<u:Summary>s</u:Summary><u:Colour>red</u:Colour>",
     "Colour is not a Ticket field"},
    {"Incident", "<u:Summary>s</u:Summary><u:Summary>t</u:Summary>",
     "Summary appears more than once in Ticket"},
    {"Incident", "<u:Summary><u:b>s</u:b></u:Summary>",
     "Summary in Ticket must hold text, not elements"},
    {"Incident", "<u:Summary>bell &#7;</u:Summary>",
     "Summary holds control character U+0007 at byte 5, which XML 1.0 does "
     "not allow"},
    {"Incident", "<u:Summary>s</u:Summary><u:Status>Draft</u:Status>",
     "Status 'Draft' is not a status of Incident tickets (New, Assigned, "
     "InProgress, Pending, Resolved, Closed, Cancelled)"},
  };
  for (auto& c : cases) {
    INFO(c.ticket);
    auto e = refused(create_ticket(v2, c.type, c.ticket), 2);
    CHECK(e.code == "VALIDATION");
    CHECK(e.message == c.message);
  }

  auto q = [](std::string_view inner) {
    return envelope("<u:QueryTicketsRequest xmlns:u=\"urn:usms:ticket:v2\">"
                    + std::string{inner} + "</u:QueryTicketsRequest>");
  };
  CHECK(refused(q("<u:TicketType>Incident</u:TicketType><u:Filter/>"), 2)
          .message
        == "MaxResults is required");
  CHECK(refused(q("<u:TicketType>Incident</u:TicketType><u:Filter/>"
                  "<u:MaxResults>-1</u:MaxResults>"),
                2)
          .message
        == "MaxResults must be a non-negative integer");
  CHECK(refused(q("<u:TicketType>Incident</u:TicketType><u:Filter><u:Summary>"
                  "x</u:Summary></u:Filter><u:MaxResults>1</u:MaxResults>"),
                2)
          .message
        == "Summary is not an element of Filter");
  CHECK(refused(envelope("<u:UpdateTicketRequest xmlns:u=\"urn:usms:ticket:v2"
                         "\"><u:TicketType>Incident</u:TicketType><u:Ticket/>"
                         "</u:UpdateTicketRequest>"),
                2)
          .message
        == "TicketId is required");
  CHECK(refused(envelope("<u:CreateIncidentRequest xmlns:u=\"urn:usms:ticket:"
                         "v1\"><u:Summary>s</u:Summary><u:Impact>1</u:Impact>"
                         "</u:CreateIncidentRequest>"),
                1)
          .message
        == "Impact is not an element of CreateIncidentRequest");
}

TEST_CASE("parse_request refuses what is not a SOAP request") {
  CHECK(refused("", 2).message == "the request body is empty");
  CHECK(refused("<a/>", 2).message
        == "the request is not a SOAP 1.1 envelope: its root element is a");
  CHECK(refused(envelope(""), 2).message
        == "the request has an empty SOAP Body");
  CHECK(refused(envelope("<x:Foo xmlns:x=\"urn:usms:ticket:v2\"/>"), 2).message
        == "the SOAP Body holds {urn:usms:ticket:v2}Foo, not an operation "
           "request such as CreateTicketRequest");
  CHECK(refused("<!DOCTYPE x [<!ENTITY a 'b'>]><x/>", 2).code == "VALIDATION");
}

TEST_CASE("parse_request reads a contract's own names and spellings, and "
          "only those") {
  auto& acme = test::example("acme-itsm.toml");
  auto incident = [](std::string_view inner) {
    return envelope("<a:NewIncident xmlns:a=\"urn:acme:itsm:2024\">"
                    + std::string{inner} + "</a:NewIncident>");
  };
  auto r = parse_request(acme, incident("<a:Title>t</a:Title><a:Severity>P1"
                                        "</a:Severity><a:CI>sw-1</a:CI>"));
  REQUIRE(r.ok());
  CHECK(r->op->name == "CreateIncident");
  CHECK(r->request.type == ticket_type::incident);
  CHECK(r->request.fields == ticket_fields{{"Summary", "t"},
                                           {"Priority", "1"},
                                           {"ConfigurationItem", "sw-1"}});
  auto e = parse_request(acme, incident("<a:Title>t</a:Title><a:Severity>1"
                                        "</a:Severity>"));
  REQUIRE_FALSE(e.ok());
  CHECK(e.error().message == "Severity '1' is not one of the contract's "
                             "values (P1, P2, P3, P4, P5)");
  // The model's name of a field is no element of this contract.
  e = parse_request(acme, incident("<a:Summary>t</a:Summary>"));
  REQUIRE_FALSE(e.ok());
  CHECK(e.error().message == "Summary is not an element of NewIncident");
  // Statuses: ACME spells every incident status, some change statuses.
  auto modify = [](std::string_view type, std::string_view state) {
    return envelope("<a:Modify" + std::string{type}
                    + " xmlns:a=\"urn:acme:itsm:2024\"><a:Number>X1</a:Number>"
                      "<a:State>"
                    + std::string{state} + "</a:State></a:Modify"
                    + std::string{type} + ">");
  };
  r = parse_request(acme, modify("Incident", "WORK_IN_PROGRESS"));
  REQUIRE(r.ok());
  CHECK(r->request.fields.at("Status") == "InProgress");
  CHECK_FALSE(parse_request(acme, modify("Incident", "InProgress")).ok());
  r = parse_request(acme, modify("Change", "Approved"));
  REQUIRE(r.ok());
  CHECK(r->request.fields.at("Status") == "Approved");
  r = parse_request(acme, modify("Change", "DONE"));
  REQUIRE(r.ok());
  CHECK(r->request.fields.at("Status") == "Completed");
  CHECK_FALSE(parse_request(acme, modify("Change", "Completed")).ok());

  auto& orion = test::example("orion-osb.toml");
  auto create = [](std::string_view type) {
    return envelope("<o:CreateRecordRequest xmlns:o=\"http://orion.example."
                    "net/osb/ticketing/v3\"><o:RecordClass>"
                    + std::string{type}
                    + "</o:RecordClass><o:Record><o:ShortText>s</o:ShortText>"
                      "</o:Record></o:CreateRecordRequest>");
  };
  r = parse_request(orion, create("PRB"));
  REQUIRE(r.ok());
  CHECK(r->request.type == ticket_type::problem);
  e = parse_request(orion, create("Problem"));
  REQUIRE_FALSE(e.ok());
  CHECK(e.error().message == "RecordClass 'Problem' is not INC, CHG or PRB");
  // The query lives in a namespace of its own.
  e = parse_request(orion,
                    envelope("<o:SearchRecordsRequest xmlns:o=\"http://orion."
                             "example.net/osb/ticketing/v3\"/>"));
  REQUIRE_FALSE(e.ok());
  CHECK(e.error().message == "Orion Service Bus expects SearchRecordsRequest "
                             "in namespace 'http://orion.example.net/osb/"
                             "search/v1', not 'http://orion.example.net/osb/"
                             "ticketing/v3'");
}

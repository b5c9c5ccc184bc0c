// build_request -> parse_request and build_response -> parse_response for
// every operation and ticket type of every test contract (the built-in ones
// and the examples), with awkward values.

#include "contract/soap_codec.hpp"

#include <catch2/catch.hpp>

#include "test_support.hpp"

using namespace usms;
using namespace usms::soap;

using test::all_contracts;
using test::describe;

TEST_CASE("every request survives build_request -> parse_request") {
  for (auto k : all_contracts())
    for (auto& c : test::all_calls(*k)) {
      INFO(describe(*k, c));
      credentials creds{"gw-user <&>", "p\xC3\xA4ss 'word'"};
      auto env = build_request(*k, c, creds);
      REQUIRE(env.ok());
      auto in = parse_request(*k, *env);
      INFO(*env);
      REQUIRE(in.ok());
      auto& got = in->request;
      CHECK(in->op == k->sent(c.act, c.type));
      CHECK(got.act == c.act);
      CHECK(got.type == c.type);
      CHECK(got.ticket_id == c.ticket_id);
      CHECK(got.fields == c.fields);
      CHECK(got.work_note == c.work_note);
      CHECK(got.filter == c.filter);
      if (c.act == action::query)
        CHECK(got.max_results == c.max_results);
      if (!k->ws_security) {
        CHECK_FALSE(in->creds);
        continue;
      }
      REQUIRE(in->creds);
      CHECK(in->creds->username == creds.username);
      CHECK(in->creds->password == creds.password);
      CHECK(in->has_password);
    }
}

TEST_CASE("every answer survives build_response -> parse_response") {
  for (auto k : all_contracts())
    for (auto& c : test::all_calls(*k)) {
      INFO(describe(*k, c));
      auto a = test::sample_answer(*k, c);
      auto env = build_response(*k, *k->sent(c.act, c.type), c, a);
      auto r = parse_response(*k, c.act, c.type, env);
      INFO(env);
      REQUIRE(r.ok());
      CHECK_FALSE(r->fault_info);
      CHECK(r->ok.ticket_id == a.ticket_id);
      CHECK(r->ok.total_count == a.total_count);
      CHECK(r->ok.tickets == a.tickets);
    }
}

TEST_CASE("every fault survives build_fault -> parse_response") {
  for (auto k : all_contracts())
    for (auto& c : test::all_calls(*k)) {
      for (auto code : {"VALIDATION", "NOT_FOUND", "TRANSITION", "AUTH",
                        "UNSUPPORTED", "UNAVAILABLE"}) {
        INFO(describe(*k, c) << " " << code);
        fault f;
        f.server = std::string{code} == "UNAVAILABLE";
        f.faultstring = "fault: " + test::nasty;
        f.error_code = code;
        f.error_message = "message: " + test::nasty;
        auto r = parse_response(*k, c.act, c.type, build_fault(*k, f));
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
  for (auto k : all_contracts()) {
    if (!k->offers(action::create, ticket_type::problem))
      continue;
    INFO(k->name);
    call c;
    c.act = action::create;
    c.type = ticket_type::problem;
    c.fields = {{"Summary", big}, {"Workaround", big}, {"KnownError", "false"}};
    auto env = build_request(*k, c, {});
    REQUIRE(env.ok());
    auto in = parse_request(*k, *env);
    REQUIRE(in.ok());
    CHECK(in->request.fields == c.fields);

    c.act = action::update;
    answer a;
    a.tickets.push_back(c.fields);
    a.tickets.back()["TicketId"] = big;
    auto r = parse_response(*k, c.act, c.type,
                            build_response(*k, *k->sent(c.act, c.type), c, a));
    REQUIRE(r.ok());
    CHECK(r->ok.tickets == a.tickets);
  }
}

TEST_CASE("WS-Security header: none without user, no Password without one") {
  auto& v1 = test::builtin(1);
  call c;
  c.fields = {{"Summary", "s"}};

  auto none = build_request(v1, c, {});
  REQUIRE(none.ok());
  CHECK(none->find("Header") == std::string::npos);
  auto in = parse_request(v1, *none);
  REQUIRE(in.ok());
  CHECK_FALSE(in->creds);
  CHECK_FALSE(in->has_password);

  auto user_only = build_request(v1, c, {"alice", ""});
  REQUIRE(user_only.ok());
  CHECK(user_only->find("<wsse:Username>alice</wsse:Username>")
        != std::string::npos);
  CHECK(user_only->find("Password") == std::string::npos);
  in = parse_request(v1, *user_only);
  REQUIRE(in.ok());
  REQUIRE(in->creds);
  CHECK(in->creds->username == "alice");
  CHECK_FALSE(in->has_password);

  auto both = build_request(v1, c, {"alice", "s3cret"});
  REQUIRE(both.ok());
  CHECK(both->find("<wsse:Password Type=\"http://docs.oasis-open.org/wss/2004/"
                   "01/oasis-200401-wss-username-token-profile-1.0#"
                   "PasswordText\">s3cret</wsse:Password>")
        != std::string::npos);

  // A contract without WS-Security sends no header, whatever is configured.
  auto& acme = test::example("acme-itsm.toml");
  auto plain = build_request(acme, c, {"alice", "s3cret"});
  REQUIRE(plain.ok());
  CHECK(plain->find("Header") == std::string::npos);
  CHECK(plain->find("alice") == std::string::npos);
}

TEST_CASE("requests are written in schema order with the agreed prefixes") {
  call c;
  c.type = ticket_type::change;
  // A map orders these alphabetically; the schema order differs.
  c.fields = {{"Summary", "s"},
              {"BackoutPlan", "b"},
              {"ChangeType", "Normal"},
              {"Assignee", "a"},
              {"Priority", "1"}};
  auto env = build_request(test::builtin(2), c, {});
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
  const contract* k = &test::builtin(2);
  call c;
  c.type = ticket_type::incident;
  auto err = [&](const credentials& creds = {}) {
    auto r = build_request(*k, c, creds);
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

  k = &test::builtin(1);
  c.type = ticket_type::change;
  CHECK(err().message
        == "create change is not offered by USMS API v1 (it "
           "offers create incident)");
  CHECK(err().code == "UNSUPPORTED");

  c.type = ticket_type::incident;
  c.fields = {{"Summary", "s"}, {"Impact", "2"}};
  CHECK(err().message == "Impact is not an element of CreateIncidentRequest");
  c.act = action::update;
  CHECK(err().code == "UNSUPPORTED");

  k = &test::builtin(2);
  c.fields = {{"Summary", "s"}};
  CHECK(err().message == "TicketId is required");

  // A work note the operation has no element for; a field it does not map.
  k = &test::example("orion-osb.toml");
  c.ticket_id = "INC1";
  c.fields = {{"Impact", "2"}};
  CHECK(err().message == "Impact is not carried by ChangeRecordRequest");

  k = &test::builtin(2);
  c.act = action::query;
  c.filter = {{"Priority", "1"}};
  CHECK(err().message.find("Priority is not a Filter element") == 0);
  c.filter = {{"UpdatedSince", "yesterday"}};
  CHECK(err().message.find("UpdatedSince must be an xsd:dateTime") == 0);
  c.filter = {{"Status", "Draft"}};
  CHECK(err().message.find("Status 'Draft' is not a status of Incident") == 0);
  k = &test::example("orion-osb.toml");
  c.filter = {{"AssignmentGroup", "NOC"}};
  CHECK(err().message
        == "AssignmentGroup is not a filter of "
           "SearchRecordsRequest");
}

TEST_CASE("the example contracts put their own names and spellings on the "
          "wire") {
  auto& acme = test::example("acme-itsm.toml");
  call c;
  c.type = ticket_type::problem;
  c.fields = {{"Summary", "s"},
              {"Priority", "02"},
              {"KnownError", "1"},
              {"ExternalReference", "r"}};
  auto env = build_request(acme, c, {});
  REQUIRE(env.ok());
  CHECK(*env
        == "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
           "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/"
           "envelope/\" xmlns:acme=\"urn:acme:itsm:2024\"><soapenv:Body>"
           "<acme:NewProblem><acme:Title>s</acme:Title><acme:Severity>P2"
           "</acme:Severity><acme:CorrelationRef>r</acme:CorrelationRef>"
           "<acme:KnownErrorFlag>Y</acme:KnownErrorFlag></acme:NewProblem>"
           "</soapenv:Body></soapenv:Envelope>");

  auto& orion = test::example("orion-osb.toml");
  c.act = action::update;
  c.type = ticket_type::change;
  c.ticket_id = "CHG7";
  c.fields = {{"Status", "Approved"}, {"ChangeType", "Emergency"}};
  c.work_note = "ok";
  env = build_request(orion, c, {"u", ""});
  REQUIRE(env.ok());
  CHECK(env->find("<osb:ChangeRecordRequest><osb:RecordId>CHG7</osb:RecordId>"
                  "<osb:RecordClass>CHG</osb:RecordClass><osb:Changes>"
                  "<osb:Lifecycle>30-Approved</osb:Lifecycle><osb:Kind>"
                  "expedited</osb:Kind></osb:Changes><osb:Comment>ok"
                  "</osb:Comment></osb:ChangeRecordRequest>")
        != std::string::npos);
  CHECK(env->find("<wsse:Username>u</wsse:Username>") != std::string::npos);

  // The query goes out in its own namespace, the answer's values come back
  // in the model's spellings.
  c.act = action::query;
  c.filter = {{"Status", "Completed"}};
  c.max_results = 3;
  env = build_request(orion, c, {});
  REQUIRE(env.ok());
  CHECK(env->find("xmlns:osb=\"http://orion.example.net/osb/search/v1\"")
        != std::string::npos);
  CHECK(env->find("<osb:PageSize>3</osb:PageSize><osb:Criteria><osb:Lifecycle>"
                  "60-Completed</osb:Lifecycle></osb:Criteria>")
        != std::string::npos);
  auto r = parse_response(
      orion, action::query, ticket_type::change,
      "<e:Envelope xmlns:e=\"http://schemas.xmlsoap.org/soap/envelope/\">"
      "<e:Body><s:SearchRecordsResponse xmlns:s=\"http://orion.example.net/osb/"
      "search/v1\"><s:Hits>9</s:Hits><s:Record><s:RecordId>CHG7</s:RecordId>"
      "<s:Lifecycle>60-Completed</s:Lifecycle><s:Kind>pre-approved</s:Kind>"
      "<s:Impact>2</s:Impact></s:Record></s:SearchRecordsResponse></e:Body>"
      "</e:Envelope>");
  REQUIRE(r.ok());
  CHECK(r->ok.total_count == 9);
  REQUIRE(r->ok.tickets.size() == 1);
  CHECK(r->ok.tickets[0]
        == ticket_fields{{"TicketId", "CHG7"},
                         {"Status", "Completed"},
                         {"ChangeType", "Standard"}});
}

TEST_CASE("fault codes are read and written in the contract's spelling") {
  auto& orion = test::example("orion-osb.toml");
  auto env = build_fault(orion, {false, "f", "NOT_FOUND", "no such record"});
  CHECK(env.find("<detail><osb:ServiceFault xmlns:osb=\"http://orion.example."
                 "net/osb/ticketing/v3\"><osb:Code>NO_SUCH_RECORD</osb:Code>"
                 "<osb:Reason>no such record</osb:Reason></osb:ServiceFault>"
                 "</detail>")
        != std::string::npos);
  auto& acme = test::example("acme-itsm.toml");
  env = build_fault(acme, {true, "f", "UNAVAILABLE", "down"});
  CHECK(env.find("<detail xmlns:acme=\"urn:acme:faults\"><acme:Code>E-DOWN"
                 "</acme:Code><acme:Text>down</acme:Text></detail>")
        != std::string::npos);
  // Two of ACME's codes are UNAVAILABLE; an unknown one stays as it came.
  for (auto [wire, ours] : std::vector<std::pair<std::string, std::string>>{
           {"E-BUSY", "UNAVAILABLE"},
           {"E-DOWN", "UNAVAILABLE"},
           {"E-WHAT", "E-WHAT"}}) {
    auto body = "<e:Envelope xmlns:e=\"http://schemas.xmlsoap.org/soap/"
                "envelope/\"><e:Body><e:Fault><faultcode>e:Server</faultcode>"
                "<faultstring>x</faultstring><detail><Code xmlns=\"urn:acme:"
                "faults\">"
                + wire + "</Code></detail></e:Fault></e:Body></e:Envelope>";
    auto r = parse_response(acme, action::create, ticket_type::incident, body);
    REQUIRE(r.ok());
    REQUIRE(r->fault_info);
    CHECK(r->fault_info->error_code == ours);
  }
}

// usms-sim over real HTTP: the SOAP operations and their validation.

#include <catch2/catch.hpp>

#include "tests/sim/sim_fixture.hpp"

using namespace usms;
using namespace usms::test;

namespace {

std::string field(const ticket_fields& t, const std::string& name) {
  auto it = t.find(name);
  return it == t.end() ? std::string{} : it->second;
}

} // namespace

TEST_CASE("incidents are created, updated and queried", "[sim][soap]") {
  sim_instance sim;
  auto created = sim.call(create_ticket(
    ticket_type::incident, {{"Summary", "disk full on db-1"},
                            {"Priority", "2"},
                            {"ConfigurationItem", "db-1"},
                            {"ExternalReference", "alarm-1"}}));
  auto id = require_ok(created).ticket_id;
  CHECK(id == "INC0000001");
  auto second = sim.call_op("CreateIncident",
                            create_incident({{"Summary", "second"}}));
  CHECK(require_ok(second).ticket_id == "INC0000002");

  auto updated = sim.call(update_ticket(
    ticket_type::incident, id,
    {{"Status", "InProgress"}, {"Assignee", "alice"}}, "looking into it"));
  const auto& answer = require_ok(updated);
  REQUIRE(answer.tickets.size() == 1);
  const auto& t = answer.tickets.front();
  CHECK(field(t, "TicketId") == id);
  CHECK(field(t, "Status") == "InProgress");
  CHECK(field(t, "Assignee") == "alice");
  CHECK(field(t, "Summary") == "disk full on db-1");
  CHECK(field(t, "Priority") == "2");
  CHECK_FALSE(field(t, "CreatedAt").empty());
  CHECK(field(t, "UpdatedAt") >= field(t, "CreatedAt"));

  auto queried = sim.call(query_tickets(ticket_type::incident,
                                        {{"ExternalReference", "alarm-1"}},
                                        10));
  const auto& page = require_ok(queried);
  CHECK(page.total_count == 1);
  REQUIRE(page.tickets.size() == 1);
  CHECK(field(page.tickets[0], "TicketId") == id);
  CHECK(field(page.tickets[0], "Status") == "InProgress");

  auto by_id = sim.call(query_tickets(ticket_type::incident,
                                      {{"TicketId", "INC0000002"}}, 5));
  REQUIRE(require_ok(by_id).tickets.size() == 1);
  CHECK(field(require_ok(by_id).tickets[0], "Summary") == "second");
  CHECK(field(require_ok(by_id).tickets[0], "Status") == "New");
}

TEST_CASE("changes start as Draft and take change fields", "[sim][soap]") {
  sim_instance sim;
  auto created = sim.call(create_ticket(
    ticket_type::change, {{"Summary", "replace line card"},
                          {"ChangeType", "Normal"},
                          {"PlannedStart", "2030-01-01T10:00:00Z"},
                          {"BackoutPlan", "reinsert the old card"}}));
  auto id = require_ok(created).ticket_id;
  CHECK(id == "CHG0000001");
  auto q = sim.call(query_tickets(ticket_type::change, {{"TicketId", id}}, 1));
  REQUIRE(require_ok(q).tickets.size() == 1);
  CHECK(field(require_ok(q).tickets[0], "Status") == "Draft");
  CHECK(field(require_ok(q).tickets[0], "ChangeType") == "Normal");

  auto approved = sim.call(update_ticket(ticket_type::change, id,
                                         {{"Status", "Approved"},
                                          {"Risk", "Low"}}));
  CHECK(field(require_ok(approved).tickets.at(0), "Status") == "Approved");
  CHECK(field(require_ok(approved).tickets.at(0), "Risk") == "Low");

  // Completed is terminal: leaving it is a TRANSITION fault.
  require_ok(sim.call(update_ticket(ticket_type::change, id,
                                    {{"Status", "Completed"}})));
  require_fault(sim.call(update_ticket(ticket_type::change, id,
                                       {{"Status", "Scheduled"}})),
                false, "TRANSITION");
  // Staying in the terminal status and changing other fields is fine.
  require_ok(sim.call(update_ticket(ticket_type::change, id,
                                    {{"Status", "Completed"},
                                     {"Description", "done"}})));
}

TEST_CASE("problems are created, updated and queried", "[sim][soap]") {
  sim_instance sim;
  auto id = require_ok(sim.call(create_ticket(
                         ticket_type::problem,
                         {{"Summary", "recurring link flaps"},
                          {"AssignmentGroup", "NOC"}})))
              .ticket_id;
  CHECK(id == "PRB0000001");
  auto updated = sim.call(update_ticket(
    ticket_type::problem, id,
    {{"Status", "KnownError"}, {"KnownError", "true"},
     {"RootCause", "bad optic"}, {"Workaround", "reseat"}}));
  const auto& t = require_ok(updated).tickets.at(0);
  CHECK(field(t, "Status") == "KnownError");
  CHECK(field(t, "KnownError") == "true");
  CHECK(field(t, "RootCause") == "bad optic");
  auto q = sim.call(query_tickets(ticket_type::problem,
                                  {{"AssignmentGroup", "NOC"},
                                   {"Status", "KnownError"}},
                                  10));
  CHECK(require_ok(q).total_count == 1);
  // Closed is terminal for problems.
  require_ok(sim.call(update_ticket(ticket_type::problem, id,
                                    {{"Status", "Closed"}})));
  require_fault(sim.call(update_ticket(ticket_type::problem, id,
                                       {{"Status", "Investigating"}})),
                false, "TRANSITION");
}

TEST_CASE("ticket types do not mix", "[sim][soap]") {
  sim_instance sim;
  auto inc = require_ok(sim.call(create_ticket(ticket_type::incident,
                                               {{"Summary", "x"}})))
               .ticket_id;
  // An incident id updated as a change: not found among changes.
  require_fault(sim.call(update_ticket(ticket_type::change, inc,
                                       {{"Risk", "High"}})),
                false, "NOT_FOUND");
  require_fault(sim.call(update_ticket(ticket_type::incident, "INC0009999",
                                       {{"Assignee", "bob"}})),
                false, "NOT_FOUND");
  auto q = sim.call(query_tickets(ticket_type::change, {{"TicketId", inc}}, 5));
  CHECK(require_ok(q).total_count == 0);
  CHECK(require_ok(q).tickets.empty());
}

TEST_CASE("MaxResults caps the page, TotalCount counts every match",
          "[sim][soap]") {
  sim_instance sim;
  for (int i = 0; i < 7; ++i)
    require_ok(sim.call(create_ticket(
      ticket_type::incident,
      {{"Summary", "storm " + std::to_string(i)},
       {"ConfigurationItem", i % 2 == 0 ? "sw-even" : "sw-odd"}})));
  auto page = sim.call(query_tickets(ticket_type::incident,
                                     {{"ConfigurationItem", "sw-even"}}, 3));
  CHECK(require_ok(page).total_count == 4);
  REQUIRE(require_ok(page).tickets.size() == 3);
  // Creation order.
  CHECK(field(require_ok(page).tickets[0], "Summary") == "storm 0");
  CHECK(field(require_ok(page).tickets[2], "Summary") == "storm 4");

  auto all = sim.call(query_tickets(ticket_type::incident, {}, 100));
  CHECK(require_ok(all).total_count == 7);
  CHECK(require_ok(all).tickets.size() == 7);

  // UpdatedSince: UpdatedAt >= the value.
  auto stamp = field(require_ok(all).tickets[5], "UpdatedAt");
  auto since = sim.call(query_tickets(ticket_type::incident,
                                      {{"UpdatedSince", stamp}}, 100));
  CHECK(require_ok(since).total_count >= 2);
  CHECK(require_ok(since).total_count <= 7);
  for (const auto& t : require_ok(since).tickets)
    CHECK(field(t, "UpdatedAt") >= stamp);
  auto future = sim.call(query_tickets(
    ticket_type::incident, {{"UpdatedSince", "2999-01-01T00:00:00Z"}}, 100));
  CHECK(require_ok(future).total_count == 0);

  auto zero = sim.call_raw(
    action::query,
    raw_envelope(2, "<u:QueryTicketsRequest><u:TicketType>Incident</u:TicketType>"
                    "<u:Filter/><u:MaxResults>0</u:MaxResults>"
                    "</u:QueryTicketsRequest>"),
    "\"QueryTickets\"");
  require_fault(zero, false, "VALIDATION");
}

TEST_CASE("work notes are accepted on updates", "[sim][soap]") {
  sim_instance sim;
  auto id = require_ok(sim.call(create_ticket(ticket_type::incident,
                                              {{"Summary", "x"}})))
              .ticket_id;
  auto r = sim.call(update_ticket(ticket_type::incident, id, {},
                                  "first note"));
  CHECK(field(require_ok(r).tickets.at(0), "TicketId") == id);
}

TEST_CASE("a v1 simulator offers CreateIncident only", "[sim][soap]") {
  sim_instance sim({"--api-version", "1"});
  auto created = sim.call(create_incident({{"Summary", "v1 incident"},
                                              {"Priority", "1"},
                                              {"ExternalReference", "r1"}}));
  CHECK(require_ok(created).ticket_id == "INC0000001");
  // v2 operations, built as a v2 gateway would send them.
  auto v2 = sim.call_as(*soap::builtin_contract(2),
                        create_ticket(ticket_type::change, {{"Summary", "c"}}));
  INFO(v2.http.body);
  CHECK(v2.http.status == 500);
  CHECK(v2.http.body.find("UNSUPPORTED") != std::string::npos);
  // Parsed as a v1 answer (a v1 client knows no UpdateTicket answer).
  auto raw = sim.call_raw(
    action::create,
    raw_envelope(1, "<u:UpdateTicketRequest><u:TicketType>Incident"
                    "</u:TicketType><u:TicketId>INC0000001</u:TicketId>"
                    "<u:Ticket/></u:UpdateTicketRequest>"),
    "\"UpdateTicket\"");
  require_fault(raw, false, "UNSUPPORTED");
  auto stats = sim.stats();
  CHECK(stats["calls"]["CreateIncident"].GetUint64() == 1);
  CHECK(stats["calls"]["UpdateTicket"].GetUint64() == 1);
}

TEST_CASE("a v2 simulator offers CreateIncident in the v2 namespace",
          "[sim][soap]") {
  sim_instance sim;
  auto r = sim.call_op("CreateIncident", create_incident({{"Summary", "x"}}));
  CHECK(require_ok(r).ticket_id == "INC0000001");
}

TEST_CASE("SOAPAction may be quoted, bare or absent, but must agree",
          "[sim][soap]") {
  sim_instance sim;
  auto envelope = soap::build_request(
    sim.contract(), create_ticket(ticket_type::incident, {{"Summary", "x"}}),
    {});
  REQUIRE(envelope.ok());
  for (std::string action : {"\"CreateTicket\"", "CreateTicket", ""}) {
    INFO("SOAPAction: " << action);
    auto r = sim.call_raw(action::create, *envelope, action);
    CHECK_FALSE(require_ok(r).ticket_id.empty());
  }
  auto wrong = sim.call_raw(action::create, *envelope, "\"QueryTickets\"");
  require_fault(wrong, false, "VALIDATION");
  CHECK(sim.stats()["tickets"].GetUint64() == 3);
}

TEST_CASE("invalid requests get Client VALIDATION faults", "[sim][soap]") {
  sim_instance sim;
  auto create = [&](const std::string& type, const std::string& ticket) {
    return sim.call_raw(
      action::create,
      raw_envelope(2, "<u:CreateTicketRequest><u:TicketType>" + type
                        + "</u:TicketType><u:Ticket>" + ticket
                        + "</u:Ticket></u:CreateTicketRequest>"),
      "\"CreateTicket\"");
  };
  SECTION("missing Summary") {
    require_fault(create("Incident", "<u:Priority>2</u:Priority>"), false,
                  "VALIDATION");
  }
  SECTION("blank Summary") {
    require_fault(create("Incident", "<u:Summary>  </u:Summary>"), false,
                  "VALIDATION");
  }
  SECTION("unknown TicketType") {
    require_fault(create("Outage", "<u:Summary>x</u:Summary>"), false,
                  "VALIDATION");
  }
  SECTION("a field of another ticket type") {
    require_fault(create("Incident", "<u:Summary>x</u:Summary>"
                                     "<u:ChangeType>Normal</u:ChangeType>"),
                  false, "VALIDATION");
  }
  SECTION("a value of the wrong kind") {
    require_fault(create("Incident", "<u:Summary>x</u:Summary>"
                                     "<u:Priority>9</u:Priority>"),
                  false, "VALIDATION");
    require_fault(create("Problem", "<u:Summary>x</u:Summary>"
                                    "<u:KnownError>maybe</u:KnownError>"),
                  false, "VALIDATION");
    require_fault(create("Incident", "<u:Summary>x</u:Summary>"
                                     "<u:Status>Draft</u:Status>"),
                  false, "VALIDATION");
  }
  SECTION("not XML") {
    auto r = sim.call_raw(action::create, "not xml <", "\"CreateTicket\"");
    require_fault(r, false, "VALIDATION");
  }
  CHECK(sim.stats()["tickets"].GetUint64() == 0);
}

TEST_CASE("credentials are checked when --user is set", "[sim][soap][auth]") {
  SECTION("user and password") {
    sim_instance sim({"--user", "gw", "--password", "s3cret"});
    auto c = create_ticket(ticket_type::incident, {{"Summary", "x"}});
    require_ok(sim.call(c, {"gw", "s3cret"}));
    require_fault(sim.call(c, {"gw", "wrong"}), false, "AUTH");
    require_fault(sim.call(c, {"other", "s3cret"}), false, "AUTH");
    require_fault(sim.call(c, {"gw", ""}), false, "AUTH");
    require_fault(sim.call(c, {}), false, "AUTH");
    CHECK(sim.stats()["tickets"].GetUint64() == 1);
    CHECK(sim.stats()["calls"]["CreateTicket"].GetUint64() == 5);
  }
  SECTION("user only") {
    sim_instance sim({"--user", "gw"});
    auto c = create_ticket(ticket_type::incident, {{"Summary", "x"}});
    require_ok(sim.call(c, {"gw", ""}));
    require_ok(sim.call(c, {"gw", "anything"}));
    require_fault(sim.call(c, {"nobody", ""}), false, "AUTH");
    require_fault(sim.call(c, {}), false, "AUTH");
  }
  SECTION("no user: any or no token") {
    sim_instance sim;
    auto c = create_ticket(ticket_type::incident, {{"Summary", "x"}});
    require_ok(sim.call(c, {}));
    require_ok(sim.call(c, {"someone", "pw"}));
  }
}

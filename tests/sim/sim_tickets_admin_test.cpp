// usms-sim's tickets as people handle them (GET/PUT /admin/tickets/{id}),
// and queries in ascending UpdatedAt order.

#include <catch2/catch.hpp>

#include <thread>

#include "tests/sim/sim_fixture.hpp"

using namespace usms;
using namespace usms::test;

namespace {

std::string text(const rapidjson::Value& obj, const char* key) {
  auto i = obj.FindMember(key);
  return i != obj.MemberEnd() && i->value.IsString() ? i->value.GetString()
                                                      : "";
}

http_reply put_ticket(sim_instance& sim, const std::string& id,
                      const std::string& body) {
  return http_call("PUT", sim.base_url() + "/admin/tickets/" + id, body,
                   {{"Content-Type", "application/json"}});
}

} // namespace

TEST_CASE("a person resolves, closes and comments tickets through the admin "
          "API",
          "[sim][admin]") {
  sim_instance sim;
  auto id = require_ok(sim.call(create_ticket(ticket_type::incident,
                                              {{"Summary", "LOS"}})))
              .ticket_id;
  require_ok(sim.call(update_ticket(ticket_type::incident, id, {}, "first")));

  auto got = http_call("GET", sim.base_url() + "/admin/tickets/" + id);
  REQUIRE(got.status == 200);
  auto doc = parse_json(got.body);
  CHECK(text(doc["ticket"], "Status") == "New");
  CHECK(text(doc["ticket"], "TicketId") == id);
  REQUIRE(doc["work_notes"].Size() == 1);
  CHECK(std::string{doc["work_notes"][0].GetString()} == "first");

  auto before = text(doc["ticket"], "UpdatedAt");
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  auto closed = put_ticket(sim, id,
                           R"({"status": "Closed", "work_note": "done"})");
  REQUIRE(closed.status == 200);
  auto after = parse_json(closed.body);
  CHECK(text(after["ticket"], "Status") == "Closed");
  CHECK(text(after["ticket"], "UpdatedAt") > before);
  CHECK(after["work_notes"].Size() == 2);

  // Closed stays closed; a status the type lacks and unknown keys are
  // refused; an unknown ticket is 404.
  CHECK(put_ticket(sim, id, R"({"status": "InProgress"})").status == 409);
  CHECK(put_ticket(sim, id, R"({"status": "Investigating"})").status == 400);
  CHECK(put_ticket(sim, id, R"({"priority": "1"})").status == 400);
  CHECK(http_call("GET", sim.base_url() + "/admin/tickets/INC0009999")
          .status
        == 404);
  CHECK(http_call("GET", sim.base_url() + "/admin/tickets/nope").status
        == 404);
}

TEST_CASE("QueryTickets answers in ascending UpdatedAt order", "[sim][soap]") {
  sim_instance sim;
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i)
    ids.push_back(require_ok(sim.call(create_ticket(
                               ticket_type::problem,
                               {{"Summary", "p" + std::to_string(i)}})))
                    .ticket_id);
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  // The first ticket changes last: it comes last.
  REQUIRE(put_ticket(sim, ids[0], R"({"status": "Resolved"})").status == 200);
  auto page = require_ok(sim.call(query_tickets(ticket_type::problem, {}, 2)));
  CHECK(page.total_count == 3);
  REQUIRE(page.tickets.size() == 2);
  CHECK(page.tickets[0].at("TicketId") == ids[1]);
  CHECK(page.tickets[1].at("TicketId") == ids[2]);
  auto since = page.tickets[1].at("UpdatedAt");
  auto rest = require_ok(sim.call(
    query_tickets(ticket_type::problem, {{"UpdatedSince", since}}, 10)));
  REQUIRE(rest.tickets.size() >= 1);
  CHECK(rest.tickets.back().at("TicketId") == ids[0]);
  CHECK(rest.tickets.back().at("Status") == "Resolved");
}

// What the intake decides for a request at admission: its id, its
// acceptance time and, for a create, the ExternalReference USMS stores.

#include <catch2/catch.hpp>

#include "actors/intake.hpp"

using namespace usms;

TEST_CASE("a create's ExternalReference is its correlation id, else its id") {
  ticket_request with;
  with.correlation_id = "alarm-8812";
  assign_identity(with);
  CHECK_FALSE(with.id.empty());
  CHECK(with.accepted_at > 0);
  CHECK(with.external_reference == "alarm-8812");

  ticket_request without;
  assign_identity(without);
  CHECK(without.external_reference == without.id);
  CHECK(without.id != with.id);
}

TEST_CASE("admission keeps what a request carries already") {
  ticket_request r;
  r.id = "r-resumed";
  r.accepted_at = 1767225600000;
  r.external_reference = "ext-1";
  r.correlation_id = "corr-1";
  assign_identity(r);
  CHECK(r.id == "r-resumed");
  CHECK(r.accepted_at == 1767225600000);
  CHECK(r.external_reference == "ext-1");
}

TEST_CASE("updates and queries get no ExternalReference") {
  for (auto act : {action::update, action::query}) {
    ticket_request r;
    r.act = act;
    r.correlation_id = "corr-1";
    assign_identity(r);
    CHECK_FALSE(r.id.empty());
    CHECK(r.external_reference.empty());
  }
}

TEST_CASE("serial keys: a create's reference, an update's ticket, and a "
          "query for one ticket waits behind that ticket's writes") {
  ticket_request create;
  create.act = action::create;
  create.type = ticket_type::incident;
  create.external_reference = "alarm-1";
  CHECK(serial_key(create) == "x:alarm-1");

  ticket_request update;
  update.act = action::update;
  update.type = ticket_type::incident;
  update.ticket_id = "INC0000042";
  CHECK(serial_key(update) == "t:incident:INC0000042");

  ticket_request by_ticket;
  by_ticket.act = action::query;
  by_ticket.type = ticket_type::incident;
  by_ticket.filter["TicketId"] = "INC0000042";
  CHECK(serial_key(by_ticket) == serial_key(update));

  ticket_request by_reference;
  by_reference.act = action::query;
  by_reference.type = ticket_type::incident;
  by_reference.filter["ExternalReference"] = "alarm-1";
  CHECK(serial_key(by_reference) == serial_key(create));

  ticket_request broad;
  broad.act = action::query;
  broad.filter["Status"] = "New";
  CHECK(serial_key(broad).empty());
}

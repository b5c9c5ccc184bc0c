// What people did to an alarm's ticket in USMS, as the sync reports it.

#include <catch2/catch.hpp>

#include "alarm_fixture.hpp"

namespace usms::alarms::testing {

TEST_CASE("a ticket closed by people closes the alarm and its next firing "
          "makes generation 2",
          "[alarms][rules][people]") {
  for (auto status : {"Closed", "Cancelled"}) {
    alarm_fixture a;
    a.open_with_ticket();
    CHECK_FALSE(a.seen(20min, status, 15min));
    CHECK(a.state() == alarm_state::closed);
    CHECK(a.record->ticket == alarm_ticket::gone);
    CHECK(a.record->resolved_at == at(15min));
    CHECK_FALSE(a.clear(25min)); // nothing to resolve
    CHECK(a.state() == alarm_state::closed);
    auto step = a.fire(26min); // within the reopen window, still a new one
    check_create(step, "olt-17/los#2");
    CHECK(a.record->generation == 2);
    CHECK(a.state() == alarm_state::open);
  }
}

TEST_CASE("a ticket closed after the gateway resolved it closes the alarm",
          "[alarms][rules][people]") {
  alarm_fixture a;
  a.open_with_ticket();
  a.clear(10min);
  CHECK_FALSE(a.seen(2h, "Closed", 90min));
  CHECK(a.state() == alarm_state::closed);
  CHECK(a.record->resolved_at == at(10min));
}

TEST_CASE("a closed ticket drops the repeats no note told",
          "[alarms][rules][people]") {
  alarm_fixture a;
  a.open_with_ticket();
  a.fire(1min);
  a.seen(2min, "Closed", 2min);
  CHECK(a.record->repeats == 0);
  CHECK_FALSE(a.next_due());
  CHECK_FALSE(a.tick(10min));
}

TEST_CASE("a ticket resolved by people resolves the alarm, and a firing "
          "within the window reopens it",
          "[alarms][rules][people]") {
  alarm_fixture a;
  a.open_with_ticket();
  CHECK_FALSE(a.seen(31min, "Resolved", 30min)); // nothing sent at once
  CHECK(a.state() == alarm_state::resolved);
  CHECK(a.record->ticket == alarm_ticket::resolved);
  CHECK(a.record->resolved_at == at(30min));
  auto step = a.fire(80min);
  REQUIRE(step);
  CHECK(step->cause == request_cause::alarm_reopened);
  CHECK(step->request.ticket_id == "INC-1");
  CHECK(a.record->generation == 1);
}

TEST_CASE("a firing a window after people resolved the ticket makes a new "
          "one",
          "[alarms][rules][people]") {
  alarm_fixture a;
  a.open_with_ticket();
  a.seen(31min, "Resolved", 30min);
  auto step = a.fire(90min);
  check_create(step, "olt-17/los#2");
}

TEST_CASE("a sighting without UpdatedAt counts from now",
          "[alarms][rules][people]") {
  alarm_fixture a;
  a.open_with_ticket();
  a.feed(ticket_seen{"INC-1", "Resolved", 0}, at(40min));
  CHECK(a.record->resolved_at == at(40min));
}

TEST_CASE("sightings that change nothing", "[alarms][rules][people]") {
  alarm_fixture a;
  a.open_with_ticket();
  SECTION("another ticket") {
    CHECK_FALSE(a.feed(ticket_seen{"INC-99", "Closed", at(1min)}, at(2min)));
    CHECK(a.state() == alarm_state::open);
  }
  SECTION("a status people work in") {
    for (auto status : {"InProgress", "Assigned", "Pending", "New"})
      CHECK_FALSE(a.seen(2min, status, 1min));
    CHECK(a.state() == alarm_state::open);
    CHECK(a.record->ticket == alarm_ticket::open);
  }
  SECTION("the resolve the gateway made itself") {
    a.clear(10min);
    CHECK_FALSE(a.seen(12min, "Resolved", 10min));
    CHECK(a.record->resolved_at == at(10min));
    CHECK(a.state() == alarm_state::resolved);
  }
}

TEST_CASE("no sighting applies before the ticket exists",
          "[alarms][rules][people]") {
  alarm_fixture a;
  a.fire(0s);
  CHECK_FALSE(a.feed(ticket_seen{"", "Closed", at(1min)}, at(1min)));
  CHECK(a.record->ticket == alarm_ticket::creating);
}

} // namespace usms::alarms::testing

// Clears and the resolve they cause, and firings after a clear: reopen
// within the window, a new generation after it.

#include <catch2/catch.hpp>

#include "alarm_fixture.hpp"

namespace usms::alarms::testing {

TEST_CASE("a clear resolves an incident with the resolution code",
          "[alarms][rules]") {
  alarm_fixture a;
  a.open_with_ticket();
  auto step = a.clear(10min);
  REQUIRE(step);
  CHECK(step->cause == request_cause::alarm_cleared);
  auto& req = step->request;
  CHECK(req.act == action::update);
  CHECK(req.type == ticket_type::incident);
  CHECK(req.ticket_id == "INC-1");
  CHECK(req.fields
        == ticket_fields{{"Status", "Resolved"},
                         {"ResolutionCode", "AutoResolved"}});
  CHECK(req.work_note
        == "Alarm olt-17/los cleared at 2026-03-01T00:10:00Z: the gateway "
           "resolves this ticket.");
  CHECK(a.state() == alarm_state::resolved);
  CHECK(a.record->ticket == alarm_ticket::resolved);
  CHECK(a.record->resolved_at == at(10min));
}

TEST_CASE("the resolution code comes from the settings", "[alarms][rules]") {
  alarm_fixture a;
  a.ctx.settings.resolution_code = "Cleared by monitoring";
  a.open_with_ticket();
  auto step = a.clear(10min);
  REQUIRE(step);
  CHECK(step->request.fields.at("ResolutionCode") == "Cleared by monitoring");
}

TEST_CASE("a clear resolves a problem without a resolution code",
          "[alarms][rules]") {
  alarm_fixture a;
  a.type = ticket_type::problem;
  a.open_with_ticket();
  auto step = a.clear(10min);
  REQUIRE(step);
  CHECK(step->request.type == ticket_type::problem);
  CHECK(step->request.fields == ticket_fields{{"Status", "Resolved"}});
  CHECK_FALSE(step->request.work_note.empty());
}

TEST_CASE("the resolve tells the repeats no note told yet", "[alarms][rules]") {
  alarm_fixture a;
  a.open_with_ticket();
  a.fire(1min);
  a.fire(2min);
  auto step = a.clear(3min);
  REQUIRE(step);
  CHECK(step->cause == request_cause::alarm_cleared);
  CHECK(contains(step->request.work_note, "cleared at"));
  CHECK(contains(step->request.work_note,
                 "fired 2 more times since the last note, the last at "
                 "2026-03-01T00:02:00Z (3 occurrences in all)"));
  // Told: the interval the repeats opened makes no second update.
  CHECK_FALSE(a.next_due());
  CHECK_FALSE(a.tick(6min));
}

TEST_CASE("with auto_resolve off a clear leaves the ticket as it is",
          "[alarms][rules]") {
  alarm_fixture a;
  a.ctx.settings.auto_resolve = false;
  a.open_with_ticket();
  CHECK_FALSE(a.clear(10min));
  CHECK(a.state() == alarm_state::resolved);
  CHECK(a.record->resolved_at == at(10min));
  CHECK(a.record->ticket == alarm_ticket::open);
  // Turning it on later does not resolve a ticket the clear left alone.
  a.ctx.settings.auto_resolve = true;
  CHECK_FALSE(a.tick(11min));
}

TEST_CASE("with auto_resolve off repeats are still told", "[alarms][rules]") {
  alarm_fixture a;
  a.ctx.settings.auto_resolve = false;
  a.open_with_ticket();
  a.fire(1min);
  CHECK_FALSE(a.clear(2min));
  auto step = a.tick(6min);
  REQUIRE(step);
  CHECK(step->cause == request_cause::alarm_repeat);
}

TEST_CASE("a clear of an unknown key stores and sends nothing",
          "[alarms][rules]") {
  alarm_fixture a;
  CHECK_FALSE(a.clear(0s));
  CHECK_FALSE(a.record);
  CHECK_FALSE(a.feed(timer_due{}, at(1s)));
  CHECK_FALSE(a.record);
}

TEST_CASE("a clear while the create is pending resolves the ticket once it "
          "exists",
          "[alarms][rules]") {
  alarm_fixture a;
  a.fire(0s);
  CHECK_FALSE(a.clear(1min)); // an outage holds the create
  CHECK(a.state() == alarm_state::resolved);
  CHECK(a.record->ticket == alarm_ticket::creating);
  auto step = a.created(30min);
  REQUIRE(step);
  CHECK(step->cause == request_cause::alarm_cleared);
  CHECK(step->request.ticket_id == "INC-1");
  CHECK(step->request.fields.at("Status") == "Resolved");
  CHECK(contains(step->request.work_note, "cleared at 2026-03-01T00:01:00Z"));
  CHECK(a.record->ticket == alarm_ticket::resolved);
}

TEST_CASE("a clear and a firing while the create is pending send no resolve",
          "[alarms][rules]") {
  alarm_fixture a;
  a.fire(0s);
  a.clear(1min);
  // Even past the reopen window: no ticket was made yet, none is made again.
  CHECK_FALSE(a.fire(2h));
  CHECK(a.record->generation == 1);
  CHECK(a.state() == alarm_state::open);
  auto step = a.created(3h);
  // The ticket hears of the firing that came after its create.
  REQUIRE(step);
  CHECK(step->cause == request_cause::alarm_repeat);
  CHECK(step->request.fields.empty());
}

TEST_CASE("a second clear changes nothing", "[alarms][rules]") {
  alarm_fixture a;
  a.open_with_ticket();
  REQUIRE(a.clear(10min));
  CHECK_FALSE(a.clear(11min));
  CHECK(a.record->resolved_at == at(10min));
}

TEST_CASE("firing within the reopen window reopens the same ticket",
          "[alarms][rules]") {
  alarm_fixture a; // reopen_window 1h
  a.open_with_ticket();
  a.clear(10min);
  auto step = a.fire(69min);
  REQUIRE(step);
  CHECK(step->cause == request_cause::alarm_reopened);
  auto& req = step->request;
  CHECK(req.act == action::update);
  CHECK(req.ticket_id == "INC-1");
  CHECK(req.fields == ticket_fields{{"Status", "InProgress"}});
  CHECK(contains(req.work_note,
                 "Alarm olt-17/los is firing again (at 2026-03-01T01:09:00Z): "
                 "the gateway reopens this ticket."));
  CHECK_FALSE(contains(req.work_note, "more time"));
  CHECK(req.correlation_id == "olt-17/los#1");
  auto& r = *a.record;
  CHECK(a.state() == alarm_state::open);
  CHECK(r.generation == 1);
  CHECK(r.occurrences == 2);
  CHECK(r.resolved_at == 0);
  CHECK(r.ticket == alarm_ticket::open);
}

TEST_CASE("a problem reopens to Investigating", "[alarms][rules]") {
  alarm_fixture a;
  a.type = ticket_type::problem;
  a.open_with_ticket();
  a.clear(10min);
  auto step = a.fire(20min);
  REQUIRE(step);
  CHECK(step->request.fields == ticket_fields{{"Status", "Investigating"}});
}

TEST_CASE("firing a whole window after the resolve makes generation 2",
          "[alarms][rules]") {
  alarm_fixture a;
  a.open_with_ticket();
  a.clear(10min);
  auto step = a.fire(70min); // exactly 1h after: no longer within
  check_create(step, "olt-17/los#2");
  auto& r = *a.record;
  CHECK(r.generation == 2);
  CHECK(r.occurrences == 1);
  CHECK(r.first_at == at(70min));
  CHECK(r.ticket == alarm_ticket::creating);
  CHECK(r.ticket_id.empty());
  CHECK(r.resolved_at == 0);
  CHECK(a.state() == alarm_state::open);
}

TEST_CASE("a 0s reopen window never reopens", "[alarms][rules]") {
  alarm_fixture a;
  a.ctx.settings.reopen_window = 0s;
  a.open_with_ticket();
  a.clear(10min);
  auto step = a.fire(10min + 1s);
  check_create(step, "olt-17/los#2");
}

TEST_CASE("with auto_resolve off a firing within the window continues the "
          "ticket",
          "[alarms][rules]") {
  alarm_fixture a;
  a.ctx.settings.auto_resolve = false;
  a.open_with_ticket();
  a.clear(10min);
  CHECK_FALSE(a.fire(20min)); // the ticket was never resolved: no reopen
  CHECK(a.state() == alarm_state::open);
  CHECK(a.record->generation == 1);
  auto step = a.tick(25min);
  REQUIRE(step);
  CHECK(step->cause == request_cause::alarm_repeat);
  // Past the window it is a new alarm, and a new ticket.
  a.clear(30min);
  step = a.fire(2h);
  check_create(step, "olt-17/los#2");
}

TEST_CASE("the step of an event carries that event's source and reply_to",
          "[alarms][rules]") {
  alarm_fixture a;
  a.open_with_ticket();
  auto e = a.event(alarm_signal::cleared, at(5min));
  e.source = "other";
  e.reply_to = "http://127.0.0.1:9/other";
  auto step = a.feed(e, at(5min));
  REQUIRE(step);
  CHECK(step->request.source == "other");
  CHECK(step->request.reply_to == "http://127.0.0.1:9/other");
}

} // namespace usms::alarms::testing

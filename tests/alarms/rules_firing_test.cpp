// First firings, repeats and their coalescing into one update per interval,
// failed creates and long keys.

#include <catch2/catch.hpp>

#include "alarm_fixture.hpp"

namespace usms::alarms::testing {

TEST_CASE("the first firing of a key creates generation 1", "[alarms][rules]") {
  alarm_fixture a;
  auto step = a.fire(0s);
  REQUIRE(step);
  CHECK(step->cause == request_cause::alarm_firing);
  auto& req = step->request;
  CHECK(req.act == action::create);
  CHECK(req.type == ticket_type::incident);
  CHECK(req.external_reference == "olt-17/los#1");
  CHECK(req.correlation_id == "olt-17/los#1");
  CHECK(req.fields.at("Summary") == "Node down");
  CHECK(req.fields.at("ConfigurationItem") == "olt-17");
  CHECK(req.fields.count("ExternalReference") == 0);
  CHECK(req.source == "correlator");
  CHECK(req.reply_to == "http://127.0.0.1:9/hook");

  auto& r = *a.record;
  CHECK(r.key == "olt-17/los");
  CHECK(a.state() == alarm_state::open);
  CHECK(r.ticket == alarm_ticket::creating);
  CHECK(r.ticket_id.empty());
  CHECK(r.generation == 1);
  CHECK(r.occurrences == 1);
  CHECK(r.first_at == at(0s));
  CHECK(r.last_at == at(0s));
  CHECK(r.resolved_at == 0);
  CHECK_FALSE(a.next_due());
}

TEST_CASE("a problem alarm creates a problem ticket", "[alarms][rules]") {
  alarm_fixture a;
  a.type = ticket_type::problem;
  auto step = a.fire(0s);
  REQUIRE(step);
  CHECK(step->request.type == ticket_type::problem);
  CHECK(a.record->type == ticket_type::problem);
}

TEST_CASE("the create's success gives the alarm its ticket id",
          "[alarms][rules]") {
  alarm_fixture a;
  a.fire(0s);
  CHECK_FALSE(a.created(2s, "INC-7"));
  CHECK(a.record->ticket == alarm_ticket::open);
  CHECK(a.record->ticket_id == "INC-7");
}

TEST_CASE("an answer for another create is ignored", "[alarms][rules]") {
  alarm_fixture a;
  a.fire(0s);
  CHECK_FALSE(a.feed(ticket_created{"olt-17/los#2", "INC-9"}, at(1s)));
  CHECK(a.record->ticket == alarm_ticket::creating);
  CHECK(a.record->ticket_id.empty());
}

TEST_CASE("repeats make no ticket and one update at the end of the interval",
          "[alarms][rules]") {
  alarm_fixture a; // update_interval 5m
  a.open_with_ticket();
  for (int i = 1; i < 50; ++i)
    CHECK_FALSE(a.fire(std::chrono::seconds{i}));
  auto& r = *a.record;
  CHECK(r.occurrences == 50);
  CHECK(r.generation == 1);
  CHECK(r.last_at == at(49s));
  // The first repeat (at 1s) opened the interval.
  REQUIRE(a.next_due());
  CHECK(*a.next_due() == at(5min + 1s));
  CHECK_FALSE(a.tick(5min));

  auto step = a.tick(5min + 1s);
  REQUIRE(step);
  CHECK(step->cause == request_cause::alarm_repeat);
  auto& req = step->request;
  CHECK(req.act == action::update);
  CHECK(req.ticket_id == "INC-1");
  CHECK(req.fields.empty());
  CHECK(req.correlation_id == "olt-17/los#1");
  CHECK(contains(req.work_note, "fired 49 more times since the last note"));
  CHECK(contains(req.work_note, "the last at 2026-03-01T00:00:49Z"));
  CHECK(contains(req.work_note, "50 occurrences in all"));
  CHECK(a.record->repeats == 0);
  CHECK_FALSE(a.next_due());
  CHECK_FALSE(a.tick(10min));
}

TEST_CASE("each interval with repeats makes exactly one update",
          "[alarms][rules]") {
  alarm_fixture a;
  a.open_with_ticket();
  int updates = 0;
  auto count = [&](std::optional<alarm_step> s) {
    if (s) {
      CHECK(s->cause == request_cause::alarm_repeat);
      ++updates;
    }
  };
  // Repeats every 30 s for 12 minutes, the timer going off when due.
  for (auto t = 30s; t <= 12min; t += 30s) {
    while (a.next_due() && *a.next_due() <= at(t))
      count(a.tick(std::chrono::milliseconds{*a.next_due() - t0}));
    count(a.fire(t));
  }
  // Intervals opened by the repeats at 30s, 5m30s and 10m30s; the last one
  // is still open.
  CHECK(updates == 2);
  REQUIRE(a.next_due());
  CHECK(*a.next_due() == at(15min + 30s));
  count(a.tick(15min + 30s));
  CHECK(updates == 3);
  CHECK(a.record->occurrences == 25);
}

TEST_CASE("a quiet interval makes no update", "[alarms][rules]") {
  alarm_fixture a;
  a.open_with_ticket();
  CHECK_FALSE(a.tick(5min));
  CHECK_FALSE(a.tick(1h));
  CHECK_FALSE(a.next_due());
}

TEST_CASE("a repeat after a missed timer sends the update at once",
          "[alarms][rules]") {
  alarm_fixture a;
  a.open_with_ticket();
  a.fire(1min); // interval ends at 6m
  auto step = a.fire(7min);
  REQUIRE(step);
  CHECK(step->cause == request_cause::alarm_repeat);
  CHECK(contains(step->request.work_note, "fired 2 more times"));
}

TEST_CASE("repeats while the create is pending wait for the ticket",
          "[alarms][rules]") {
  alarm_fixture a;
  a.fire(0s);
  a.fire(1min);
  a.fire(2min);
  // The interval ended, but there is no ticket to update yet.
  CHECK_FALSE(a.next_due());
  CHECK_FALSE(a.tick(6min));
  auto step = a.created(20min);
  REQUIRE(step);
  CHECK(step->cause == request_cause::alarm_repeat);
  CHECK(step->request.ticket_id == "INC-1");
  CHECK(contains(step->request.work_note, "fired 2 more times"));
  CHECK(contains(step->request.work_note, "3 occurrences in all"));
}

TEST_CASE("a create that ends before the interval keeps the interval",
          "[alarms][rules]") {
  alarm_fixture a;
  a.fire(0s);
  a.fire(1min);
  CHECK_FALSE(a.created(2min));
  REQUIRE(a.next_due());
  CHECK(*a.next_due() == at(6min));
}

TEST_CASE("after a failed create the next firing creates it again",
          "[alarms][rules]") {
  alarm_fixture a;
  a.fire(0s);
  a.fire(1min);
  CHECK_FALSE(a.create_fails(2min));
  CHECK(a.record->ticket == alarm_ticket::none);
  CHECK_FALSE(a.next_due());
  CHECK(a.state() == alarm_state::open);

  auto step = a.fire(3min);
  check_create(step, "olt-17/los#1");
  CHECK(a.record->generation == 1);
  CHECK(a.record->occurrences == 3);
  CHECK(a.record->first_at == at(0s));
}

TEST_CASE("a clear after a failed create sends nothing", "[alarms][rules]") {
  alarm_fixture a;
  a.fire(0s);
  a.create_fails(1min);
  CHECK_FALSE(a.clear(2min));
  CHECK(a.state() == alarm_state::resolved);
}

TEST_CASE("keys over 100 bytes are hashed in the ExternalReference",
          "[alarms][rules]") {
  alarm_fixture a;
  a.key = std::string(100, 'k');
  auto step = a.fire(0s);
  check_create(step, a.key + "#1");

  alarm_fixture b;
  b.key = std::string(101, 'k');
  step = b.fire(0s);
  check_create(step, "h:dec651a2cfdb388ffb5e01b69d4d7997#1");
  CHECK(b.record->key == b.key);
  b.created(1s);
  b.clear(1min);
  step = b.fire(3h); // past the reopen window: generation 2
  check_create(step, "h:dec651a2cfdb388ffb5e01b69d4d7997#2");
}

} // namespace usms::alarms::testing

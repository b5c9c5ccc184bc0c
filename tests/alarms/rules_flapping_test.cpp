// Flapping: more than flap_threshold changes within flap_window hold
// resolve and reopen; a whole quiet window brings the ticket in line.

#include <catch2/catch.hpp>

#include "alarm_fixture.hpp"

namespace usms::alarms::testing {

namespace {

/// Alternates clear and firing every minute from `first` to `last` (in
/// minutes), collecting the causes of the steps sent.
std::vector<request_cause> alternate(alarm_fixture& a, int first, int last) {
  std::vector<request_cause> causes;
  for (int m = first; m <= last; ++m) {
    auto step = m % 2 == 1 ? a.clear(std::chrono::minutes{m})
                           : a.fire(std::chrono::minutes{m});
    if (step)
      causes.push_back(step->cause);
  }
  return causes;
}

} // namespace

TEST_CASE("up to flap_threshold changes within the window are not flapping",
          "[alarms][rules][flapping]") {
  alarm_fixture a; // threshold 5, window 10m
  a.open_with_ticket();
  auto causes = alternate(a, 1, 5);
  CHECK(causes
        == std::vector<request_cause>{
            request_cause::alarm_cleared, request_cause::alarm_reopened,
            request_cause::alarm_cleared, request_cause::alarm_reopened,
            request_cause::alarm_cleared});
  CHECK(a.state() == alarm_state::resolved);
  CHECK_FALSE(a.record->flapping);
}

TEST_CASE("changes spread wider than the window are not flapping",
          "[alarms][rules][flapping]") {
  alarm_fixture a;
  a.open_with_ticket();
  for (int i = 1; i <= 20; ++i) {
    auto d = std::chrono::minutes{3 * i};
    auto step = i % 2 == 1 ? a.clear(d) : a.fire(d);
    REQUIRE(step); // every clear resolves, every firing reopens
    CHECK(step->cause != request_cause::alarm_flapping);
  }
  CHECK_FALSE(a.record->flapping);
}

TEST_CASE("the change past the threshold makes the alarm flap: one note, "
          "resolve and reopen held",
          "[alarms][rules][flapping]") {
  alarm_fixture a;
  a.open_with_ticket();
  alternate(a, 1, 5);       // five changes; the ticket is resolved
  auto step = a.fire(6min); // the sixth
  REQUIRE(step);
  CHECK(step->cause == request_cause::alarm_flapping);
  CHECK(step->request.fields.empty()); // the reopen is held
  CHECK(step->request.work_note
        == "Alarm olt-17/los is flapping: 6 changes between firing and "
           "cleared within 10m. The gateway holds resolving and reopening "
           "this ticket until the alarm stays firing or cleared for 10m.");
  CHECK(a.state() == alarm_state::flapping);
  CHECK(a.record->ticket == alarm_ticket::resolved);

  // More changes send nothing.
  CHECK(alternate(a, 7, 9).empty());
  CHECK(a.state() == alarm_state::flapping);
  REQUIRE(a.next_due());
  CHECK(*a.next_due() == at(19min)); // 10m after the last change at 9m
}

TEST_CASE("a whole quiet window brings the ticket in line with the firing",
          "[alarms][rules][flapping]") {
  alarm_fixture a;
  a.open_with_ticket();
  alternate(a, 1, 8); // flapping since 6m, last change 8m: firing
  CHECK_FALSE(a.tick(17min + 59s));
  CHECK(a.state() == alarm_state::flapping);
  auto step = a.tick(18min);
  REQUIRE(step);
  CHECK(step->cause == request_cause::alarm_reopened);
  CHECK(step->request.fields == ticket_fields{{"Status", "InProgress"}});
  CHECK(contains(step->request.work_note,
                 "Alarm olt-17/los stayed firing for 10m and is no longer "
                 "flapping."));
  CHECK(contains(step->request.work_note, "the gateway reopens this ticket"));
  CHECK(a.state() == alarm_state::open);
  CHECK(a.record->ticket == alarm_ticket::open);
  CHECK_FALSE(a.next_due());
}

TEST_CASE("nothing is sent when the ticket is in line after the quiet window",
          "[alarms][rules][flapping]") {
  alarm_fixture a;
  a.open_with_ticket();
  alternate(a, 1, 7); // flapping since 6m; cleared at 7m, ticket resolved
  CHECK(a.state() == alarm_state::flapping);
  CHECK(a.record->ticket == alarm_ticket::resolved);
  CHECK_FALSE(a.tick(17min));
  CHECK(a.state() == alarm_state::resolved);
}

TEST_CASE("the resolve held while flapping is sent after the quiet window",
          "[alarms][rules][flapping]") {
  alarm_fixture a;
  a.open_with_ticket();
  a.ctx.settings.flap_threshold = 2;
  REQUIRE(a.clear(1min));    // resolved
  REQUIRE(a.fire(2min));     // reopened
  auto step = a.clear(3min); // third change: flapping, resolve held
  REQUIRE(step);
  CHECK(step->cause == request_cause::alarm_flapping);
  CHECK(a.record->ticket == alarm_ticket::open);
  step = a.tick(13min);
  REQUIRE(step);
  CHECK(step->cause == request_cause::alarm_cleared);
  CHECK(step->request.fields.at("Status") == "Resolved");
  CHECK(contains(step->request.work_note, "stayed cleared for 10m"));
  CHECK(a.record->ticket == alarm_ticket::resolved);
}

TEST_CASE("repeats do not break the quiet window and are told while flapping",
          "[alarms][rules][flapping]") {
  alarm_fixture a;
  a.open_with_ticket();
  a.ctx.settings.flap_threshold = 2;
  a.clear(1min); // resolved
  a.fire(2min);  // reopened
  a.clear(3min); // flapping: the resolve is held, the ticket stays open
  REQUIRE(a.record->flapping);
  // Firings the open ticket has not heard of are repeats, told per interval.
  CHECK_FALSE(a.fire(4min)); // a change; its interval ends at 9m
  CHECK_FALSE(a.fire(5min)); // a repeat, not a change
  REQUIRE(a.next_due());
  CHECK(*a.next_due() == at(9min));
  auto step = a.tick(9min);
  REQUIRE(step);
  CHECK(step->cause == request_cause::alarm_repeat);
  CHECK(contains(step->request.work_note, "fired 2 more times"));
  CHECK(a.record->flapping);
  CHECK(*a.next_due() == at(14min)); // 10m after the change at 4m
  CHECK_FALSE(a.fire(12min));        // a repeat: interval until 17m
  CHECK_FALSE(a.tick(14min));        // steady and in line; the repeat waits
  CHECK_FALSE(a.record->flapping);
  CHECK(*a.next_due() == at(17min));
}

TEST_CASE("flapping that starts before the ticket exists is noted once it "
          "does",
          "[alarms][rules][flapping]") {
  alarm_fixture a;
  a.ctx.settings.flap_threshold = 2;
  a.fire(0s);
  a.clear(1min);
  a.fire(2min);
  CHECK_FALSE(a.clear(3min)); // flapping, no ticket yet
  CHECK(a.state() == alarm_state::flapping);
  auto step = a.created(4min);
  REQUIRE(step);
  CHECK(step->cause == request_cause::alarm_flapping);
  CHECK(contains(step->request.work_note, "is flapping"));
  // The repeat of 2m is told with it.
  CHECK(contains(step->request.work_note, "fired 1 more time"));
  CHECK(step->request.fields.empty()); // the resolve is held
  step = a.tick(13min);
  REQUIRE(step);
  CHECK(step->cause == request_cause::alarm_cleared);
}

TEST_CASE("an input after a missed quiet window acts on a steady alarm",
          "[alarms][rules][flapping]") {
  alarm_fixture a;
  a.open_with_ticket();
  alternate(a, 1, 6); // flapping, ticket resolved, alarm firing
  // No timer ran; at 30m the alarm clears: the ticket is already resolved.
  CHECK_FALSE(a.clear(30min));
  CHECK(a.state() == alarm_state::resolved);
  CHECK_FALSE(a.record->flapping);
  CHECK(a.record->changes == std::vector<int64_t>{at(30min)});
}

TEST_CASE("a new generation starts without flapping",
          "[alarms][rules][flapping]") {
  alarm_fixture a;
  a.ctx.settings.reopen_window = 0s;
  a.open_with_ticket();
  a.ctx.settings.flap_threshold = 1;
  a.clear(1min);
  a.seen(2min, "Closed", 2min);
  auto step = a.fire(3min);
  REQUIRE(step);
  CHECK(step->request.act == action::create);
  CHECK_FALSE(a.record->flapping);
  CHECK(a.record->changes.empty());
}

TEST_CASE("the change list stays bounded", "[alarms][rules][flapping]") {
  alarm_fixture a;
  a.open_with_ticket();
  alternate(a, 1, 9);
  CHECK(a.record->changes.size() == 6); // flap_threshold + 1
  CHECK(a.record->changes.front() == at(4min));
}

} // namespace usms::alarms::testing

// due(): when an alarm needs the rules again; forgettable(): when a
// resolved or closed alarm may go.

#include <catch2/catch.hpp>

#include "alarm_fixture.hpp"

namespace usms::alarms::testing {

TEST_CASE("due names the earlier of the interval end and the flapping end",
          "[alarms][rules][timers]") {
  alarm_fixture a;
  a.ctx.settings.auto_resolve = false; // the ticket stays open throughout
  a.ctx.settings.flap_threshold = 1;
  a.ctx.settings.update_interval = 1min;
  a.open_with_ticket();
  CHECK_FALSE(a.next_due());
  a.clear(1min);
  REQUIRE(a.fire(2min)); // flapping until 12m: the note tells this firing
  REQUIRE(a.record->flapping);
  CHECK(*a.next_due() == at(12min));
  a.fire(2min + 30s); // a repeat, told at 3m30s
  CHECK(*a.next_due() == at(3min + 30s));
  REQUIRE(a.tick(3min + 30s));
  CHECK(*a.next_due() == at(12min));
  a.ctx.settings.update_interval = 20min;
  a.fire(4min); // a repeat told at 24m
  CHECK(*a.next_due() == at(12min));
  CHECK_FALSE(a.tick(12min)); // steady, and the ticket is in line
  CHECK_FALSE(a.record->flapping);
  CHECK(*a.next_due() == at(24min));
}

TEST_CASE("forgettable: resolved or closed alarms after alarms.keep",
          "[alarms][rules][timers]") {
  alarm_fixture a; // keep 30d
  a.open_with_ticket();
  auto forget_at = [&](std::chrono::milliseconds d) {
    a.ctx.now = at(d);
    return forgettable(*a.record, a.ctx);
  };
  CHECK_FALSE(forget_at(60 * 24h)); // open
  a.clear(1h);
  CHECK_FALSE(forget_at(1h + 30 * 24h - 1ms));
  CHECK(forget_at(1h + 30 * 24h));
  a.seen(2h, "Closed", 2h);
  CHECK(forget_at(1h + 30 * 24h)); // closed: counted from the clear
}

TEST_CASE("forgettable: never while a create is pending or it flaps",
          "[alarms][rules][timers]") {
  alarm_fixture a;
  a.ctx.settings.keep = 1min;
  a.fire(0s);
  a.clear(1s);
  a.ctx.now = at(1h);
  CHECK_FALSE(forgettable(*a.record, a.ctx)); // the resolve is still owed

  alarm_fixture b;
  b.ctx.settings.keep = 1min;
  b.ctx.settings.flap_threshold = 1;
  b.open_with_ticket();
  b.clear(1min);
  b.fire(2min);
  b.clear(3min);
  REQUIRE(b.record->flapping);
  b.ctx.now = at(10min);
  CHECK_FALSE(forgettable(*b.record, b.ctx));
}

} // namespace usms::alarms::testing

// A contract without updates (API v1): alarms dedup and count, nothing is
// updated or resolved, a firing past the reopen window makes a new ticket.

#include <catch2/catch.hpp>

#include "alarm_fixture.hpp"

namespace usms::alarms::testing {

namespace {

alarm_fixture create_only() {
  alarm_fixture a;
  a.ctx.has_update = false;
  return a;
}

} // namespace

TEST_CASE("create-only: repeats count and send nothing",
          "[alarms][rules][v1]") {
  auto a = create_only();
  REQUIRE(a.fire(0s));
  a.created(1s);
  for (int i = 1; i <= 30; ++i)
    CHECK_FALSE(a.fire(std::chrono::minutes{i}));
  CHECK(a.record->occurrences == 31);
  CHECK(a.record->repeats == 0);
  CHECK_FALSE(a.next_due());
  CHECK_FALSE(a.tick(1h));
}

TEST_CASE("create-only: a clear resolves the alarm and sends nothing",
          "[alarms][rules][v1]") {
  auto a = create_only();
  a.open_with_ticket();
  CHECK_FALSE(a.clear(10min));
  CHECK(a.state() == alarm_state::resolved);
  CHECK(a.record->resolved_at == at(10min));
  CHECK(a.record->ticket == alarm_ticket::open);
}

TEST_CASE("create-only: a firing within the window continues the generation",
          "[alarms][rules][v1]") {
  auto a = create_only();
  a.open_with_ticket();
  a.clear(10min);
  CHECK_FALSE(a.fire(30min));
  CHECK(a.state() == alarm_state::open);
  CHECK(a.record->generation == 1);
  CHECK(a.record->occurrences == 2);
}

TEST_CASE("create-only: a firing past the window makes a new ticket",
          "[alarms][rules][v1]") {
  auto a = create_only();
  a.open_with_ticket();
  a.clear(10min);
  auto step = a.fire(70min);
  check_create(step, "olt-17/los#2");
}

TEST_CASE("create-only with a 0s window: every firing after a clear is a new "
          "ticket",
          "[alarms][rules][v1]") {
  auto a = create_only();
  a.ctx.settings.reopen_window = 0s;
  a.open_with_ticket();
  a.clear(1min);
  auto step = a.fire(2min);
  check_create(step, "olt-17/los#2");
}

TEST_CASE("create-only: a flapping alarm shows it and sends nothing",
          "[alarms][rules][v1]") {
  auto a = create_only();
  a.open_with_ticket();
  for (int m = 1; m <= 8; ++m) {
    auto d = std::chrono::minutes{m};
    auto step = m % 2 == 1 ? a.clear(d) : a.fire(d);
    CHECK_FALSE(step);
  }
  CHECK(a.state() == alarm_state::flapping);
  REQUIRE(a.next_due());
  CHECK(*a.next_due() == at(18min));
  CHECK_FALSE(a.tick(18min));
  CHECK(a.state() == alarm_state::open);
}

} // namespace usms::alarms::testing

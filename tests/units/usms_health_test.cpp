#include "actors/usms_health.hpp"

#include <catch2/catch.hpp>

using namespace usms;

namespace {

health_settings settings() {
  health_settings s;
  s.breaker_failures = 3;
  s.probe_interval_ms = 5'000;
  s.recovery_ramp_ms = 10'000;
  s.max_retry_after_ms = 60'000;
  s.max_in_flight = 40;
  s.max_rate = 100;
  return s;
}

call_outcome failure(const char* why = "connection refused") {
  return {outcome_class::not_processed, health_signal::failure, -1, why};
}

call_outcome life() {
  return {outcome_class::done, health_signal::life, -1, {}};
}

std::string state_of(const usms_health& h) {
  return std::string{to_string(h.state())};
}

/// Takes a fresh health down with three failures at t = 1000.
usms_health tripped() {
  usms_health h{settings(), 0};
  h.on_outcome(failure(), false, 1000);
  h.on_outcome(failure(), false, 1000);
  h.on_outcome(failure("last one"), false, 1000);
  return h;
}

} // namespace

TEST_CASE("health: up until breaker_failures consecutive failures") {
  usms_health h{settings(), 0};
  CHECK(state_of(h) == "up");
  CHECK(h.in_flight_limit(0) == 40);
  CHECK(h.rate_limit(0) == 100);
  CHECK_FALSE(h.on_outcome(failure(), false, 10));
  CHECK_FALSE(h.on_outcome(failure(), false, 20));
  // A life signal resets the count.
  CHECK_FALSE(h.on_outcome(life(), false, 30));
  CHECK_FALSE(h.on_outcome(failure(), false, 40));
  CHECK_FALSE(h.on_outcome(failure(), false, 50));
  auto t = h.on_outcome(failure("refused"), false, 60);
  REQUIRE(t);
  CHECK(to_string(t->from) == "up");
  CHECK(to_string(t->to) == "down");
  CHECK(t->why.find("3 calls in a row") != std::string::npos);
  CHECK(state_of(h) == "down");
  CHECK(h.since() == 60);
  CHECK(h.last_error() == "refused");
  CHECK(h.in_flight_limit(60) == 0);
  REQUIRE(h.next_probe_at());
  CHECK(*h.next_probe_at() == 5060);
}

TEST_CASE("health: neutral answers (429) neither trip nor reset") {
  usms_health h{settings(), 0};
  call_outcome slow{outcome_class::not_processed, health_signal::neutral, -1,
                    "429"};
  h.on_outcome(failure(), false, 1);
  h.on_outcome(failure(), false, 2);
  for (int i = 0; i < 10; ++i)
    CHECK_FALSE(h.on_outcome(slow, false, 3));
  CHECK(state_of(h) == "up");
  CHECK(h.on_outcome(failure(), false, 4));
  CHECK(state_of(h) == "down");
}

TEST_CASE("health: down → probing → ramping → up") {
  auto h = tripped();
  CHECK_FALSE(h.probe_due(5999));
  CHECK(h.probe_due(6000));
  auto t = h.probe_sent(6000);
  REQUIRE(t);
  CHECK(to_string(t->to) == "probing");
  CHECK(state_of(h) == "probing");
  CHECK(h.since() == 1000); // the outage's start
  CHECK_FALSE(h.probe_due(20000));
  CHECK(h.in_flight_limit(6000) == 0);

  // A failed probe: down again, the next probe one interval later.
  t = h.on_outcome(failure("still refused"), true, 6100);
  REQUIRE(t);
  CHECK(to_string(t->to) == "down");
  CHECK(*h.next_probe_at() == 11100);
  CHECK(h.last_error() == "still refused");

  h.probe_sent(11100);
  t = h.on_outcome(life(), true, 11200);
  REQUIRE(t);
  CHECK(to_string(t->to) == "ramping");
  CHECK(counts_as_up(h.state()));
  // Limits grow linearly from a tenth to the full value over the ramp.
  CHECK(h.in_flight_limit(11200) == 4);
  CHECK(h.in_flight_limit(16200) == 22);
  CHECK(h.in_flight_limit(21200) == 40);
  CHECK(h.rate_limit(11200) == Approx(10));
  CHECK(h.rate_limit(16200) == Approx(55));
  CHECK_FALSE(h.tick(21199));
  t = h.tick(21200);
  REQUIRE(t);
  CHECK(to_string(t->to) == "up");
  CHECK(h.in_flight_limit(21200) == 40);
}

TEST_CASE("health: one failure while ramping goes back down") {
  auto h = tripped();
  h.probe_sent(6000);
  h.on_outcome(life(), true, 6001);
  REQUIRE(state_of(h) == "ramping");
  auto t = h.on_outcome(failure(), false, 7000);
  REQUIRE(t);
  CHECK(to_string(t->to) == "down");
  CHECK(*h.next_probe_at() == 12000);
}

TEST_CASE("health: an unlimited rate stays unlimited while ramping") {
  auto s = settings();
  s.max_rate = 0;
  usms_health h{s, 0};
  for (int i = 0; i < 3; ++i)
    h.on_outcome(failure(), false, 0);
  h.probe_sent(5000);
  h.on_outcome(life(), true, 5000);
  CHECK(h.rate_limit(5000) == 0);
  CHECK(h.in_flight_limit(5000) == 4);
}

TEST_CASE("health: Retry-After pauses, capped by max_retry_after, then "
          "carries on as before") {
  usms_health h{settings(), 0};
  call_outcome busy{outcome_class::not_processed, health_signal::failure,
                    120'000, "503"};
  auto t = h.on_outcome(busy, false, 1000);
  REQUIRE(t);
  CHECK(to_string(t->to) == "paused");
  REQUIRE(h.paused_until());
  CHECK(*h.paused_until() == 61000); // capped at 60 s
  CHECK(h.in_flight_limit(2000) == 0);
  // A later Retry-After extends, an earlier one does not shorten.
  busy.pause_ms = 1000;
  CHECK_FALSE(h.on_outcome(busy, false, 2000));
  CHECK(*h.paused_until() == 61000);
  CHECK_FALSE(h.tick(60999));
  t = h.tick(61000);
  REQUIRE(t);
  CHECK(to_string(t->to) == "up");
  CHECK(h.in_flight_limit(61000) == 40);
  // A Retry-After of 0 asks for no pause at all.
  h.on_outcome(life(), false, 61500);
  busy.pause_ms = 0;
  CHECK_FALSE(h.on_outcome(busy, false, 62000));
  CHECK(state_of(h) == "up");
}

TEST_CASE("health: an operator's pause holds until resumed") {
  usms_health h{settings(), 0};
  auto t = h.pause(100);
  REQUIRE(t);
  CHECK(to_string(t->to) == "paused");
  CHECK_FALSE(h.paused_until());
  CHECK_FALSE(h.tick(1'000'000));
  CHECK(state_of(h) == "paused");
  // Retry-After does not turn it into a timed pause.
  call_outcome busy{outcome_class::not_processed, health_signal::failure, 10,
                    "503"};
  h.on_outcome(busy, false, 200);
  CHECK_FALSE(h.tick(1'000'000));
  t = h.resume(2000);
  REQUIRE(t);
  CHECK(to_string(t->to) == "ramping");
  CHECK_FALSE(h.resume(2001)); // nothing to resume
}

TEST_CASE("health: AUTH stops dispatch until the credentials change or an "
          "operator resumes") {
  usms_health h{settings(), 0};
  call_outcome auth{outcome_class::auth_failed, health_signal::life, -1,
                    "USMS rejected it (AUTH): bad password"};
  auto t = h.on_outcome(auth, false, 500);
  REQUIRE(t);
  CHECK(to_string(t->to) == "auth_failed");
  CHECK(h.last_error().find("AUTH") != std::string::npos);
  CHECK(h.in_flight_limit(600) == 0);
  CHECK_FALSE(h.tick(100'000));
  t = h.credentials_changed(1000);
  REQUIRE(t);
  CHECK(to_string(t->to) == "ramping");

  h.on_outcome(auth, false, 2000);
  REQUIRE(state_of(h) == "auth_failed");
  CHECK(h.resume(3000));
  CHECK(state_of(h) == "ramping");
}

TEST_CASE("health: an operator's probe now") {
  auto h = tripped();
  CHECK_FALSE(h.probe_due(2000));
  h.probe_now(2000);
  CHECK(h.probe_due(2000));
  CHECK(*h.next_probe_at() == 2000);
  h.probe_sent(2000);
  CHECK_FALSE(h.probe_due(2000));

  // While up it is a health check: asked for, sent, no state change.
  usms_health up{settings(), 0};
  up.probe_now(10);
  CHECK(up.probe_due(10));
  CHECK_FALSE(up.probe_sent(10));
  CHECK(state_of(up) == "up");
  CHECK_FALSE(up.probe_due(11));
}

TEST_CASE("health: a probe answered with these credentials ends auth_failed") {
  usms_health h{settings(), 0};
  h.on_outcome({outcome_class::auth_failed, health_signal::life, -1, "AUTH"},
               false, 0);
  h.probe_now(10);
  h.probe_sent(10);
  auto t = h.on_outcome(life(), true, 20);
  REQUIRE(t);
  CHECK(to_string(t->to) == "ramping");
}

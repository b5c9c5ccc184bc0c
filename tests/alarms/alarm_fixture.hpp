#pragma once

// One alarm driven through the rules with explicit times: each call feeds
// one input at a time given in minutes/seconds after t0 and keeps the
// record, so a test reads as the alarm's history.

#include <chrono>
#include <optional>
#include <string>

#include <catch2/catch.hpp>

#include "alarms/alarm_key.hpp"
#include "alarms/alarm_rules.hpp"

// The rule tests are written in this namespace: the project's names and
// the time literals are at hand.
namespace usms::alarms::testing {

using namespace std::chrono_literals;

/// 2026-03-01T00:00:00Z.
inline constexpr int64_t t0 = 1'772'323'200'000;

/// t0 plus a duration.
inline int64_t at(std::chrono::milliseconds d) {
  return t0 + d.count();
}

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

/// Checks that `step` creates the ticket with this ExternalReference.
inline void check_create(const std::optional<alarm_step>& step,
                         const std::string& reference) {
  REQUIRE(step);
  CHECK(step->cause == request_cause::alarm_firing);
  CHECK(step->request.act == action::create);
  CHECK(step->request.external_reference == reference);
}

struct alarm_fixture {
  std::string key = "olt-17/los";
  ticket_type type = ticket_type::incident;
  rule_context ctx;
  std::optional<alarm_record> record;

  /// Feeds one input at time `t` (also `now`) and returns the step.
  std::optional<alarm_step> feed(const alarm_input& input, int64_t t) {
    ctx.now = t;
    auto d = decide(record, input, ctx);
    record = std::move(d.record);
    return std::move(d.step);
  }

  alarm_event event(alarm_signal s, int64_t t) const {
    alarm_event e;
    e.id = "ev-" + std::to_string(t);
    e.key = key;
    e.signal = s;
    e.type = type;
    e.fields = {{"Summary", "Node down"}, {"ConfigurationItem", "olt-17"}};
    e.source = "correlator";
    e.reply_to = "http://127.0.0.1:9/hook";
    e.at = t;
    return e;
  }

  std::optional<alarm_step> fire(std::chrono::milliseconds d) {
    return feed(event(alarm_signal::firing, at(d)), at(d));
  }
  std::optional<alarm_step> clear(std::chrono::milliseconds d) {
    return feed(event(alarm_signal::cleared, at(d)), at(d));
  }
  std::optional<alarm_step> tick(std::chrono::milliseconds d) {
    return feed(timer_due{}, at(d));
  }
  /// The pending create succeeded with ticket `id`.
  std::optional<alarm_step> created(std::chrono::milliseconds d,
                                    std::string id = "INC-1") {
    auto ref = external_reference(key, record->generation);
    return feed(ticket_created{ref, std::move(id)}, at(d));
  }
  std::optional<alarm_step> create_fails(std::chrono::milliseconds d) {
    return feed(create_failed{external_reference(key, record->generation)},
                at(d));
  }
  /// The sync saw the alarm's ticket with `status`, updated at `updated`.
  std::optional<alarm_step> seen(std::chrono::milliseconds d,
                                 std::string status,
                                 std::chrono::milliseconds updated) {
    return feed(ticket_seen{record->ticket_id, std::move(status), at(updated)},
                at(d));
  }
  /// First firing and its create done: an open alarm with ticket INC-1.
  void open_with_ticket() {
    fire(std::chrono::milliseconds{0});
    created(std::chrono::seconds{1});
  }

  alarm_state state() const { return state_of(*record); }
  std::optional<int64_t> next_due() const { return due(*record, ctx); }
};

} // namespace usms::alarms::testing

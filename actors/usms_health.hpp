#pragma once

/// The gateway's view of USMS: up, down, probing, ramping, paused or
/// auth_failed, and the limits that follow from it. A value type driven by
/// call outcomes, operator commands and the clock (milliseconds passed in,
/// so tests are exact); the SOAP dispatcher owns one. docs/design.md
/// ("USMS outages") draws the states.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "actors/call_outcome.hpp"

namespace usms {

enum class usms_state : uint8_t {
  up,          ///< calls flow within the configured limits
  down,        ///< no call is sent; a probe every probe interval
  probing,     ///< down, with one probe under way
  ramping,     ///< back: limits grow to the full value over the ramp
  paused,      ///< Retry-After or an operator: no call until resumed
  auth_failed, ///< USMS refused the gateway's credentials
};

std::string_view to_string(usms_state x);

/// True while requests may be sent (`up` or `ramping`).
bool counts_as_up(usms_state x);

struct health_settings {
  int breaker_failures = 5;
  int64_t probe_interval_ms = 5'000;
  int64_t recovery_ramp_ms = 30'000;
  int64_t max_retry_after_ms = 300'000;
  int max_in_flight = 32;
  double max_rate = 0; ///< calls per second; 0 = unlimited
};

/// A change of state, to log and count once.
struct health_transition {
  usms_state from;
  usms_state to;
  std::string why;
};

class usms_health {
public:
  usms_health(health_settings settings, int64_t now_ms);

  /// New limits and thresholds (configuration changed at run time).
  void configure(health_settings settings);

  usms_state state() const { return state_; }
  /// When the current state began (unix ms).
  int64_t since() const { return since_; }
  /// The last failure's reason; empty when none was seen yet.
  const std::string& last_error() const { return last_error_; }
  /// When the next probe is due (unix ms), while down or probing.
  std::optional<int64_t> next_probe_at() const;
  /// The Retry-After deadline while paused by USMS (unix ms).
  std::optional<int64_t> paused_until() const;

  /// How many calls may be in flight now (0 while nothing may be sent).
  int in_flight_limit(int64_t now) const;
  /// Calls per second allowed now; 0 = unlimited (and 0 while nothing may
  /// be sent: ask in_flight_limit first).
  double rate_limit(int64_t now) const;

  /// Takes one call's outcome into account. `probe` says whether it was the
  /// probe this object asked for.
  std::optional<health_transition> on_outcome(const call_outcome& out,
                                              bool probe, int64_t now);

  /// Moves on with time: a Retry-After pause ends (back to the state it
  /// interrupted), a ramp completes.
  std::optional<health_transition> tick(int64_t now);

  /// True when a probe should be sent now; then call probe_sent().
  bool probe_due(int64_t now) const;
  std::optional<health_transition> probe_sent(int64_t now);
  /// The probe could not be sent after all (the request lent for it was
  /// cancelled): down again, with a probe due at once.
  void probe_abandoned(int64_t now);

  /// An operator pauses dispatch (planned maintenance) until resume().
  std::optional<health_transition> pause(int64_t now);
  /// An operator resumes a pause or a stop for bad credentials.
  std::optional<health_transition> resume(int64_t now);
  /// An operator asks for a probe now.
  void probe_now(int64_t now);
  /// The credentials changed: a stop for bad credentials ends.
  std::optional<health_transition> credentials_changed(int64_t now);

private:
  std::optional<health_transition> move_to(usms_state next, int64_t now,
                                           std::string why);
  int ramped(int full, int64_t now) const;

  health_settings settings_;
  usms_state state_ = usms_state::up;
  int64_t since_ = 0;
  int failures_ = 0;
  std::string last_error_;
  int64_t next_probe_at_ = 0;
  int64_t paused_until_ = 0; ///< 0: an operator's pause, no deadline
  /// Where a Retry-After pause returns to (up or ramping).
  usms_state before_pause_ = usms_state::up;
  bool probe_wanted_ = false;
};

} // namespace usms

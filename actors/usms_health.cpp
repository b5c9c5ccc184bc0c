#include "actors/usms_health.hpp"

#include <algorithm>
#include <cmath>

namespace usms {

std::string_view to_string(usms_state x) {
  switch (x) {
    case usms_state::up:
      return "up";
    case usms_state::down:
      return "down";
    case usms_state::probing:
      return "probing";
    case usms_state::ramping:
      return "ramping";
    case usms_state::paused:
      return "paused";
    case usms_state::auth_failed:
      return "auth_failed";
  }
  return "unknown";
}

bool counts_as_up(usms_state x) {
  return x == usms_state::up || x == usms_state::ramping;
}

usms_health::usms_health(health_settings settings, int64_t now_ms)
  : settings_(settings), since_(now_ms) {
}

void usms_health::configure(health_settings settings) {
  settings_ = settings;
}

std::optional<int64_t> usms_health::next_probe_at() const {
  if (state_ == usms_state::down || state_ == usms_state::probing)
    return next_probe_at_;
  return std::nullopt;
}

std::optional<int64_t> usms_health::paused_until() const {
  if (state_ == usms_state::paused && paused_until_ > 0)
    return paused_until_;
  return std::nullopt;
}

int usms_health::ramped(int full, int64_t now) const {
  int start = std::max(1, (full + 9) / 10);
  if (settings_.recovery_ramp_ms <= 0 || full <= start)
    return std::max(full, 1);
  double frac = std::clamp(static_cast<double>(now - since_)
                             / static_cast<double>(settings_.recovery_ramp_ms),
                           0.0, 1.0);
  return start + static_cast<int>(std::floor((full - start) * frac));
}

int usms_health::in_flight_limit(int64_t now) const {
  switch (state_) {
    case usms_state::up:
      return settings_.max_in_flight;
    case usms_state::ramping:
      return ramped(settings_.max_in_flight, now);
    default:
      return 0;
  }
}

double usms_health::rate_limit(int64_t now) const {
  if (settings_.max_rate <= 0 || !counts_as_up(state_))
    return 0;
  if (state_ == usms_state::up || settings_.recovery_ramp_ms <= 0)
    return settings_.max_rate;
  double start = settings_.max_rate / 10;
  double frac = std::clamp(static_cast<double>(now - since_)
                             / static_cast<double>(settings_.recovery_ramp_ms),
                           0.0, 1.0);
  return start + (settings_.max_rate - start) * frac;
}

std::optional<health_transition>
usms_health::move_to(usms_state next, int64_t now, std::string why) {
  if (next == state_)
    return std::nullopt;
  health_transition t{state_, next, std::move(why)};
  state_ = next;
  since_ = now;
  if (next == usms_state::down)
    next_probe_at_ = now + settings_.probe_interval_ms;
  if (next != usms_state::paused)
    paused_until_ = 0;
  return t;
}

std::optional<health_transition>
usms_health::on_outcome(const call_outcome& out, bool probe, int64_t now) {
  if (out.signal == health_signal::failure) {
    ++failures_;
    last_error_ = out.reason;
  } else if (out.signal == health_signal::life) {
    failures_ = 0;
  }
  if (out.cls == outcome_class::auth_failed) {
    last_error_ = out.reason;
    return move_to(usms_state::auth_failed, now,
                   "USMS refused the gateway's credentials: " + out.reason);
  }
  if (probe && state_ == usms_state::probing) {
    if (out.signal == health_signal::life)
      return move_to(usms_state::ramping, now, "a probe was answered");
    // Still failing, or asked to slow down: wait for the next probe.
    state_ = usms_state::down;
    next_probe_at_ = now + settings_.probe_interval_ms;
    return health_transition{usms_state::probing, usms_state::down,
                             "the probe failed: " + out.reason};
  }
  if (probe && state_ == usms_state::auth_failed
      && out.signal == health_signal::life)
    return move_to(usms_state::ramping, now,
                   "a probe was answered with these credentials");
  if (out.pause_ms > 0 && counts_as_up(state_)) {
    // USMS told when to come back: then carry on as before, no ramp.
    before_pause_ = state_;
    auto t = move_to(usms_state::paused, now,
                     "USMS asked to wait (Retry-After): " + out.reason);
    paused_until_ = now + std::min(out.pause_ms, settings_.max_retry_after_ms);
    return t;
  }
  if (out.pause_ms > 0 && state_ == usms_state::paused && paused_until_ > 0) {
    paused_until_ = std::max(
      paused_until_, now + std::min(out.pause_ms, settings_.max_retry_after_ms));
    return std::nullopt;
  }
  if (out.signal != health_signal::failure)
    return std::nullopt;
  if (state_ == usms_state::ramping)
    return move_to(usms_state::down, now,
                   "a call failed while ramping up: " + out.reason);
  if (state_ == usms_state::up && failures_ >= settings_.breaker_failures)
    return move_to(usms_state::down, now,
                   std::to_string(failures_)
                     + " calls in a row failed; last: " + out.reason);
  return std::nullopt;
}

std::optional<health_transition> usms_health::tick(int64_t now) {
  if (state_ == usms_state::paused && paused_until_ > 0
      && now >= paused_until_)
    return move_to(before_pause_, now, "the Retry-After pause ended");
  if (state_ == usms_state::ramping
      && now - since_ >= settings_.recovery_ramp_ms)
    return move_to(usms_state::up, now, "back at full limits");
  return std::nullopt;
}

bool usms_health::probe_due(int64_t now) const {
  if (state_ == usms_state::probing)
    return false;
  if (probe_wanted_)
    return true;
  return state_ == usms_state::down && now >= next_probe_at_;
}

std::optional<health_transition> usms_health::probe_sent(int64_t) {
  probe_wanted_ = false;
  if (state_ != usms_state::down)
    return std::nullopt;
  auto t = health_transition{usms_state::down, usms_state::probing,
                             "sending a probe"};
  // Probing is down with a probe under way: it keeps the outage's start.
  state_ = usms_state::probing;
  return t;
}

void usms_health::probe_abandoned(int64_t now) {
  if (state_ != usms_state::probing)
    return;
  state_ = usms_state::down;
  next_probe_at_ = now;
}

std::optional<health_transition> usms_health::pause(int64_t now) {
  auto t = move_to(usms_state::paused, now, "paused by an operator");
  paused_until_ = 0;
  return t;
}

std::optional<health_transition> usms_health::resume(int64_t now) {
  if (state_ != usms_state::paused && state_ != usms_state::auth_failed)
    return std::nullopt;
  failures_ = 0;
  return move_to(usms_state::ramping, now, "resumed by an operator");
}

void usms_health::probe_now(int64_t now) {
  probe_wanted_ = true;
  if (state_ == usms_state::down)
    next_probe_at_ = now;
}

std::optional<health_transition>
usms_health::credentials_changed(int64_t now) {
  if (state_ != usms_state::auth_failed)
    return std::nullopt;
  failures_ = 0;
  return move_to(usms_state::ramping, now, "the credentials changed");
}

} // namespace usms

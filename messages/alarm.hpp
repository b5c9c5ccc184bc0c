#pragma once

/// Alarm events and the stored state of an alarm: plain structs. The rules
/// that move an alarm from one state to the next are in alarms/.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "contract/ticket.hpp"
#include "messages/request.hpp"

namespace usms {

/// What a monitoring system says of an alarm: `firing` or `cleared`.
enum class alarm_signal : uint8_t { firing, cleared };

std::string_view to_string(alarm_signal x);
std::optional<alarm_signal> parse_alarm_signal(std::string_view text);

/// Where an alarm stands as the API shows it: `open`, `resolved`, `closed`
/// (people closed or cancelled its ticket in USMS) or `flapping`.
enum class alarm_state : uint8_t { open, resolved, closed, flapping };

std::string_view to_string(alarm_state x);
std::optional<alarm_state> parse_alarm_state(std::string_view text);

/// The alarm's own lifecycle, flapping aside: `open` from a firing until it
/// clears (or people resolve its ticket), then `resolved`; `closed` once
/// people closed or cancelled its ticket.
enum class alarm_phase : uint8_t { open, resolved, closed };

std::string_view to_string(alarm_phase x);
std::optional<alarm_phase> parse_alarm_phase(std::string_view text);

/// What the gateway knows of the ticket of the alarm's current generation.
enum class alarm_ticket : uint8_t {
  none,     ///< no ticket and no create on its way (or the create failed)
  creating, ///< the create is queued or in flight: no ticket id yet
  open,     ///< created or reopened, not resolved as far as the gateway knows
  resolved, ///< resolved, by the gateway or by people in USMS
  gone,     ///< closed or cancelled by people in USMS
};

std::string_view to_string(alarm_ticket x);
std::optional<alarm_ticket> parse_alarm_ticket(std::string_view text);

/// One alarm event, as journaled before the 202.
struct alarm_event {
  std::string id;
  std::string key; ///< 1–512 bytes of UTF-8, no control characters
  alarm_signal signal = alarm_signal::firing;
  ticket_type type = ticket_type::incident; ///< incident or problem
  ticket_fields fields; ///< SOAP-named; what a create of this firing sends
  std::string source;
  std::string reply_to;
  int64_t at = 0; ///< accepted at, unix ms
};

/// The stored state of one alarm: its current generation, its ticket, the
/// counts and times the API shows, and the bookkeeping of coalesced repeats
/// and flapping. Times are unix ms; 0 means none.
struct alarm_record {
  std::string key;
  ticket_type type = ticket_type::incident; ///< of the current generation
  alarm_phase phase = alarm_phase::open;
  alarm_signal signal = alarm_signal::firing; ///< of the last event
  alarm_ticket ticket = alarm_ticket::none;
  std::string ticket_id; ///< empty until the create succeeded
  int32_t generation = 1;
  /// Firing events of this generation, the first included.
  int64_t occurrences = 0;
  int64_t first_at = 0; ///< first firing of this generation
  int64_t last_at = 0;  ///< last firing of this generation
  /// When the alarm became resolved or closed; 0 while it is open.
  int64_t resolved_at = 0;
  /// The alarm cleared while `alarms.auto_resolve` was off: its ticket is
  /// left as it is.
  bool ticket_left_open = false;

  /// Firings after the creating one that no work note has told yet.
  int64_t repeats = 0;
  int64_t last_repeat_at = 0;
  /// End of the update interval the first untold repeat opened; 0 = none.
  int64_t interval_ends_at = 0;

  /// Times of the latest changes between firing and cleared, oldest first
  /// (at most `alarms.flap_threshold` + 1 of them are needed).
  std::vector<int64_t> changes;
  bool flapping = false;
  /// The work note that says the alarm flaps was sent (or is not needed).
  bool flap_noted = false;

  /// Of the last event: used by the steps a timer takes.
  std::string source;
  std::string reply_to;
};

bool operator==(const alarm_record& a, const alarm_record& b);
inline bool operator!=(const alarm_record& a, const alarm_record& b) {
  return !(a == b);
}

/// The state the API shows: `flapping` while the alarm flaps, else its
/// phase.
alarm_state state_of(const alarm_record& r);

} // namespace usms

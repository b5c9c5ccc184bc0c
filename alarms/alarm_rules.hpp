#pragma once

/// The lifecycle of an alarm's ticket as one pure function: given what is
/// stored of an alarm and what just happened (an event, the outcome of its
/// create, what the sync saw in USMS, a timer), `decide` says what the alarm
/// becomes and which request, if any, to send. No I/O, no clock: the caller
/// stores the record, queues the step and calls again when `due` says.
///
/// The rules, with times taken from the event (`at`) and from `now`:
///
/// - **First firing** of a key (no record): generation 1, a create with the
///   ExternalReference `<key>#1` and the event's fields.
/// - **Repeats** (firing while the alarm is open) make no ticket: each one
///   counts in `occurrences`; the first one not yet told opens an interval
///   of `alarms.update_interval`, at whose end one update carries a work
///   note with the count and the last time. Any other work note sent before
///   the end (resolve, reopen, flapping) carries the count instead, and the
///   next repeat opens a new interval: at most one repeat update per
///   interval. A repeat update waits for the ticket while its create is
///   pending, and while the ticket is resolved it waits for the next note.
///   A firing that reopens a resolved ticket is told by the reopen's note,
///   not counted as a repeat.
/// - **Clear** of an open alarm: the alarm is resolved (`resolved_at`); with
///   `alarms.auto_resolve` the ticket is resolved (incident: Status Resolved
///   and ResolutionCode `alarms.resolution_code`; problem: Status Resolved)
///   with a work note; without it the ticket is left as it is (decided at
///   the clear: changing the setting later does not touch it). A clear of an
///   unknown key stores nothing and sends nothing; a clear while the create
///   is pending lets the create happen and resolves the ticket once it
///   exists; a clear of an alarm already resolved or closed changes nothing.
/// - **Firing again** after a clear, less than `alarms.reopen_window` after
///   `resolved_at`: the same generation, open again; a ticket that was
///   resolved is reopened (incident InProgress, problem Investigating) with
///   a work note. Later (or always with a `0s` window): generation n+1 and a
///   new ticket; the old one is left as it is. While the create is still
///   pending, a firing never starts a new generation (none was made yet).
/// - **People in USMS** (what the sync saw, `ticket_seen`): a ticket closed
///   or cancelled there closes the alarm, and its next firing makes
///   generation n+1. A ticket resolved there resolves the alarm (from the
///   ticket's UpdatedAt) as if it had cleared: a firing within the reopen
///   window reopens it, a later one makes a new generation; nothing is sent
///   at once, so the gateway never overrides what people just did. Other
///   statuses change nothing.
/// - **Flapping**: a change is a firing after a clear or a clear after a
///   firing (repeats are not; the first firing of a generation is not).
///   When more than `alarms.flap_threshold` changes happened within
///   `alarms.flap_window` (changes less than a window old, counted at each
///   change), the alarm is flapping: one work note says so, resolves and
///   reopens are held (creates and repeat updates are not). Once no change
///   happened for a whole window the flapping ends and the ticket is brought
///   in line with the alarm's phase (resolved or reopened, with a work note
///   that says it is steady again); nothing is sent when it already is.
///   Every create (of a new generation, or again after a failed one) starts
///   with no flapping.
/// - **A create-only contract** (`has_update` false, e.g. API v1): alarms
///   dedup and count, nothing is ever updated or resolved; a firing after a
///   clear within the reopen window continues the generation, a later one
///   makes a new ticket.
/// - **A failed create** (`create_failed`): the generation has no ticket;
///   the next firing creates it again under the same ExternalReference.
///
/// Every decision sends at most one request.

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "config/settings.hpp"
#include "messages/alarm.hpp"
#include "messages/request.hpp"

namespace usms::alarms {

/// What the rules need besides the alarm.
struct rule_context {
  config::alarms_settings settings;
  /// The contract can update tickets (repeat notes, resolve, reopen,
  /// flapping notes). False for a create-only contract such as API v1.
  bool has_update = true;
  int64_t now = 0; ///< unix ms
};

/// The create of the alarm's current generation succeeded.
struct ticket_created {
  std::string external_reference; ///< of the create request
  std::string ticket_id;
};

/// The create of the alarm's current generation failed for good.
struct create_failed {
  std::string external_reference; ///< of the create request
};

/// What the sync saw of one alarm ticket in USMS. Feed a sighting only when
/// the alarm has no unfinished step in the queue: a sighting taken before a
/// queued resolve or reopen runs would be read as something people did.
struct ticket_seen {
  std::string ticket_id;
  std::string status;     ///< the API's status value: `Resolved`, `Closed`, …
  int64_t updated_at = 0; ///< the ticket's UpdatedAt (unix ms); 0 = unknown
};

/// The time `due` named has come.
struct timer_due {};

/// Anything that moves an alarm.
using alarm_input = std::variant<alarm_event, ticket_created, create_failed,
                                 ticket_seen, timer_due>;

/// A request an alarm needs: a create or an update, ready for the queue
/// (the caller gives it its id, acceptance time and `alarm_key`).
/// `correlation_id` is the generation's ExternalReference on every step.
struct alarm_step {
  request_cause cause = request_cause::alarm_firing;
  ticket_request request;
};

/// What `decide` concluded.
struct alarm_decision {
  /// The alarm after the input; nullopt when there is no alarm (a clear of
  /// an unknown key, or any other input without a record).
  std::optional<alarm_record> record;
  std::optional<alarm_step> step;
};

/// Applies one input to an alarm (nullopt: the key has no record yet).
alarm_decision decide(const std::optional<alarm_record>& record,
                      const alarm_input& input, const rule_context& ctx);

/// When the alarm needs `decide(…, timer_due{}, …)` next: the end of its
/// update interval (once the ticket exists and is open) or the end of its
/// flapping window; nullopt when it waits for nothing but events.
std::optional<int64_t> due(const alarm_record& record, const rule_context& ctx);

/// Whether a resolved or closed alarm has been kept for `alarms.keep` since
/// `resolved_at` and owes USMS nothing (no pending create, no flapping), so
/// that it may be forgotten.
bool forgettable(const alarm_record& record, const rule_context& ctx);

} // namespace usms::alarms

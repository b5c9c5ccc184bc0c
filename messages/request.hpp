#pragma once

/// The gateway's request records: plain structs. The CAF side (type IDs and
/// `inspect`) is in messages/caf/, which only actors and the app include.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "contract/ticket.hpp"

namespace usms {

/// Where a request stands (the six states of the HTTP API).
enum class request_state : uint8_t {
  queued,
  in_flight,
  waiting_retry,
  succeeded,
  failed,
  cancelled,
};

std::string_view to_string(request_state x);
std::optional<request_state> parse_request_state(std::string_view text);

/// True for succeeded, failed and cancelled.
bool is_finished(request_state x);

/// Why a request was made: a plain command, or a step of an alarm's
/// lifecycle. Requests and status rows carry it as `cause`.
enum class request_cause : uint8_t {
  command,
  alarm_firing,   ///< the create of an alarm's generation
  alarm_repeat,   ///< the update that reports coalesced repeats
  alarm_cleared,  ///< the resolve of a cleared alarm's ticket
  alarm_reopened, ///< the reopen of a ticket whose alarm fires again
  alarm_flapping, ///< the work note saying the alarm flaps
};

std::string_view to_string(request_cause x);
std::optional<request_cause> parse_request_cause(std::string_view text);

/// One accepted ticket request, as journaled before the 202.
struct ticket_request {
  std::string id;
  action act = action::create;
  ticket_type type = ticket_type::incident;
  ticket_fields fields;      ///< create / update: SOAP-named fields
  std::string ticket_id;     ///< update: the ticket to change
  std::string work_note;     ///< update
  ticket_fields filter;      ///< query: SOAP-named filter elements
  int32_t limit = 0;         ///< query: most tickets wanted (0: the cap)
  std::string source;
  std::string correlation_id;
  std::string reply_to;
  std::string idempotency_key;
  std::string external_reference; ///< create: correlation id or request id
  int64_t accepted_at = 0;        ///< unix milliseconds
  request_cause cause = request_cause::command;
  /// The alarm whose step this is; empty for commands.
  std::string alarm_key;
};

/// The moving parts of an unfinished request.
struct request_progress {
  request_state state = request_state::queued;
  int32_t attempts = 0;
  int64_t next_attempt_at = 0; ///< unix ms; 0 when not waiting
  std::string last_error;
  /// Bytes of a create may have left: after a crash the outcome is unknown.
  bool sending = false;
  /// The last create attempt was ambiguous: look up before re-sending.
  bool lookup_first = false;
  /// When an operator last retried it (unix ms); 0 = never. Its give-up
  /// clock starts here, else at acceptance.
  int64_t retried_at = 0;
};

/// How a request ended.
struct request_outcome {
  request_state state = request_state::succeeded; ///< a finished state
  std::string ticket_id;
  std::vector<ticket_fields> tickets; ///< update: one; query: the page
  int32_t total_count = 0;            ///< query
  std::string reason;                 ///< failed / cancelled: why
  int32_t attempts = 0;
  int64_t finished_at = 0; ///< unix ms
};

/// A journaled request with where it stands: what restart resumes and what
/// `GET /api/v1/requests/{id}` shows.
struct request_record {
  /// The journal's sequence number (its order of acceptance); 0 = unknown.
  int64_t seq = 0;
  ticket_request request;
  request_progress progress;
  std::optional<request_outcome> outcome;
  int64_t updated_at = 0;
  std::string reply_state; ///< "", pending, delivered, failed
  int32_t reply_attempts = 0;
  std::string reply_error;
};

/// A reply delivery's new state, as the reply dispatcher has the journal
/// record it.
struct reply_state_update {
  std::string request_id;
  std::string state; ///< "", pending, delivered, failed
  int32_t attempts = 0;
  std::string error;
};

/// What the intake keeps of an unfinished request while it waits in the
/// journal: a journal row's order, kind, serial key and times, no payload.
struct index_row {
  std::string id;
  int64_t seq = 0;
  bool query = false;
  std::string serial_key;
  int64_t next_attempt_at = 0; ///< unix ms; 0 = not waiting for a time
  int64_t clock_start = 0;     ///< acceptance, or an operator's last retry
};

/// The key of the requests that must run one at a time, in order: a
/// create's ExternalReference, an update's ticket, and for a query the
/// ticket or ExternalReference it filters by; empty for a broad query.
std::string serial_key(const ticket_request& req);

/// Unix time in milliseconds (system clock).
int64_t now_ms();

} // namespace usms

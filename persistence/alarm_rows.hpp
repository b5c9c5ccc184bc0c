#pragma once

/// The alarm tables as both backends write and read them: the columns, the
/// statements (with `?N` placeholders for SQLite, `$N` for PostgreSQL), the
/// values of a change, and readers from any row that answers text(column)
/// and int64(column).

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "messages/alarm_store.hpp"
#include "messages/request.hpp"
#include "persistence/record_json.hpp"

namespace usms::db {

/// The `alarms` columns alarm_from_row expects.
extern const char* const alarm_columns;

/// `SELECT alarm_columns FROM alarms ` + `rest`.
std::string select_alarms(const std::string& rest);

/// One value of a statement: text or a number.
using alarm_value = std::variant<std::string, int64_t>;

/// The statements of an alarm change, placeholders marked with `mark`
/// (`?` or `$`): $1 the key, $2 the version (to write, or to find), $3 …
/// the values of change_values().
struct alarm_statements {
  std::string insert; ///< a new row at version $2 (nothing on a conflict)
  std::string update; ///< the row at version $2, one version up
  std::string remove; ///< the row at version $2
  std::string remove_events;
  std::string insert_event; ///< $1 … $6: alarm_event_row's fields
  std::string save_cursor;  ///< $1 type, $2 updated_since, $3 seen
  std::string prune;        ///< events before $1
  std::string resolved_before; ///< $1 before, $2 limit
};
alarm_statements alarm_sql(char mark);

/// The values an insert or update binds as $3 …, in order.
std::vector<alarm_value> change_values(const alarm_commit& c, int64_t now);

/// An event's values, $1 … $6.
std::vector<alarm_value> event_values(const alarm_event_row& e);

/// The statements startup() runs, without parameters.
struct alarm_startup_sql {
  static std::string active();      ///< the alarms busy at a start
  static const char* const pending; ///< alarm_key, id of unfinished steps
  static const char* const creates; ///< the newest create of each alarm
  static const char* const cursors; ///< type, updated_since, seen
  static const char* const oldest;  ///< the oldest first_at with a ticket
};

/// The flapping changes as text (their times, comma-separated) and back.
std::string changes_text(const std::vector<int64_t>& changes);
std::vector<int64_t> read_changes(const std::string& text);

/// A sync cursor's seen ids as text (comma-separated) and back.
std::string seen_text(const std::vector<std::string>& seen);
std::vector<std::string> read_seen(const std::string& text);

/// An `alarms` row selected with alarm_columns.
template <class Row>
stored_alarm alarm_from_row(const Row& s) {
  stored_alarm out;
  auto& r = out.record;
  r.key = s.text(0);
  out.version = s.int64(1);
  r.type = parse_ticket_type(s.text(2)).value_or(ticket_type::incident);
  r.phase = parse_alarm_phase(s.text(3)).value_or(alarm_phase::open);
  r.signal = parse_alarm_signal(s.text(4)).value_or(alarm_signal::firing);
  r.ticket = parse_alarm_ticket(s.text(5)).value_or(alarm_ticket::none);
  r.ticket_id = s.text(6);
  r.generation = static_cast<int32_t>(s.int64(7));
  r.occurrences = s.int64(8);
  r.first_at = s.int64(9);
  r.last_at = s.int64(10);
  r.resolved_at = s.int64(11);
  r.ticket_left_open = s.int64(12) != 0;
  r.repeats = s.int64(13);
  r.last_repeat_at = s.int64(14);
  r.interval_ends_at = s.int64(15);
  r.changes = read_changes(s.text(16));
  r.flapping = s.int64(17) != 0;
  r.flap_noted = s.int64(18) != 0;
  r.source = s.text(19);
  r.reply_to = s.text(20);
  return out;
}

/// A row of alarm_startup_sql::creates.
template <class Row>
alarm_create_outcome create_from_row(const Row& s) {
  alarm_create_outcome c;
  c.key = s.text(0);
  c.request_id = s.text(1);
  c.external_reference = s.text(2);
  c.state = parse_request_state(s.text(3)).value_or(request_state::queued);
  request_outcome result;
  if (decode_result(s.text(4), result))
    c.ticket_id = result.ticket_id;
  return c;
}

/// A row of alarm_startup_sql::cursors.
template <class Row>
alarm_sync_cursor cursor_from_row(const Row& s) {
  alarm_sync_cursor c;
  c.type = s.text(0);
  c.updated_since = s.int64(1);
  c.seen = read_seen(s.text(2));
  return c;
}

} // namespace usms::db

#include "persistence/alarm_rows.hpp"

#include <charconv>
#include <iterator>

namespace usms::db {

namespace {

/// The columns change_values() gives, as $3, $4, … in this order.
constexpr const char* row_columns[]
  = {"state",          "type",       "phase",       "signal",
     "ticket",         "ticket_id",  "generation",  "occurrences",
     "first_at",       "last_at",    "resolved_at", "ticket_left_open",
     "repeats",        "last_repeat_at", "interval_ends_at", "changes",
     "flapping",       "flap_noted", "source",      "reply_to",
     "due_at",         "updated_at"};

std::string placeholder(char mark, int index) {
  return mark + std::to_string(index);
}

/// "state, type, …" (with `assign`: "state = ?3, type = ?4, …").
std::string column_list(bool assign, char mark) {
  std::string out;
  int index = 3;
  for (auto* name : row_columns) {
    if (!out.empty())
      out += ", ";
    out += name;
    if (assign)
      out += " = " + placeholder(mark, index++);
  }
  return out;
}

/// ", ?3, ?4, …" for an insert.
std::string insert_placeholders(char mark) {
  std::string out;
  for (std::size_t i = 0; i < std::size(row_columns); ++i)
    out += ", " + placeholder(mark, static_cast<int>(i) + 3);
  return out;
}

} // namespace

const char* const alarm_columns
  = "alarm_key, version, type, phase, signal, ticket, ticket_id, generation, "
    "occurrences, first_at, last_at, resolved_at, ticket_left_open, repeats, "
    "last_repeat_at, interval_ends_at, changes, flapping, flap_noted, source, "
    "reply_to";

std::string select_alarms(const std::string& rest) {
  return std::string{"SELECT "} + alarm_columns + " FROM alarms " + rest;
}

alarm_statements alarm_sql(char mark) {
  auto p = [mark](int i) { return placeholder(mark, i); };
  alarm_statements s;
  s.insert = "INSERT INTO alarms (alarm_key, version, " + column_list(false, mark)
             + ") VALUES (" + p(1) + ", " + p(2) + insert_placeholders(mark)
             + ") ON CONFLICT (alarm_key) DO NOTHING";
  s.update = "UPDATE alarms SET version = version + 1, "
             + column_list(true, mark) + " WHERE alarm_key = " + p(1)
             + " AND version = " + p(2);
  s.remove = "DELETE FROM alarms WHERE alarm_key = " + p(1)
             + " AND version = " + p(2);
  s.remove_events = "DELETE FROM alarm_events WHERE alarm_key = " + p(1);
  s.insert_event = "INSERT INTO alarm_events (event_id, alarm_key, signal, "
                   "at, source, request_id) VALUES ("
                   + p(1) + ", " + p(2) + ", " + p(3) + ", " + p(4) + ", "
                   + p(5) + ", " + p(6) + ")";
  s.save_cursor = "INSERT INTO alarm_sync (type, updated_since, seen) VALUES ("
                  + p(1) + ", " + p(2) + ", " + p(3)
                  + ") ON CONFLICT (type) DO UPDATE SET updated_since = "
                    "excluded.updated_since, seen = excluded.seen";
  s.prune = "DELETE FROM alarm_events WHERE at < " + p(1);
  s.resolved_before = "SELECT alarm_key FROM alarms WHERE resolved_at > 0 "
                      "AND resolved_at <= "
                      + p(1)
                      + " AND state IN ('resolved', 'closed') ORDER BY "
                        "resolved_at LIMIT "
                      + p(2);
  return s;
}

std::vector<alarm_value> change_values(const alarm_commit& c, int64_t now) {
  auto& r = c.record;
  return {std::string{to_string(state_of(r))},
          std::string{to_string(r.type)},
          std::string{to_string(r.phase)},
          std::string{to_string(r.signal)},
          std::string{to_string(r.ticket)},
          r.ticket_id,
          static_cast<int64_t>(r.generation),
          r.occurrences,
          r.first_at,
          r.last_at,
          r.resolved_at,
          int64_t{r.ticket_left_open ? 1 : 0},
          r.repeats,
          r.last_repeat_at,
          r.interval_ends_at,
          changes_text(r.changes),
          int64_t{r.flapping ? 1 : 0},
          int64_t{r.flap_noted ? 1 : 0},
          r.source,
          r.reply_to,
          c.due_at,
          now};
}

std::vector<alarm_value> event_values(const alarm_event_row& e) {
  return {e.id, e.key, std::string{to_string(e.signal)}, e.at, e.source,
          e.request_id};
}

std::string alarm_startup_sql::active() {
  return select_alarms("WHERE ticket = 'creating' OR flapping = 1 OR "
                       "due_at > 0");
}

const char* const alarm_startup_sql::pending
  = "SELECT alarm_key, id FROM requests WHERE alarm_key IS NOT NULL AND "
    "state IN ('queued', 'in_flight', 'waiting_retry')";

const char* const alarm_startup_sql::creates
  = "SELECT r.alarm_key, r.id, r.external_reference, r.state, r.result "
    "FROM alarms a JOIN requests r ON r.alarm_key = a.alarm_key "
    "WHERE a.ticket = 'creating' AND r.cause = 'alarm_firing' "
    "AND r.seq = (SELECT MAX(seq) FROM requests x WHERE x.alarm_key = "
    "a.alarm_key AND x.cause = 'alarm_firing')";

const char* const alarm_startup_sql::cursors
  = "SELECT type, updated_since, seen FROM alarm_sync ORDER BY type";

const char* const alarm_startup_sql::oldest
  = "SELECT COALESCE(MIN(first_at), 0) FROM alarms WHERE ticket_id <> ''";

std::string changes_text(const std::vector<int64_t>& changes) {
  std::string out;
  for (auto t : changes) {
    if (!out.empty())
      out += ',';
    out += std::to_string(t);
  }
  return out;
}

std::vector<int64_t> read_changes(const std::string& text) {
  std::vector<int64_t> out;
  const char* p = text.data();
  const char* end = p + text.size();
  while (p < end) {
    int64_t t = 0;
    auto [next, ec] = std::from_chars(p, end, t);
    if (ec != std::errc{})
      break;
    out.push_back(t);
    p = next < end && *next == ',' ? next + 1 : next;
  }
  return out;
}

std::string seen_text(const std::vector<std::string>& seen) {
  std::string out;
  for (auto& id : seen) {
    if (!out.empty())
      out += ',';
    out += id;
  }
  return out;
}

std::vector<std::string> read_seen(const std::string& text) {
  std::vector<std::string> out;
  for (std::size_t at = 0; at < text.size();) {
    auto comma = text.find(',', at);
    if (comma == std::string::npos)
      comma = text.size();
    if (comma > at)
      out.push_back(text.substr(at, comma - at));
    at = comma + 1;
  }
  return out;
}

} // namespace usms::db

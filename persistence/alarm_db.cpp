#include "persistence/alarm_db.hpp"

#include <charconv>
#include <iterator>

#include "messages/request.hpp"
#include "persistence/record_json.hpp"
#include "persistence/schema.hpp"

namespace usms::db {

namespace {

/// The columns read_alarm expects, in its order.
constexpr const char* alarm_columns
  = "alarm_key, version, type, phase, signal, ticket, ticket_id, generation, "
    "occurrences, first_at, last_at, resolved_at, ticket_left_open, repeats, "
    "last_repeat_at, interval_ends_at, changes, flapping, flap_noted, source, "
    "reply_to";

std::string select_alarms(const std::string& rest) {
  return std::string{"SELECT "} + alarm_columns + " FROM alarms " + rest;
}

/// The flapping changes as text: their times, comma-separated.
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

stored_alarm read_alarm(const statement& s) {
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

/// Binds the record's columns as ?3 … ?23 (the statements below name them
/// in this order).
void bind_record(statement& s, const alarm_commit& c) {
  auto& r = c.record;
  s.bind(3, to_string(state_of(r)))
    .bind(4, to_string(r.type))
    .bind(5, to_string(r.phase))
    .bind(6, to_string(r.signal))
    .bind(7, to_string(r.ticket))
    .bind(8, r.ticket_id)
    .bind(9, static_cast<int64_t>(r.generation))
    .bind(10, r.occurrences)
    .bind(11, r.first_at)
    .bind(12, r.last_at)
    .bind(13, r.resolved_at)
    .bind_int(14, r.ticket_left_open ? 1 : 0)
    .bind(15, r.repeats)
    .bind(16, r.last_repeat_at)
    .bind(17, r.interval_ends_at)
    .bind(18, changes_text(r.changes))
    .bind_int(19, r.flapping ? 1 : 0)
    .bind_int(20, r.flap_noted ? 1 : 0)
    .bind(21, r.source)
    .bind(22, r.reply_to)
    .bind(23, c.due_at)
    .bind(24, now_ms());
}

constexpr const char* unfinished_states
  = "('queued', 'in_flight', 'waiting_retry')";

} // namespace

// -- the read connection ----------------------------------------------------

alarm_db::alarm_db(const std::string& path) : db_(path) {
  prepare_database(db_);
}

alarm_db::~alarm_db() = default;

statement& alarm_db::cached(const std::string& sql) {
  auto i = cache_.find(sql);
  if (i == cache_.end())
    i = cache_.emplace(sql, std::make_unique<statement>(db_.prepare(sql)))
          .first;
  return i->second->reset();
}

std::vector<stored_alarm> alarm_db::read_all(statement& s) {
  std::vector<stored_alarm> out;
  while (s.step())
    out.push_back(read_alarm(s));
  // Reset once read: a statement left on a row keeps its read snapshot.
  s.reset();
  return out;
}

std::optional<stored_alarm> alarm_db::alarm(const std::string& key) {
  auto& s = cached(select_alarms("WHERE alarm_key = ?1"));
  s.bind(1, key);
  auto found = read_all(s);
  if (found.empty())
    return std::nullopt;
  return std::move(found.front());
}

std::vector<stored_alarm>
alarm_db::alarms(const std::vector<std::string>& keys) {
  std::vector<stored_alarm> out;
  for (auto& key : keys)
    if (auto a = alarm(key))
      out.push_back(std::move(*a));
  return out;
}

alarm_page alarm_db::list(const alarm_filter& f) {
  std::string where = f.state.empty() ? "" : "WHERE state = ?1 ";
  alarm_page page;
  {
    auto& s = cached("SELECT COUNT(*) FROM alarms " + where);
    if (!f.state.empty())
      s.bind(1, f.state);
    if (s.step())
      page.total = s.int64(0);
    s.reset();
  }
  int next = f.state.empty() ? 1 : 2;
  auto& s = cached(select_alarms(where + "ORDER BY last_at DESC, alarm_key "
                                 + "LIMIT ?" + std::to_string(next)
                                 + " OFFSET ?" + std::to_string(next + 1)));
  if (!f.state.empty())
    s.bind(1, f.state);
  s.bind(next, static_cast<int64_t>(f.limit)).bind(next + 1, f.offset);
  for (auto& a : read_all(s))
    page.alarms.push_back(std::move(a.record));
  return page;
}

std::vector<stored_alarm>
alarm_db::by_tickets(const std::vector<std::string>& ticket_ids) {
  std::vector<stored_alarm> out;
  auto& s = cached(select_alarms("WHERE ticket_id = ?1"));
  for (auto& id : ticket_ids) {
    if (id.empty())
      continue;
    s.reset().bind(1, id);
    for (auto& a : read_all(s))
      out.push_back(std::move(a));
  }
  return out;
}

std::vector<std::string> alarm_db::resolved_before(int64_t before,
                                                   int32_t limit) {
  auto& s = cached("SELECT alarm_key FROM alarms WHERE resolved_at > 0 "
                   "AND resolved_at <= ?1 AND state IN ('resolved', "
                   "'closed') ORDER BY resolved_at LIMIT ?2");
  s.bind(1, before).bind_int(2, limit);
  std::vector<std::string> out;
  while (s.step())
    out.push_back(s.text(0));
  s.reset();
  return out;
}

alarm_startup alarm_db::startup() {
  alarm_startup out;
  // Run once per start: plain statements, not cached.
  auto active = db_.prepare(select_alarms(
    "WHERE ticket = 'creating' OR flapping = 1 OR due_at > 0"));
  out.active = read_all(active);
  auto pending = db_.prepare(
    std::string{"SELECT alarm_key, id FROM requests WHERE alarm_key IS NOT "
                "NULL AND state IN "}
    + unfinished_states);
  while (pending.step())
    out.pending.push_back({pending.text(0), pending.text(1)});
  // The newest create of each alarm that waits for its ticket.
  auto creates = db_.prepare(
    "SELECT r.alarm_key, r.id, r.external_reference, r.state, r.result "
    "FROM alarms a JOIN requests r ON r.alarm_key = a.alarm_key "
    "WHERE a.ticket = 'creating' AND r.cause = 'alarm_firing' "
    "AND r.seq = (SELECT MAX(seq) FROM requests x WHERE x.alarm_key = "
    "a.alarm_key AND x.cause = 'alarm_firing')");
  while (creates.step()) {
    alarm_create_outcome c;
    c.key = creates.text(0);
    c.request_id = creates.text(1);
    c.external_reference = creates.text(2);
    c.state = parse_request_state(creates.text(3))
                .value_or(request_state::queued);
    request_outcome result;
    if (decode_result(creates.text(4), result))
      c.ticket_id = result.ticket_id;
    out.creates.push_back(std::move(c));
  }
  auto cursors = db_.prepare("SELECT type, updated_since, seen FROM "
                             "alarm_sync ORDER BY type");
  while (cursors.step()) {
    alarm_sync_cursor c;
    c.type = cursors.text(0);
    c.updated_since = cursors.int64(1);
    auto seen = cursors.text(2);
    for (std::size_t at = 0; at < seen.size();) {
      auto comma = seen.find(',', at);
      if (comma == std::string::npos)
        comma = seen.size();
      if (comma > at)
        c.seen.push_back(seen.substr(at, comma - at));
      at = comma + 1;
    }
    out.cursors.push_back(std::move(c));
  }
  auto oldest = db_.prepare("SELECT COALESCE(MIN(first_at), 0) FROM alarms "
                            "WHERE ticket_id <> ''");
  if (oldest.step())
    out.oldest_ticket_at = oldest.int64(0);
  return out;
}

// -- the writes, on the journal's connection ----------------------------------

struct alarm_writer::statements {
  statement insert;
  statement update;
  statement remove;
  statement remove_events;
  statement insert_event;
  statement save_cursor;
  statement prune;
};

namespace {

/// The columns bind_record binds, as ?3, ?4, … in this order.
constexpr const char* row_columns[]
  = {"state",          "type",       "phase",       "signal",
     "ticket",         "ticket_id",  "generation",  "occurrences",
     "first_at",       "last_at",    "resolved_at", "ticket_left_open",
     "repeats",        "last_repeat_at", "interval_ends_at", "changes",
     "flapping",       "flap_noted", "source",      "reply_to",
     "due_at",         "updated_at"};

/// "state, type, …" (with `assign`: "state = ?3, type = ?4, …") and, for
/// an insert, ", ?3, ?4, …".
std::string column_list(bool assign) {
  std::string out;
  int index = 3;
  for (auto* name : row_columns) {
    if (!out.empty())
      out += ", ";
    out += name;
    if (assign)
      out += " = ?" + std::to_string(index++);
  }
  return out;
}

std::string insert_placeholders() {
  std::string out;
  for (std::size_t i = 0; i < std::size(row_columns); ++i)
    out += ", ?" + std::to_string(i + 3);
  return out;
}

} // namespace

alarm_writer::alarm_writer(database& db) : db_(db) {
  st_.reset(new statements{
    db_.prepare("INSERT INTO alarms (alarm_key, version, " + column_list(false)
                + ") VALUES (?1, ?2" + insert_placeholders()
                + ") ON CONFLICT(alarm_key) DO NOTHING"),
    db_.prepare("UPDATE alarms SET version = version + 1, "
                + column_list(true)
                + " WHERE alarm_key = ?1 AND version = ?2"),
    db_.prepare("DELETE FROM alarms WHERE alarm_key = ?1 AND version = ?2"),
    db_.prepare("DELETE FROM alarm_events WHERE alarm_key = ?1"),
    db_.prepare("INSERT INTO alarm_events (event_id, alarm_key, signal, at, "
                "source, request_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"),
    db_.prepare("INSERT INTO alarm_sync (type, updated_since, seen) "
                "VALUES (?1, ?2, ?3) ON CONFLICT(type) DO UPDATE SET "
                "updated_since = excluded.updated_since, "
                "seen = excluded.seen"),
    db_.prepare("DELETE FROM alarm_events WHERE at < ?1"),
  });
}

alarm_writer::~alarm_writer() = default;

std::optional<int64_t> alarm_writer::write_row(const alarm_commit& c) {
  if (c.forget) {
    if (c.version == 0)
      return 0; // nothing stored, nothing to forget
    auto& s = st_->remove.reset();
    s.bind(1, c.key).bind(2, c.version).run();
    if (db_.changes() != 1)
      return std::nullopt;
    st_->remove_events.reset().bind(1, c.key).run();
    return 0;
  }
  auto& s = c.version == 0 ? st_->insert.reset() : st_->update.reset();
  // A new row starts at version 1; an update's ?2 is the version it must
  // find.
  s.bind(1, c.key).bind(2, c.version == 0 ? int64_t{1} : c.version);
  bind_record(s, c);
  s.run();
  if (db_.changes() != 1)
    return std::nullopt;
  return c.version + 1;
}

void alarm_writer::insert_event(const alarm_event_row& e) {
  st_->insert_event.reset()
    .bind(1, e.id)
    .bind(2, e.key)
    .bind(3, to_string(e.signal))
    .bind(4, e.at)
    .bind(5, e.source)
    .bind(6, e.request_id)
    .run();
}

void alarm_writer::save_sync_cursor(const alarm_sync_cursor& cursor) {
  std::string seen;
  for (auto& id : cursor.seen) {
    if (!seen.empty())
      seen += ',';
    seen += id;
  }
  st_->save_cursor.reset()
    .bind(1, cursor.type)
    .bind(2, cursor.updated_since)
    .bind(3, seen)
    .run();
}

int64_t alarm_writer::prune_events(int64_t before) {
  st_->prune.reset().bind(1, before).run();
  return db_.changes();
}

} // namespace usms::db

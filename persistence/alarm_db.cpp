#include "persistence/alarm_db.hpp"

#include "messages/request.hpp"
#include "persistence/alarm_rows.hpp"
#include "persistence/schema.hpp"

namespace usms::db {

namespace {

/// Binds `values` as ?`first`, ?`first`+1, …
void bind_all(statement& s, const std::vector<alarm_value>& values,
              int first) {
  int index = first;
  for (auto& v : values) {
    if (auto* text = std::get_if<std::string>(&v))
      s.bind(index++, *text);
    else
      s.bind(index++, std::get<int64_t>(v));
  }
}

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
    out.push_back(alarm_from_row(s));
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
  static const auto sql = alarm_sql('?').resolved_before;
  auto& s = cached(sql);
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
  auto active = db_.prepare(alarm_startup_sql::active());
  out.active = read_all(active);
  auto pending = db_.prepare(alarm_startup_sql::pending);
  while (pending.step())
    out.pending.push_back({pending.text(0), pending.text(1)});
  auto creates = db_.prepare(alarm_startup_sql::creates);
  while (creates.step())
    out.creates.push_back(create_from_row(creates));
  auto cursors = db_.prepare(alarm_startup_sql::cursors);
  while (cursors.step())
    out.cursors.push_back(cursor_from_row(cursors));
  auto oldest = db_.prepare(alarm_startup_sql::oldest);
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

alarm_writer::alarm_writer(database& db) : db_(db) {
  auto sql = alarm_sql('?');
  st_.reset(new statements{
    db_.prepare(sql.insert), db_.prepare(sql.update), db_.prepare(sql.remove),
    db_.prepare(sql.remove_events), db_.prepare(sql.insert_event),
    db_.prepare(sql.save_cursor), db_.prepare(sql.prune)});
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
  bind_all(s, change_values(c, now_ms()), 3);
  s.run();
  if (db_.changes() != 1)
    return std::nullopt;
  return c.version + 1;
}

void alarm_writer::insert_event(const alarm_event_row& e) {
  auto& s = st_->insert_event.reset();
  bind_all(s, event_values(e), 1);
  s.run();
}

void alarm_writer::save_sync_cursor(const alarm_sync_cursor& cursor) {
  st_->save_cursor.reset()
    .bind(1, cursor.type)
    .bind(2, cursor.updated_since)
    .bind(3, seen_text(cursor.seen))
    .run();
}

int64_t alarm_writer::prune_events(int64_t before) {
  st_->prune.reset().bind(1, before).run();
  return db_.changes();
}

} // namespace usms::db

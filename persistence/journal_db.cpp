#include "persistence/journal_db.hpp"

#include <algorithm>
#include <type_traits>
#include <variant>

#include "persistence/record_json.hpp"
#include "persistence/schema.hpp"

namespace usms::db {

struct journal_db::statements {
  statement find_key;
  statement insert;
  statement progress;
  statement finish;
  statement insert_status;
  statement bump_reference;
  statement confirmed;
  statement requeue;
  statement load_one;
  statement reply_state;
  // The group transaction and the savepoint around each of its writes,
  // prepared once: they run for every request.
  statement begin_group;
  statement commit_group;
  statement rollback_group;
  statement begin_write;
  statement end_write;
  statement undo_write;
};

namespace {

/// What a retry resets; ?2 is the moment.
const std::string requeue_set = requeue_assignments("?2");

/// Binds `text`, or NULL when it is empty (columns where NULL means none).
void bind_text_or_null(statement& s, int index, const std::string& text) {
  if (text.empty())
    s.bind_null(index);
  else
    s.bind(index, text);
}

std::string select_from_requests(const char* where) {
  return std::string{"SELECT "} + request_columns + " FROM requests " + where;
}

} // namespace

journal_db::journal_db(const std::string& path) : db_(path) {
  prepare_database(db_);
  st_.reset(new statements{
    db_.prepare("SELECT id FROM requests WHERE idempotency_key = ?1"),
    db_.prepare(
      "INSERT INTO requests (id, action, type, payload, source, "
      "correlation_id, reply_to, idempotency_key, external_reference, state, "
      "accepted_at, updated_at, serial_key, cause, alarm_key, sending) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?14, ?10, ?10, ?11, "
      "?12, ?13, ?15)"),
    db_.prepare("UPDATE requests SET state = ?2, attempts = ?3, "
                "next_attempt_at = ?4, last_error = ?5, sending = ?6, "
                "lookup_first = ?7, updated_at = ?8 WHERE id = ?1"),
    db_.prepare("UPDATE requests SET state = ?2, attempts = ?3, "
                "next_attempt_at = 0, sending = 0, lookup_first = 0, "
                "finished_at = ?4, updated_at = ?4, result = ?5, reason = ?6, "
                "reply_state = ?7, reply_attempts = 0, reply_error = '' "
                "WHERE id = ?1"),
    db_.prepare("INSERT INTO status_rows (request_id, accepted_at, "
                "finished_at, action, type, ticket_id, status, reason, "
                "source, correlation_id, attempts, cause, alarm_key) "
                "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
                "?13)"),
    db_.prepare("INSERT INTO external_references (external_reference, "
                "confirmed) VALUES (?1, 1) ON CONFLICT(external_reference) "
                "DO UPDATE SET confirmed = confirmed + 1"),
    db_.prepare("SELECT confirmed FROM external_references "
                "WHERE external_reference = ?1"),
    db_.prepare("UPDATE requests SET " + requeue_set
                + " WHERE id = ?1 AND state IN ('failed', 'cancelled') "
                  "RETURNING "
                + index_columns),
    db_.prepare(select_request_by_id()),
    db_.prepare("UPDATE requests SET reply_state = ?2, reply_attempts = ?3, "
                "reply_error = ?4 WHERE id = ?1"),
    db_.prepare("BEGIN IMMEDIATE"),
    db_.prepare("COMMIT"),
    db_.prepare("ROLLBACK"),
    db_.prepare("SAVEPOINT journal_write"),
    db_.prepare("RELEASE journal_write"),
    db_.prepare("ROLLBACK TO journal_write"),
  });
  alarms_ = std::make_unique<alarm_writer>(db_);
  headroom_ = std::make_unique<wal_headroom>(db_);
}

journal_db::~journal_db() {
  if (db_.in_transaction()) {
    try {
      st_->rollback_group.reset().run();
    } catch (...) {
      // closing anyway
    }
  }
}

void journal_db::begin() {
  if (!db_.in_transaction()) {
    st_->begin_group.reset().run();
    in_group_ = true;
  }
}

void journal_db::commit() {
  if (!in_group_)
    return;
  in_group_ = false;
  // A failure inside the group may have made SQLite roll all of it back:
  // committing nothing must not pass for committing the group.
  if (!db_.in_transaction())
    throw sqlite_error("the group's transaction was rolled back after a "
                       "failed write");
  headroom_->before_commit();
  st_->commit_group.reset().run();
}

void journal_db::rollback() {
  in_group_ = false;
  // After a failed COMMIT SQLite may have rolled back already.
  if (db_.in_transaction())
    st_->rollback_group.reset().run();
}

// A write of one statement needs no savepoint: SQLite takes a failed
// statement back by itself and leaves the transaction open (or rolls the
// whole group back, which in_transaction() then shows). A write of more
// than one statement runs in_savepoint(). (A savepoint around every write
// cost two more statements per write and a copy of every page the write
// touched into the savepoint's journal.)
void journal_db::begin_write() {
  begin();
}

void journal_db::end_write() {
}

bool journal_db::undo_write() {
  // What failed is taken back already (by SQLite, or by in_savepoint()).
  return db_.in_transaction();
}

template <class Write>
auto journal_db::in_savepoint(Write&& write) -> decltype(write()) {
  st_->begin_write.reset().run();
  try {
    if constexpr (std::is_void_v<decltype(write())>) {
      write();
      st_->end_write.reset().run();
    } else {
      auto result = write();
      st_->end_write.reset().run();
      return result;
    }
  } catch (...) {
    try {
      if (db_.in_transaction()) {
        st_->undo_write.reset().run();
        st_->end_write.reset().run();
      }
    } catch (...) {
      // the group is lost then; the caller's error says so
    }
    throw;
  }
}

void journal_db::check_writable() {
  // The schema version lives in its own table: user_version is free, and
  // writing back its own value changes nothing yet needs a page written
  // and synced, like any commit.
  db::in_transaction(db_, [&] {
    auto q = db_.prepare("PRAGMA user_version");
    auto version = q.step() ? q.int64(0) : 0;
    q.reset();
    db_.exec("PRAGMA user_version = " + std::to_string(version));
  });
}

journal_db::append_result
journal_db::insert_request(const ticket_request& req, bool sending) {
  if (!req.idempotency_key.empty()) {
    auto& q = st_->find_key.reset();
    q.bind(1, req.idempotency_key);
    // Every SELECT is reset once read: a statement left on a row keeps an
    // old read snapshot open, and the next BEGIN IMMEDIATE would then fail
    // with SQLITE_BUSY_SNAPSHOT once another connection has written.
    if (q.step()) {
      append_result found{q.text(0), true};
      q.reset();
      return found;
    }
    q.reset();
  }
  auto& s = st_->insert.reset();
  s.bind(1, req.id)
    .bind(2, to_string(req.act))
    .bind(3, to_string(req.type))
    .bind(4, encode_payload(req))
    .bind(5, req.source)
    .bind(6, req.correlation_id)
    .bind(7, req.reply_to);
  bind_text_or_null(s, 8, req.idempotency_key);
  s.bind(9, req.external_reference)
    .bind(10, req.accepted_at)
    .bind(11, serial_key(req))
    .bind(12, to_string(req.cause));
  bind_text_or_null(s, 13, req.alarm_key);
  s.bind(14, to_string(appended_state(sending))).bind_int(15, sending ? 1 : 0);
  s.run();
  return {req.id, false, db_.last_insert_rowid()};
}

bool journal_db::update_progress(const std::string& id,
                                 const request_progress& p) {
  auto& s = st_->progress.reset();
  s.bind(1, id)
    .bind(2, to_string(p.state))
    .bind_int(3, p.attempts)
    .bind(4, p.next_attempt_at)
    .bind(5, p.last_error)
    .bind_int(6, p.sending ? 1 : 0)
    .bind_int(7, p.lookup_first ? 1 : 0)
    .bind(8, now_ms());
  s.run();
  return true;
}

std::optional<status_row> journal_db::finish(const ticket_request& req,
                                             const request_outcome& out,
                                             const std::string& reply_state) {
  // Three statements (outcome, status row, confirmed create): one unit.
  return in_savepoint([&]() -> std::optional<status_row> {
    auto& s = st_->finish.reset();
    s.bind(1, req.id)
      .bind(2, to_string(out.state))
      .bind_int(3, out.attempts)
      .bind(4, out.finished_at)
      .bind(5, encode_result(out))
      .bind(6, out.reason)
      .bind(7, reply_state);
    s.run();
    auto row = finished_row(req, out);
    auto& r = st_->insert_status.reset();
    r.bind(1, row.request_id)
      .bind(2, row.accepted_at)
      .bind(3, row.finished_at)
      .bind(4, row.action)
      .bind(5, row.type)
      .bind(6, row.ticket_id)
      .bind(7, row.status)
      .bind(8, row.reason)
      .bind(9, row.source)
      .bind(10, row.correlation_id)
      .bind_int(11, row.attempts)
      .bind(12, row.cause);
    bind_text_or_null(r, 13, row.alarm_key);
    r.run();
    row.row_id = db_.last_insert_rowid();
    if (req.act == action::create && out.state == request_state::succeeded
        && !req.external_reference.empty()) {
      auto& b = st_->bump_reference.reset();
      b.bind(1, req.external_reference);
      b.run();
    }
    return row;
  });
}

int64_t journal_db::confirmed_creates(const std::string& external_reference) {
  auto& q = st_->confirmed.reset();
  q.bind(1, external_reference);
  auto n = q.step() ? q.int64(0) : 0;
  q.reset();
  return n;
}

std::optional<index_row> journal_db::requeue(const std::string& id) {
  auto& s = st_->requeue.reset();
  s.bind(1, id).bind(2, now_ms());
  std::optional<index_row> row;
  if (s.step())
    row = index_from_row(s);
  s.reset();
  return row;
}

std::vector<index_row> journal_db::requeue_failed(const status_filter& f) {
  // ?2 is the moment; the filter's `?`s come after it, numbered 3, 4 ...
  auto w = failed_requests_where(f, "LIKE");
  auto q = db_.prepare("UPDATE requests SET " + requeue_set + w.sql
                       + " RETURNING " + index_columns);
  q.bind(2, now_ms());
  bind_values(q, w, 3);
  std::vector<index_row> out;
  while (q.step())
    out.push_back(index_from_row(q));
  std::sort(out.begin(), out.end(),
            [](auto& a, auto& b) { return a.seq < b.seq; });
  return out;
}

std::vector<request_record> journal_db::load_unfinished() {
  auto q = db_.prepare(select_from_requests(
    "WHERE state IN ('queued', 'in_flight', 'waiting_retry') ORDER BY seq"));
  std::vector<request_record> out;
  while (q.step())
    out.push_back(request_from_row(q));
  return out;
}

int bind_values(statement& s, const where_clause& w, int first) {
  int index = first;
  for (const auto& v : w.values) {
    if (auto* text = std::get_if<std::string>(&v))
      s.bind(index++, *text);
    else
      s.bind(index++, std::get<int64_t>(v));
  }
  return index;
}

std::string select_request_by_id() {
  return select_from_requests("WHERE id = ?1");
}

std::optional<request_record> find_request(statement& by_id,
                                           const std::string& id) {
  by_id.reset().bind(1, id);
  std::optional<request_record> rec;
  if (by_id.step())
    rec = request_from_row(by_id);
  // Reset once read: a statement left on a row keeps its read snapshot.
  by_id.reset();
  return rec;
}

std::optional<request_record> journal_db::load(const std::string& id) {
  return find_request(st_->load_one, id);
}

int64_t journal_db::status_count() {
  auto q = db_.prepare("SELECT COUNT(*) FROM status_rows");
  return q.step() ? q.int64(0) : 0;
}

std::vector<request_record> journal_db::pending_replies() {
  auto q = db_.prepare(
    select_from_requests("WHERE reply_state = 'pending' ORDER BY seq"));
  std::vector<request_record> out;
  while (q.step())
    out.push_back(request_from_row(q));
  return out;
}

void journal_db::save_reply_states(
  const std::vector<reply_state_update>& updates) {
  in_savepoint([&] {
    auto& s = st_->reply_state;
    for (const auto& u : updates) {
      s.reset()
        .bind(1, u.request_id)
        .bind(2, u.state)
        .bind_int(3, u.attempts)
        .bind(4, u.error);
      s.run();
    }
  });
}

alarm_commit_result journal_db::write_alarm(const alarm_commit& c) {
  begin();
  // A savepoint makes the alarm's change one unit inside the group commit:
  // a conflict or a failure undoes it alone.
  db_.exec("SAVEPOINT alarm_commit");
  alarm_commit_result res;
  try {
    auto version = alarms_->write_row(c);
    if (!version) {
      db_.exec("ROLLBACK TO alarm_commit");
      db_.exec("RELEASE alarm_commit");
      res.conflict = true;
      return res;
    }
    res.version = *version;
    if (!c.forget)
      for (auto& e : c.events)
        alarms_->insert_event(e);
    for (auto& req : c.requests)
      res.seqs.push_back(append(req).seq);
    db_.exec("RELEASE alarm_commit");
  } catch (...) {
    try {
      db_.exec("ROLLBACK TO alarm_commit");
      db_.exec("RELEASE alarm_commit");
    } catch (...) {
      // the transaction is lost anyway; the caller's error says so
    }
    throw;
  }
  return res;
}

void journal_db::save_sync_cursor(const alarm_sync_cursor& cursor) {
  alarms_->save_sync_cursor(cursor);
}

int64_t journal_db::prune_alarm_events(int64_t before) {
  return alarms_->prune_events(before);
}

} // namespace usms::db

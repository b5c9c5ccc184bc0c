#include "persistence/pg_journal.hpp"

#include <algorithm>
#include <type_traits>

#include "persistence/alarm_rows.hpp"
#include "persistence/filters.hpp"
#include "persistence/pg_migrations.hpp"
#include "persistence/pg_rows.hpp"
#include "persistence/record_json.hpp"
#include "persistence/rows.hpp"

namespace usms::pg {

namespace {

constexpr int min_block = 16;
constexpr int max_block = 4096;

/// Rows a multi-row INSERT takes at most: a few hundred kilobytes.
constexpr size_t max_batch_rows = 1000;

/// A new request's columns, in request_values order.
const std::vector<row_batch::column> request_row{
    {"seq", "bigint"},           {"id", "text"},
    {"action", "text"},          {"type", "text"},
    {"payload", "text"},         {"source", "text"},
    {"correlation_id", "text"},  {"reply_to", "text"},
    {"idempotency_key", "text"}, {"external_reference", "text"},
    {"state", "text"},           {"accepted_at", "bigint"},
    {"updated_at", "bigint"},    {"serial_key", "text"},
    {"cause", "text"},           {"alarm_key", "text"}};

/// NULL for an empty text (columns where NULL means none).
value text_or_null(const std::string& text) {
  return text.empty() ? value{std::nullopt} : value{text};
}

std::vector<value> request_values(int64_t seq, const ticket_request& req) {
  return {seq,
          req.id,
          to_string(req.act),
          to_string(req.type),
          db::encode_payload(req),
          req.source,
          req.correlation_id,
          req.reply_to,
          text_or_null(req.idempotency_key),
          req.external_reference,
          "queued",
          req.accepted_at,
          req.accepted_at,
          serial_key(req),
          to_string(req.cause),
          text_or_null(req.alarm_key)};
}

/// A status row's columns, in status_values order.
const std::vector<row_batch::column> status_row_columns{
    {"row_id", "bigint"},       {"request_id", "text"},
    {"accepted_at", "bigint"},  {"finished_at", "bigint"},
    {"action", "text"},         {"type", "text"},
    {"ticket_id", "text"},      {"status", "text"},
    {"reason", "text"},         {"source", "text"},
    {"correlation_id", "text"}, {"attempts", "integer"},
    {"cause", "text"},          {"alarm_key", "text"}};

std::vector<value> status_values(const status_row& row) {
  return {row.row_id, row.request_id, row.accepted_at,    row.finished_at,
          row.action, row.type,       row.ticket_id,      row.status,
          row.reason, row.source,     row.correlation_id, row.attempts,
          row.cause,  text_or_null(row.alarm_key)};
}

/// `{1,2,3}`, PostgreSQL's text form of a bigint array.
void append_array(const std::string& text, std::vector<int64_t>& out) {
  const char* p = text.c_str();
  while (*p) {
    if (*p == '{' || *p == ',' || *p == '}') {
      ++p;
      continue;
    }
    char* end = nullptr;
    out.push_back(std::strtoll(p, &end, 10));
    p = end;
  }
}

} // namespace

int id_block::wanted() const {
  // Twice what the last group used: groups vary, and a number taken too
  // many costs a gap in the sequence, one too few a round trip.
  return std::clamp(2 * std::max(last_used, used), min_block, max_block);
}

int id_block::on_the_way() const {
  return empty() ? std::min(2 * last_used, max_block) : 0;
}

void id_block::end_group(bool took_any) {
  if (took_any)
    last_used = used;
  used = 0;
  values.clear();
  next = 0;
}

pg_journal::pg_journal(const std::string& url)
    : c_(url), new_requests_("requests", request_row),
      new_status_rows_("status_rows", status_row_columns) {
  migrate(c_);
}

pg_journal::~pg_journal() {
  if (in_tx_)
    c_.abandon_transaction();
}

void pg_journal::begin() {
  if (in_tx_)
    return;
  c_.enter_pipeline();
  c_.queue_command("BEGIN");
  in_tx_ = true;
}

void pg_journal::commit() {
  if (!in_tx_)
    return;
  in_tx_ = false;
  try {
    check_group();
    flush_requests();
    new_status_rows_.queue_on(c_);
    c_.queue_command("COMMIT");
    c_.leave_pipeline();
  } catch (...) {
    c_.abandon_transaction();
    end_group();
    throw;
  }
  end_group();
  // Committed and flushed: the database takes writes.
  c_.status()->ok();
}

void pg_journal::rollback() {
  if (!in_tx_)
    return;
  in_tx_ = false;
  c_.abandon_transaction();
  end_group();
}

void pg_journal::begin_write() {
  begin();
  // A full batch is written before the next write begins, so that a write
  // never sends rows of the writes before it as its own.
  if (new_requests_.size() >= max_batch_rows)
    flush_requests();
  if (new_status_rows_.size() >= max_batch_rows)
    new_status_rows_.queue_on(c_);
  write_sent_ = false;
  requests_at_ = new_requests_.mark();
  status_rows_at_ = new_status_rows_.mark();
}

void pg_journal::end_write() {
  write_sent_ = false;
}

bool pg_journal::undo_write() {
  if (!in_tx_)
    return false;
  // What reached the server stays in the group; so the group is kept only
  // when the write sent nothing and nothing failed there.
  if (write_sent_ || !c_.in_pipeline() || c_.pipeline_failed())
    return false;
  new_requests_.truncate(requests_at_);
  new_status_rows_.truncate(status_rows_at_);
  return true;
}

void pg_journal::check_writable() {
  // A transaction id makes COMMIT write and flush a commit record, as any
  // write would; a standby refuses to assign one.
  pg::in_transaction(c_, [&] { c_.run("SELECT pg_current_xact_id()"); });
  c_.status()->ok();
}

void pg_journal::set_owner(const std::string& instance_id, int64_t token) {
  owner_ = instance_id;
  owner_token_ = token;
}

void pg_journal::end_group() {
  // A group that took no number at all (progress only) says nothing about
  // the next one's mix.
  bool took_any = seqs_.used > 0 || row_ids_.used > 0;
  seqs_.end_group(took_any);
  row_ids_.end_group(took_any);
  new_requests_.clear();
  new_status_rows_.clear();
}

void pg_journal::flush_requests() {
  new_requests_.queue_on(c_);
}

void pg_journal::queue(const std::string& sql, const std::vector<value>& args) {
  check_storable(args, sql);
  // A statement queued now may touch a request gathered before it.
  flush_requests();
  write_sent_ = true;
  c_.queue(sql, args);
}

result pg_journal::run(const std::string& sql, const std::vector<value>& args) {
  check_storable(args, sql);
  if (c_.in_pipeline()) {
    flush_requests();
    new_status_rows_.queue_on(c_);
  }
  write_sent_ = true;
  return c_.run(sql, args);
}

void pg_journal::check_group() const {
  // A lost connection takes the transaction with it: the group's writes so
  // far are gone, and so must be the ones still to come (a reconnect would
  // run them outside any transaction).
  if (!c_.in_pipeline())
    throw pg_error("PostgreSQL: the group commit's connection was lost",
                   "08003");
}

template <class F>
auto pg_journal::alone_or_in_group(F&& fn) {
  if (in_tx_) {
    check_group();
    return fn();
  }
  begin();
  try {
    if constexpr (std::is_void_v<decltype(fn())>) {
      fn();
      commit();
    } else {
      auto v = fn();
      commit();
      return v;
    }
  } catch (...) {
    rollback();
    throw;
  }
}

void pg_journal::take_ids(int seqs, int row_ids) {
  // One round trip for both kinds: the other kind as many as the last
  // group used, so a steady mix of appends and finishes asks once.
  auto r = c_.run("SELECT ARRAY(SELECT nextval('requests_seq_seq') "
                  "FROM generate_series(1, $1)), "
                  "ARRAY(SELECT nextval('status_rows_row_id_seq') "
                  "FROM generate_series(1, $2))",
                  {seqs, row_ids});
  append_array(r.text(0, 0), seqs_.values);
  append_array(r.text(0, 1), row_ids_.values);
}

int64_t pg_journal::next_seq() {
  if (seqs_.empty())
    take_ids(seqs_.wanted(), row_ids_.on_the_way());
  return seqs_.take();
}

int64_t pg_journal::next_row_id() {
  if (row_ids_.empty())
    take_ids(seqs_.on_the_way(), row_ids_.wanted());
  return row_ids_.take();
}

pg_journal::append_result pg_journal::append(const ticket_request& req) {
  return alone_or_in_group([&]() -> append_result {
    auto seq = next_seq();
    if (req.idempotency_key.empty()) {
      new_requests_.add(request_values(seq, req));
      return {req.id, false, seq};
    }
    // The unique index decides, also against another gateway journaling
    // the same key at this moment (its row is waited for).
    auto inserted = run(
        "INSERT INTO requests (seq, id, action, type, payload, source, "
        "correlation_id, reply_to, idempotency_key, external_reference, state, "
        "accepted_at, updated_at, serial_key, cause, alarm_key) VALUES ($1, "
        "$2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) "
        "ON CONFLICT (idempotency_key) "
        "WHERE idempotency_key IS NOT NULL DO NOTHING RETURNING seq",
        request_values(seq, req));
    if (inserted.rows() == 1)
      return {req.id, false, seq};
    auto found = run("SELECT id FROM requests WHERE idempotency_key = $1",
                     {req.idempotency_key});
    if (found.rows() != 1)
      throw pg_error("idempotency key " + req.idempotency_key
                     + " neither journaled nor found");
    return {found.text(0, 0), true, 0};
  });
}

bool pg_journal::update_progress(const std::string& id,
                                 const request_progress& p) {
  return alone_or_in_group([&] {
    queue("UPDATE requests SET state = $2, attempts = $3, "
          "next_attempt_at = $4, last_error = $5, sending = $6, "
          "lookup_first = $7, updated_at = $8 WHERE id = $1",
          {id, to_string(p.state), p.attempts, p.next_attempt_at, p.last_error,
           p.sending ? 1 : 0, p.lookup_first ? 1 : 0, now_ms()});
    return true;
  });
}

std::optional<status_row>
pg_journal::finish(const ticket_request& req, const request_outcome& out,
                   const std::string& reply_state) {
  return alone_or_in_group([&]() -> std::optional<status_row> {
    auto row = db::finished_row(req, out);
    row.row_id = next_row_id();
    auto row_values = status_values(row);
    // Checked before anything is sent: a value PostgreSQL cannot hold
    // fails this write alone.
    check_storable(row_values, "status row");
    queue("UPDATE requests SET state = $2, attempts = $3, "
          "next_attempt_at = 0, sending = 0, lookup_first = 0, "
          "finished_at = $4, updated_at = $4, result = $5, reason = $6, "
          "reply_state = $7, reply_attempts = 0, reply_error = '' "
          "WHERE id = $1",
          {req.id, to_string(out.state), out.attempts, out.finished_at,
           db::encode_result(out), out.reason, reply_state});
    new_status_rows_.add(row_values);
    if (req.act == action::create && out.state == request_state::succeeded
        && !req.external_reference.empty())
      queue("INSERT INTO external_references (external_reference, "
            "confirmed) VALUES ($1, 1) ON CONFLICT (external_reference) "
            "DO UPDATE SET confirmed = external_references.confirmed + 1",
            {req.external_reference});
    return row;
  });
}

int64_t pg_journal::confirmed_creates(const std::string& external_reference) {
  auto r = c_.run("SELECT confirmed FROM external_references "
                  "WHERE external_reference = $1",
                  {external_reference});
  return r.rows() ? r.int64(0, 0) : 0;
}

std::optional<index_row> pg_journal::requeue(const std::string& id) {
  return alone_or_in_group([&]() -> std::optional<index_row> {
    auto r = run("UPDATE requests SET " + db::requeue_assignments("$2")
                     + " WHERE id = $1 AND state IN ('failed', "
                       "'cancelled') RETURNING "
                     + db::index_columns,
                 {id, now_ms()});
    auto rows = index_rows_of(r);
    if (rows.empty())
      return std::nullopt;
    return std::move(rows.front());
  });
}

std::vector<index_row> pg_journal::requeue_failed(const status_filter& f) {
  return alone_or_in_group([&] {
    auto w = db::failed_requests_where(f, "ILIKE");
    auto args = values_of(w);
    args.insert(args.begin(), now_ms());
    auto r = run("UPDATE requests SET " + db::requeue_assignments("$1")
                     + db::numbered_placeholders(w.sql, 2) + " RETURNING "
                     + db::index_columns,
                 args);
    auto out = index_rows_of(r);
    std::sort(out.begin(), out.end(),
              [](auto& a, auto& b) { return a.seq < b.seq; });
    return out;
  });
}

std::optional<request_record> pg_journal::load(const std::string& id) {
  return find_request(c_, id);
}

int64_t pg_journal::status_count() {
  return c_.run("SELECT COUNT(*) FROM status_rows").int64(0, 0);
}

std::vector<request_record> pg_journal::pending_replies() {
  return requests_of(
      c_.run(select_requests("WHERE reply_state = 'pending' ORDER BY seq")));
}

void pg_journal::save_reply_states(
    const std::vector<reply_state_update>& updates) {
  alone_or_in_group([&] {
    for (const auto& u : updates)
      queue("UPDATE requests SET reply_state = $2, reply_attempts = $3, "
            "reply_error = $4 WHERE id = $1",
            {u.request_id, u.state, u.attempts, u.error});
  });
}

alarm_commit_result pg_journal::write_alarm(const alarm_commit& c) {
  return alone_or_in_group([&] {
    static const auto sql = db::alarm_sql('$');
    alarm_commit_result res;
    // The row's write is conditional on its version and waited for: on a
    // conflict it wrote nothing, and nothing else of the change follows.
    if (c.forget) {
      if (c.version != 0) {
        if (run(sql.remove, {c.key, c.version}).affected() != 1) {
          res.conflict = true;
          return res;
        }
        queue(sql.remove_events, {c.key});
      }
      res.version = 0;
    } else {
      auto args = values_of(db::change_values(c, now_ms()));
      args.insert(args.begin(),
                  {c.key, c.version == 0 ? int64_t{1} : c.version});
      if (run(c.version == 0 ? sql.insert : sql.update, args).affected()
          != 1) {
        res.conflict = true;
        return res;
      }
      res.version = c.version + 1;
      for (auto& e : c.events)
        queue(sql.insert_event, values_of(db::event_values(e)));
    }
    for (auto& req : c.requests)
      res.seqs.push_back(append(req).seq);
    return res;
  });
}

void pg_journal::save_sync_cursor(const alarm_sync_cursor& cursor) {
  alone_or_in_group([&] {
    static const auto sql = db::alarm_sql('$').save_cursor;
    queue(sql, {cursor.type, cursor.updated_since,
                db::seen_text(cursor.seen)});
  });
}

int64_t pg_journal::prune_alarm_events(int64_t before) {
  return alone_or_in_group([&] {
    static const auto sql = db::alarm_sql('$').prune;
    return run(sql, {before}).affected();
  });
}

} // namespace usms::pg

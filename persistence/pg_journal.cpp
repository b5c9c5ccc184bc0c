#include "persistence/pg_journal.hpp"

#include <algorithm>
#include <type_traits>

#include "persistence/alarm_rows.hpp"
#include "persistence/filters.hpp"
#include "persistence/pg_cluster.hpp"
#include "persistence/pg_journal_rows.hpp"
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

value pg_journal::owner_value() const {
  return owner_token_ ? value{owner_} : value{std::nullopt};
}

value pg_journal::token_value() const {
  return owner_token_ ? value{owner_token_} : value{std::nullopt};
}

void pg_journal::flush_requests() {
  if (new_requests_.empty())
    return;
  c_.queue(lock_keys, {new_requests_.array_of(serial_key_column)});
  static const auto sql
    = routed_insert(new_requests_.unnest_source(),
                    new_requests_.column_names(),
                    static_cast<int>(request_row.size()) + 1, "");
  new_requests_.queue_on(c_, sql, {owner_value(), token_value()});
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

pg_journal::append_result
pg_journal::insert_request(const ticket_request& req, bool sending) {
  return alone_or_in_group([&]() -> append_result {
    auto seq = next_seq();
    if (req.idempotency_key.empty()) {
      new_requests_.add(request_values(seq, req, sending));
      return {req.id, false, seq};
    }
    // The unique index decides, also against another gateway journaling
    // the same key at this moment (its row is waited for).
    row_batch one{"requests", request_row};
    one.add(request_values(seq, req, sending));
    auto keys = one.array_of(serial_key_column);
    auto args = one.take_args();
    static const auto sql = routed_insert(
      one.unnest_source(), one.column_names(),
      static_cast<int>(request_row.size()) + 1,
      "ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL "
      "DO NOTHING");
    args.push_back(owner_value());
    args.push_back(token_value());
    run(lock_keys, {keys});
    auto inserted = run(sql, args);
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
    static const std::string sql
      = "UPDATE requests SET state = $2, attempts = $3, "
        "next_attempt_at = $4, last_error = $5, sending = $6, "
        "lookup_first = $7, updated_at = $8 WHERE id = $1";
    std::vector<value> args{id,
                            to_string(p.state),
                            p.attempts,
                            p.next_attempt_at,
                            p.last_error,
                            p.sending ? 1 : 0,
                            p.lookup_first ? 1 : 0,
                            now_ms()};
    if (!owner_token_) {
      queue(sql, args);
      return true;
    }
    // Fenced: the answer is waited for, so that a sending mark refused
    // here keeps the call from being sent.
    static const std::string fenced = sql + owned_by(9);
    args.emplace_back(owner_token_);
    return run(fenced, args).affected() == 1;
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
    static const std::string sql
      = "UPDATE requests SET state = $2, attempts = $3, "
        "next_attempt_at = 0, sending = 0, lookup_first = 0, "
        "finished_at = $4, updated_at = $4, result = $5, reason = $6, "
        "reply_state = $7, reply_attempts = 0, reply_error = '' "
        "WHERE id = $1";
    std::vector<value> args{req.id,        to_string(out.state),
                            out.attempts,  out.finished_at,
                            db::encode_result(out), out.reason,
                            reply_state};
    if (!owner_token_) {
      queue(sql, args);
    } else {
      static const std::string fenced = sql + owned_by(8);
      args.emplace_back(owner_token_);
      if (run(fenced, args).affected() != 1)
        return std::nullopt;
    }
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
    // Back in the queue of the instance an operator asked.
    auto r = run("UPDATE requests SET " + db::requeue_assignments("$2")
                     + ", owner = $3, owner_token = $4"
                     + " WHERE id = $1 AND state IN ('failed', "
                       "'cancelled') RETURNING "
                     + db::index_columns,
                 {id, now_ms(), owner_value(), token_value()});
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
    args.insert(args.begin(), {now_ms(), owner_value(), token_value()});
    auto r = run("UPDATE requests SET " + db::requeue_assignments("$1")
                     + ", owner = $2, owner_token = $3"
                     + db::numbered_placeholders(w.sql, 4) + " RETURNING "
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
  if (!owner_token_)
    return requests_of(
      c_.run(select_requests("WHERE reply_state = 'pending' ORDER BY seq")));
  // Its own, and those of instances that are gone (their replies would
  // wait for nobody otherwise); not those of instances still at work.
  auto out = requests_of(c_.run(
    std::string{"UPDATE requests r SET owner = $1, owner_token = $2 WHERE "
                "reply_state = 'pending' AND (owner_token = $2 OR "}
      + no_live_owner + ") RETURNING " + db::request_columns,
    {owner_, owner_token_}));
  std::sort(out.begin(), out.end(),
            [](auto& a, auto& b) { return a.seq < b.seq; });
  return out;
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

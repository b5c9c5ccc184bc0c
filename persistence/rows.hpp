#pragma once

/// The gateway's rows as both backends select and read them: the column
/// lists, and readers from any row that answers text(column) and
/// int64(column) (a SQLite statement on a row, a PostgreSQL result row).

#include <string>

#include "messages/ops_queries.hpp"
#include "messages/request.hpp"
#include "messages/status_row.hpp"
#include "persistence/offload_store.hpp"
#include "persistence/record_json.hpp"

namespace usms::db {

/// The `requests` columns request_from_row expects.
extern const char* const request_columns;

/// The `requests` columns index_from_row expects.
extern const char* const index_columns;

/// The `status_rows` columns in status_row order, for status_from_row.
extern const char* const status_columns;

/// The `offload_batches` columns batch_from_row expects.
extern const char* const batch_columns;

/// "Succeeded" / "Failed" (cancelled counts as Failed) for the status table.
std::string status_text(request_state s);

/// The state a new request is journaled in: queued, or in flight when it
/// is journaled with its sending mark (journal_store::append_sending).
request_state appended_state(bool sending);

/// The status-table row that finishing `req` with `out` writes (its
/// row_id not yet known).
status_row finished_row(const ticket_request& req, const request_outcome& out);

/// The assignments that put a failed or cancelled request back in the
/// queue, its give-up clock starting at `moment` (a placeholder).
std::string requeue_assignments(const std::string& moment);

/// A `requests` row selected with request_columns.
template <class Row>
request_record request_from_row(const Row& s) {
  request_record rec;
  auto& r = rec.request;
  r.id = s.text(0);
  r.act = parse_action(s.text(1)).value_or(action::create);
  r.type = parse_ticket_type(s.text(2)).value_or(ticket_type::incident);
  decode_payload(s.text(3), r);
  r.source = s.text(4);
  r.correlation_id = s.text(5);
  r.reply_to = s.text(6);
  r.idempotency_key = s.text(7);
  r.external_reference = s.text(8);
  auto state = parse_request_state(s.text(9)).value_or(request_state::queued);
  auto& p = rec.progress;
  p.state = state;
  p.attempts = static_cast<int32_t>(s.int64(10));
  p.next_attempt_at = s.int64(11);
  p.last_error = s.text(12);
  p.sending = s.int64(13) != 0;
  p.lookup_first = s.int64(14) != 0;
  r.accepted_at = s.int64(15);
  rec.updated_at = s.int64(16);
  if (is_finished(state)) {
    request_outcome out;
    out.state = state;
    out.attempts = p.attempts;
    out.finished_at = s.int64(17);
    decode_result(s.text(18), out);
    out.reason = s.text(19);
    rec.outcome = std::move(out);
  }
  rec.reply_state = s.text(20);
  rec.reply_attempts = static_cast<int32_t>(s.int64(21));
  rec.reply_error = s.text(22);
  rec.seq = s.int64(23);
  p.retried_at = s.int64(24);
  r.cause = parse_request_cause(s.text(25)).value_or(request_cause::command);
  r.alarm_key = s.text(26);
  return rec;
}

/// A `requests` row selected with index_columns.
template <class Row>
index_row index_from_row(const Row& s) {
  index_row row;
  row.id = s.text(0);
  row.seq = s.int64(1);
  row.query = s.text(2) == "query";
  row.serial_key = s.text(3);
  row.next_attempt_at = s.int64(4);
  row.clock_start = s.int64(5);
  return row;
}

/// A `status_rows` row selected with status_columns.
template <class Row>
status_row status_from_row(const Row& s) {
  status_row r;
  r.row_id = s.int64(0);
  r.request_id = s.text(1);
  r.accepted_at = s.int64(2);
  r.finished_at = s.int64(3);
  r.action = s.text(4);
  r.type = s.text(5);
  r.ticket_id = s.text(6);
  r.status = s.text(7);
  r.reason = s.text(8);
  r.source = s.text(9);
  r.correlation_id = s.text(10);
  r.attempts = static_cast<int32_t>(s.int64(11));
  r.cause = s.text(12);
  r.alarm_key = s.text(13);
  return r;
}

/// An `offload_batches` row selected with batch_columns.
template <class Row>
storage::offload_batch batch_from_row(const Row& s) {
  storage::offload_batch b;
  b.batch = s.int64(0);
  b.file = s.text(1);
  b.size_before = s.int64(2);
  b.size_after = s.int64(3);
  b.rows = s.int64(4);
  b.checksum = static_cast<uint64_t>(s.int64(5));
  b.created_at = s.int64(6);
  return b;
}

/// The record of batch `id` just marked: `rows` rows going where `plan`
/// says, at `now_ms`.
storage::offload_batch marked_batch(int64_t id, storage::batch_plan plan,
                                    int64_t rows, int64_t now_ms);

} // namespace usms::db

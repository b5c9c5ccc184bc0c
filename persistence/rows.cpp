#include "persistence/rows.hpp"

namespace usms::db {

const char* const request_columns
    = "id, action, type, payload, source, correlation_id, reply_to, "
      "idempotency_key, external_reference, state, attempts, next_attempt_at, "
      "last_error, sending, lookup_first, accepted_at, updated_at, "
      "finished_at, "
      "result, reason, reply_state, reply_attempts, reply_error, seq, "
      "retried_at, cause, alarm_key";

const char* const index_columns
    = "id, seq, action, serial_key, next_attempt_at, "
      "CASE WHEN retried_at > 0 THEN retried_at ELSE accepted_at END";

const char* const status_columns
    = "row_id, request_id, accepted_at, finished_at, action, type, ticket_id, "
      "status, reason, source, correlation_id, attempts, cause, alarm_key";

const char* const batch_columns
    = "batch, file, file_size_before, file_size_after, rows, checksum, "
      "created_at";

std::string status_text(request_state s) {
  return s == request_state::succeeded ? "Succeeded" : "Failed";
}

request_state appended_state(bool sending) {
  return sending ? request_state::in_flight : request_state::queued;
}

std::string requeue_assignments(const std::string& moment) {
  return "state = 'queued', attempts = 0, next_attempt_at = 0, "
         "last_error = '', sending = 0, lookup_first = 0, finished_at = 0, "
         "result = '', reason = '', updated_at = "
         + moment + ", retried_at = " + moment;
}

status_row finished_row(const ticket_request& req, const request_outcome& out) {
  status_row row;
  row.request_id = req.id;
  row.accepted_at = req.accepted_at;
  row.finished_at = out.finished_at;
  row.action = std::string{to_string(req.act)};
  row.type = std::string{to_string(req.type)};
  row.ticket_id = !out.ticket_id.empty() ? out.ticket_id : req.ticket_id;
  row.status = status_text(out.state);
  row.reason = out.reason;
  row.source = req.source;
  row.correlation_id = req.correlation_id;
  row.attempts = out.attempts;
  row.cause = std::string{to_string(req.cause)};
  row.alarm_key = req.alarm_key;
  return row;
}

storage::offload_batch marked_batch(int64_t id, storage::batch_plan plan,
                                    int64_t rows, int64_t now_ms) {
  storage::offload_batch b;
  b.batch = id;
  b.file = std::move(plan.file);
  b.size_before = plan.size_before;
  b.size_after = plan.size_after;
  b.rows = rows;
  b.checksum = plan.checksum;
  b.created_at = now_ms;
  return b;
}

} // namespace usms::db

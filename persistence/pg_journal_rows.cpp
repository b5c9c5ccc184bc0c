#include "persistence/pg_journal_rows.hpp"

#include "persistence/record_json.hpp"
#include "persistence/rows.hpp"

namespace usms::pg {

const std::vector<row_batch::column> request_row{
    {"seq", "bigint"},           {"id", "text"},
    {"action", "text"},          {"type", "text"},
    {"payload", "text"},         {"source", "text"},
    {"correlation_id", "text"},  {"reply_to", "text"},
    {"idempotency_key", "text"}, {"external_reference", "text"},
    {"state", "text"},           {"accepted_at", "bigint"},
    {"updated_at", "bigint"},    {"serial_key", "text"},
    {"cause", "text"},           {"alarm_key", "text"},
    {"sending", "integer"}};

value text_or_null(const std::string& text) {
  return text.empty() ? value{std::nullopt} : value{text};
}

std::vector<value> request_values(int64_t seq, const ticket_request& req,
                                  bool sending) {
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
          to_string(db::appended_state(sending)),
          req.accepted_at,
          req.accepted_at,
          serial_key(req),
          to_string(req.cause),
          text_or_null(req.alarm_key),
          sending ? 1 : 0};
}

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

const char* const unfinished_r
  = "r.state IN ('queued', 'in_flight', 'waiting_retry')";

/// Where request_row keeps the serial key.

const char* const lock_keys
  = "SELECT count(pg_advisory_xact_lock(h)) FROM (SELECT DISTINCT "
    "hashtextextended(k, 0) AS h FROM unnest($1::text[]) AS k WHERE k <> '' "
    "ORDER BY 1) s";

std::string routed_insert(const std::string& source, const std::string& names,
                          int me, const std::string& on_conflict) {
  auto owner = "$" + std::to_string(me) + "::text";
  auto token = "$" + std::to_string(me + 1) + "::bigint";
  return "WITH ins AS (INSERT INTO requests (" + names
         + ", owner, owner_token) SELECT u.*, CASE WHEN k.found THEN k.owner "
           "ELSE "
         + owner + " END, CASE WHEN k.found THEN k.owner_token ELSE " + token
         + " END FROM " + source
         + " LEFT JOIN LATERAL (SELECT true AS found, r.owner, r.owner_token "
           "FROM requests r WHERE r.serial_key <> '' AND r.serial_key = "
           "u.serial_key AND "
         + unfinished_r + " ORDER BY r.seq LIMIT 1) k ON true " + on_conflict
         + " RETURNING seq, owner_token), h AS (INSERT INTO handovers (seq, "
           "owner_token) SELECT seq, owner_token FROM ins WHERE owner_token "
           "IS DISTINCT FROM "
         + token + " AND owner_token IS NOT NULL) SELECT seq FROM ins";
}

std::string owned_by(int n) {
  auto t = "$" + std::to_string(n);
  return " AND owner_token = " + t
         + " AND EXISTS (SELECT 1 FROM instances WHERE token = " + t + ")";
}


} // namespace usms::pg

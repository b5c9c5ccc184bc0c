#include "persistence/pg.hpp"

#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <cstdlib>
#include <utility>

#include "config/url_redaction.hpp"
#include "persistence/pg_secrets.hpp"

namespace usms::pg {

namespace {

// Every few hundred queued statements a sync reads their answers, so that
// neither side blocks on a full socket buffer while the other writes.
constexpr int max_queued_between_syncs = 256;

void ignore_notice(void*, const char*) {
  // CREATE ... IF NOT EXISTS and the like send notices; libpq would print
  // them on stderr.
}

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
    text.pop_back();
  return text;
}

std::string sql_head(const std::string& sql) {
  return sql.size() <= 80 ? sql : sql.substr(0, 80) + "...";
}

} // namespace

bool storable_text(std::string_view s) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  for (size_t i = 0; i < s.size();) {
    auto c = byte(i);
    if (c == 0)
      return false;
    if (c < 0x80) {
      ++i;
      continue;
    }
    // The lead byte gives the length and the range of the second byte
    // (no overlong forms, no surrogates, nothing above U+10FFFF).
    size_t len = 0;
    unsigned char low = 0x80, high = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      low = c == 0xE0 ? 0xA0 : 0x80;
      high = c == 0xED ? 0x9F : 0xBF;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      low = c == 0xF0 ? 0x90 : 0x80;
      high = c == 0xF4 ? 0x8F : 0xBF;
    }
    if (len == 0 || i + len > s.size() || byte(i + 1) < low
        || byte(i + 1) > high)
      return false;
    for (size_t k = 2; k < len; ++k)
      if ((byte(i + k) & 0xC0) != 0x80)
        return false;
    i += len;
  }
  return true;
}

void check_storable(const std::vector<value>& args, const std::string& sql) {
  for (const auto& a : args)
    if (a.text && !storable_text(*a.text))
      throw pg_error("a text value is not valid UTF-8 or holds a NUL byte "
                     "(in: "
                         + sql_head(sql) + ")",
                     "22021");
}

namespace {

/// libpq's parameter arrays for `args`.
struct param_arrays {
  std::vector<const char*> values;

  param_arrays(const std::vector<value>& args, const std::string& sql) {
    check_storable(args, sql);
    values.reserve(args.size());
    for (const auto& a : args)
      values.push_back(a.text ? a.text->c_str() : nullptr);
  }
  int count() const { return static_cast<int>(values.size()); }
  const char* const* data() const { return values.data(); }
};

} // namespace

// -- result -----------------------------------------------------------------

result::~result() {
  PQclear(r_);
}

result::result(result&& other) noexcept
    : r_(std::exchange(other.r_, nullptr)) {}

result& result::operator=(result&& other) noexcept {
  if (this != &other) {
    PQclear(r_);
    r_ = std::exchange(other.r_, nullptr);
  }
  return *this;
}

int result::rows() const {
  return r_ ? PQntuples(r_) : 0;
}

std::string result::text(int row, int column) const {
  return {PQgetvalue(r_, row, column),
          static_cast<size_t>(PQgetlength(r_, row, column))};
}

int64_t result::int64(int row, int column) const {
  return std::strtoll(PQgetvalue(r_, row, column), nullptr, 10);
}

int64_t result::affected() const {
  return r_ ? std::strtoll(PQcmdTuples(r_), nullptr, 10) : 0;
}

// -- connection -------------------------------------------------------------

connection::connection(std::string url)
    : url_(std::move(url)), secrets_(url_secrets(url_)),
      health_(health_of(url_)) {
  shown_url_ = masked(config::redact_url_password(url_));
  connect();
  ready_session();
}

connection::~connection() {
  PQfinish(conn_);
}

void connection::connect() {
  // Defaults before the URL (which may set them), fixed values after it.
  const char* keys[] = {"connect_timeout", "application_name", "dbname",
                        "client_encoding", nullptr};
  const char* values[] = {"10", "usms-gateway", url_.c_str(), "UTF8", nullptr};
  conn_ = PQconnectdbParams(keys, values, 1);
  if (PQstatus(conn_) == CONNECTION_OK) {
    PQsetNoticeProcessor(conn_, ignore_notice, nullptr);
    health_->ok();
    return;
  }
  auto why = masked(trimmed(conn_ ? PQerrorMessage(conn_) : "out of memory"));
  PQfinish(conn_);
  conn_ = nullptr;
  health_->failed("cannot connect to the database: " + why);
  // 08001: the server could not be reached; it may be later.
  throw pg_error("cannot connect to PostgreSQL at " + shown_url_ + ": " + why,
                 "08001");
}

void connection::ready_session() {
  // Acknowledged means committed and flushed, whatever the server's or the
  // role's default; the store's statements expect read committed.
  exec("SET synchronous_commit = on; "
       "SET default_transaction_isolation = 'read committed'");
  auto shown = run("SHOW synchronous_commit");
  if (shown.rows() != 1 || shown.text(0, 0) != "on")
    throw pg_error("PostgreSQL at " + shown_url_
                   + " keeps synchronous_commit at '"
                   + (shown.rows() ? shown.text(0, 0) : "") + "', not on");
}

void connection::reconnect_if_lost() {
  // A server that ended this session (a restart, an administrator) left its
  // goodbye in the socket: reading what is there, without waiting, notices
  // it before a statement is lost to it.
  // (Its message and the end of the stream may take a read each.)
  for (int reads = 0; reads < 4 && conn_ && PQstatus(conn_) == CONNECTION_OK
                      && PQtransactionStatus(conn_) == PQTRANS_IDLE;
       ++reads) {
    pollfd ready{PQsocket(conn_), POLLIN, 0};
    if (::poll(&ready, 1, 0) <= 0)
      break;
    PQconsumeInput(conn_);
  }
  if (conn_ && PQstatus(conn_) == CONNECTION_OK)
    return;
  PQfinish(conn_);
  conn_ = nullptr;
  prepared_.clear();
  pipeline_ = false;
  pending_.clear();
  queued_since_sync_ = 0;
  connect();
  ready_session();
}

std::string connection::masked(std::string text) const {
  return mask_secrets(std::move(text), secrets_);
}

void connection::fail(const std::string& what, pg_result* r) {
  std::string why
      = trimmed(r ? PQresultErrorMessage(r) : PQerrorMessage(conn_));
  const char* code = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  std::string state = code ? code : "";
  PQclear(r);
  why = masked(why);
  bool lost = PQstatus(conn_) != CONNECTION_OK;
  if (lost && state.empty())
    state = "08006"; // connection failure: the write may work later
  if (pipeline_ && (lost || r))
    pipeline_failed_ = true;
  if (lost) {
    // The next call reconnects; nothing queued survives.
    pipeline_ = false;
    pending_.clear();
    queued_since_sync_ = 0;
  }
  if (lost || is_availability_problem(state))
    health_->failed(why);
  throw pg_error(what + ": " + why, state);
}

void connection::exec(const std::string& sql) {
  if (pipeline_)
    throw pg_error("exec in pipeline mode (in: " + sql_head(sql) + ")");
  reconnect_if_lost();
  auto* r = PQexec(conn_, sql.c_str());
  auto st = PQresultStatus(r);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
    fail("PostgreSQL (in: " + sql_head(sql) + ")", r);
  PQclear(r);
}

const std::string& connection::prepared_name(const std::string& sql, int params,
                                             bool in_pipeline) {
  auto i = prepared_.find(sql);
  if (i != prepared_.end())
    return i->second;
  auto name = "usms_" + std::to_string(prepared_.size() + 1);
  if (in_pipeline) {
    if (!PQsendPrepare(conn_, name.c_str(), sql.c_str(), params, nullptr))
      fail("PostgreSQL prepare (in: " + sql_head(sql) + ")");
    pending_.push_back({pending_kind::prepare, sql});
  } else {
    auto* r = PQprepare(conn_, name.c_str(), sql.c_str(), params, nullptr);
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
      fail("PostgreSQL prepare (in: " + sql_head(sql) + ")", r);
    PQclear(r);
  }
  return prepared_.emplace(sql, std::move(name)).first->second;
}

result connection::run(const std::string& sql, const std::vector<value>& args) {
  if (pipeline_) {
    send(sql, args, true);
    return drain_to_sync();
  }
  reconnect_if_lost();
  param_arrays p{args, sql};
  const auto& name = prepared_name(sql, p.count(), false);
  auto* r = PQexecPrepared(conn_, name.c_str(), p.count(), p.data(), nullptr,
                           nullptr, 0);
  auto st = PQresultStatus(r);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
    fail("PostgreSQL (in: " + sql_head(sql) + ")", r);
  return result{r};
}

void connection::enter_pipeline() {
  if (pipeline_)
    return;
  reconnect_if_lost();
  if (!PQenterPipelineMode(conn_))
    fail("PostgreSQL pipeline mode");
  pipeline_ = true;
  pipeline_failed_ = false;
}

void connection::leave_pipeline() {
  if (!pipeline_)
    return;
  try {
    if (!pending_.empty())
      drain_to_sync();
  } catch (...) {
    if (pipeline_)
      PQexitPipelineMode(conn_);
    pipeline_ = false;
    throw;
  }
  PQexitPipelineMode(conn_);
  pipeline_ = false;
}

void connection::send(const std::string& sql, const std::vector<value>& args,
                      bool wanted) {
  param_arrays p{args, sql};
  const auto& name = prepared_name(sql, p.count(), true);
  if (!PQsendQueryPrepared(conn_, name.c_str(), p.count(), p.data(), nullptr,
                           nullptr, 0))
    fail("PostgreSQL (in: " + sql_head(sql) + ")");
  pending_.push_back({pending_kind::query, sql, wanted});
  ++queued_since_sync_;
}

void connection::queue(const std::string& sql, const std::vector<value>& args) {
  if (!pipeline_)
    throw pg_error("queue outside pipeline mode (in: " + sql_head(sql) + ")");
  send(sql, args, false);
  if (queued_since_sync_ >= max_queued_between_syncs)
    drain_to_sync();
}

void connection::queue_command(const char* sql) {
  if (!pipeline_)
    throw pg_error(std::string{"queue outside pipeline mode (in: "} + sql
                   + ")");
  if (!PQsendQueryParams(conn_, sql, 0, nullptr, nullptr, nullptr, nullptr, 0))
    fail(std::string{"PostgreSQL (in: "} + sql + ")");
  pending_.push_back({pending_kind::query, sql});
  ++queued_since_sync_;
}

result connection::drain_to_sync() {
  if (!PQpipelineSync(conn_))
    fail("PostgreSQL pipeline sync");
  pending_.push_back({pending_kind::sync, {}});
  queued_since_sync_ = 0;
  std::string first_error;
  std::string first_state;
  result kept;
  while (!pending_.empty()) {
    auto p = std::move(pending_.front());
    pending_.pop_front();
    if (p.kind == pending_kind::sync) {
      auto* r = PQgetResult(conn_);
      if (PQresultStatus(r) != PGRES_PIPELINE_SYNC)
        fail("PostgreSQL pipeline sync", r);
      PQclear(r);
      break;
    }
    // One statement's results end with a null result.
    while (auto* r = PQgetResult(conn_)) {
      auto st = PQresultStatus(r);
      if (st == PGRES_FATAL_ERROR || st == PGRES_PIPELINE_ABORTED) {
        if (p.kind == pending_kind::prepare)
          prepared_.erase(p.what);
        if (st == PGRES_FATAL_ERROR && first_error.empty()) {
          const char* code = PQresultErrorField(r, PG_DIAG_SQLSTATE);
          first_state = code ? code : "";
          first_error = masked(trimmed(PQresultErrorMessage(r)))
                        + " (in: " + sql_head(p.what) + ")";
        }
        PQclear(r);
      } else if (p.wanted) {
        kept = result{r};
      } else {
        PQclear(r);
      }
    }
    if (PQstatus(conn_) != CONNECTION_OK)
      fail("PostgreSQL pipeline");
  }
  if (!first_error.empty()) {
    pipeline_failed_ = true;
    if (is_availability_problem(first_state))
      health_->failed(first_error);
    throw pg_error("PostgreSQL: " + first_error, first_state);
  }
  return kept;
}

void connection::abandon_transaction() noexcept {
  try {
    leave_pipeline();
  } catch (...) {
    // its error was reported by the call that failed
  }
  if (!conn_ || PQstatus(conn_) != CONNECTION_OK)
    return;
  auto st = PQtransactionStatus(conn_);
  if (st == PQTRANS_INTRANS || st == PQTRANS_INERROR)
    PQclear(PQexec(conn_, "ROLLBACK"));
}

} // namespace usms::pg

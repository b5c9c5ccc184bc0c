#include "persistence/sqlite.hpp"

#include <sqlite3.h>

#include <utility>

namespace usms::db {

namespace {

[[noreturn]] void fail(sqlite3* db, std::string_view what) {
  std::string msg{what};
  msg += ": ";
  msg += db ? sqlite3_errmsg(db) : "out of memory";
  throw sqlite_error(msg, db ? sqlite3_extended_errcode(db) : SQLITE_NOMEM);
}

/// Once per process, before SQLite initializes itself at the first open:
/// no memory statistics. With them, every sqlite3_malloc and sqlite3_free
/// takes one global mutex (shared by every connection and thread) to count
/// bytes the gateway never reads. Should something have initialized SQLite
/// first, the call is refused and SQLite keeps its defaults.
/// Statement journals (the pages a statement or savepoint changed, kept to
/// take it back) stay in memory up to 4 MiB instead of 64 KiB: with 64 KiB
/// the journal connection wrote them to a temporary file (a deleted
/// /var/tmp/etilqs_* it kept open), 63 % of its file writes during the
/// closed-loop storm (strace -f). Bigger ones, a bulk retry of many rows,
/// still go to a file.
void configure_sqlite_once() {
  constexpr int statement_journal_in_memory = 4 << 20;
  static const bool configured = [] {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK
           && sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL,
                             statement_journal_in_memory)
                == SQLITE_OK;
  }();
  (void)configured;
}

} // namespace

bool is_unwritable(int code) {
  switch (code & 0xff) {
    case SQLITE_FULL:
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_PROTOCOL:
      return true;
    case SQLITE_IOERR:
      // A read that failed is the database failing, not its disk refusing
      // writes.
      return code != SQLITE_IOERR_READ && code != SQLITE_IOERR_SHORT_READ
             && code != SQLITE_IOERR_NOMEM;
    default:
      return false;
  }
}

database::database(const std::string& path, bool read_only) {
  configure_sqlite_once();
  int flags = read_only ? SQLITE_OPEN_READONLY
                        : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  // Each connection is used by one thread only (its detached actor).
  flags |= SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    std::string msg = "cannot open database " + path + ": "
                      + (db_ ? sqlite3_errmsg(db_) : "out of memory");
    auto code = db_ ? sqlite3_extended_errcode(db_) : SQLITE_NOMEM;
    sqlite3_close(db_);
    db_ = nullptr;
    throw sqlite_error(msg, code);
  }
  sqlite3_busy_timeout(db_, busy_timeout_ms);
  sqlite3_extended_result_codes(db_, 1);
}

database::~database() {
  if (db_)
    sqlite3_close_v2(db_);
}

database::database(database&& other) noexcept
  : db_(std::exchange(other.db_, nullptr)) {
}

database& database::operator=(database&& other) noexcept {
  if (this != &other) {
    if (db_)
      sqlite3_close_v2(db_);
    db_ = std::exchange(other.db_, nullptr);
  }
  return *this;
}

void database::exec(std::string_view sql) {
  std::string text{sql};
  char* err = nullptr;
  auto rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errmsg(db_);
    sqlite3_free(err);
    throw sqlite_error(msg + " (in: " + text.substr(0, 80) + ")", rc);
  }
}

statement database::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                         SQLITE_PREPARE_PERSISTENT, &stmt, nullptr)
      != SQLITE_OK)
    fail(db_, "cannot prepare " + std::string{sql.substr(0, 80)});
  return statement{db_, stmt};
}

int64_t database::last_insert_rowid() const {
  return sqlite3_last_insert_rowid(db_);
}

int database::changes() const {
  return sqlite3_changes(db_);
}

bool database::in_transaction() const {
  return sqlite3_get_autocommit(db_) == 0;
}

checkpoint_result database::checkpoint(checkpoint_mode mode) {
  bool truncate = mode == checkpoint_mode::truncate;
  // Without a busy wait: should a writer start right now, TRUNCATE gives up
  // at once instead of holding it back.
  if (truncate)
    sqlite3_busy_timeout(db_, 0);
  checkpoint_result r;
  auto rc = sqlite3_wal_checkpoint_v2(
    db_, nullptr,
    truncate ? SQLITE_CHECKPOINT_TRUNCATE : SQLITE_CHECKPOINT_PASSIVE,
    &r.log_frames, &r.copied);
  if (truncate)
    sqlite3_busy_timeout(db_, busy_timeout_ms);
  if (rc == SQLITE_BUSY)
    r.busy = true;
  else if (rc != SQLITE_OK)
    fail(db_, truncate ? "WAL truncation" : "WAL checkpoint");
  return r;
}

statement::~statement() {
  if (stmt_)
    sqlite3_finalize(stmt_);
}

statement::statement(statement&& other) noexcept
  : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)) {
}

statement& statement::operator=(statement&& other) noexcept {
  if (this != &other) {
    if (stmt_)
      sqlite3_finalize(stmt_);
    db_ = other.db_;
    stmt_ = std::exchange(other.stmt_, nullptr);
  }
  return *this;
}

statement& statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  return *this;
}

statement& statement::bind(int index, std::string_view text) {
  if (sqlite3_bind_text(stmt_, index, text.data(),
                        static_cast<int>(text.size()), SQLITE_TRANSIENT)
      != SQLITE_OK)
    fail(db_, "bind");
  return *this;
}

statement& statement::bind(int index, int64_t value) {
  if (sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK)
    fail(db_, "bind");
  return *this;
}

statement& statement::bind(int index, double value) {
  if (sqlite3_bind_double(stmt_, index, value) != SQLITE_OK)
    fail(db_, "bind");
  return *this;
}

statement& statement::bind_null(int index) {
  if (sqlite3_bind_null(stmt_, index) != SQLITE_OK)
    fail(db_, "bind");
  return *this;
}

bool statement::step() {
  switch (sqlite3_step(stmt_)) {
    case SQLITE_ROW:
      return true;
    case SQLITE_DONE:
      return false;
    default: {
      std::string msg = std::string{"step: "} + sqlite3_errmsg(db_);
      auto code = sqlite3_extended_errcode(db_);
      // A statement that failed with SQLITE_BUSY is left running (to be
      // stepped again); left so, it would make the next COMMIT fail with
      // "SQL statements in progress".
      sqlite3_reset(stmt_);
      throw sqlite_error(msg, code);
    }
  }
}

void statement::run() {
  while (step()) {
    // drain rows nobody asked for
  }
}

std::string statement::text(int column) const {
  auto* p = sqlite3_column_text(stmt_, column);
  auto n = sqlite3_column_bytes(stmt_, column);
  return p ? std::string(reinterpret_cast<const char*>(p),
                         static_cast<size_t>(n))
           : std::string{};
}

int64_t statement::int64(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

double statement::real(int column) const {
  return sqlite3_column_double(stmt_, column);
}

bool statement::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

} // namespace usms::db

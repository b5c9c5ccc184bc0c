#pragma once

/// A thin RAII layer over the SQLite C API. Used only from detached actors
/// and tools: every call may block on disk.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "persistence/storage_error.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace usms::db {

/// Whether SQLite's (extended) result `code` says the database cannot be
/// written now rather than that it failed: full, read-only, an I/O error
/// other than a failed read, a file it cannot open, a lock held too long.
bool is_unwritable(int code);

/// Thrown by this layer; caught at the actor boundary and turned into an
/// error value. Carries SQLite's extended result code (0 when the error is
/// the layer's own).
class sqlite_error : public storage::storage_error {
public:
  explicit sqlite_error(const std::string& what, int code = 0)
    : storage::storage_error(what, is_unwritable(code)
                                     ? storage::storage_fault::unwritable
                                     : storage::storage_fault::failed),
      code_(code) {}

  int code() const { return code_; }

private:
  int code_;
};

class statement;

/// How long a connection waits for another one's lock before SQLITE_BUSY.
constexpr int busy_timeout_ms = 5000;

/// How a WAL checkpoint copies the log into the database.
enum class checkpoint_mode {
  passive,  ///< copies what it can, never waits for a writer or reader
  truncate, ///< copies everything and cuts the log file to zero bytes
};

/// What a checkpoint did.
struct checkpoint_result {
  bool busy = false;  ///< another connection held it up: nothing done
  int log_frames = 0; ///< frames in the log (-1 when it could not run)
  int copied = 0;     ///< frames now in the database
};

class database {
public:
  /// Opens (creating) `path`; `read_only` opens an existing file only.
  database(const std::string& path, bool read_only = false);
  ~database();
  database(database&&) noexcept;
  database& operator=(database&&) noexcept;

  /// Runs one or more statements without results.
  void exec(std::string_view sql);

  statement prepare(std::string_view sql);

  int64_t last_insert_rowid() const;
  int changes() const;

  /// True while a transaction is open. Some failures (a full disk, an I/O
  /// error) make SQLite roll the whole transaction back by itself: this
  /// then says false.
  bool in_transaction() const;

  /// Checkpoints the WAL. A truncating checkpoint gives up at once (busy)
  /// instead of waiting when a writer is active. Throws sqlite_error when
  /// it fails for another reason.
  checkpoint_result checkpoint(checkpoint_mode mode);

  /// The connection, for the SQLite features this layer does not wrap
  /// (wal_headroom).
  sqlite3* handle() const { return db_; }

private:
  sqlite3* db_ = nullptr;
};

class statement {
public:
  statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~statement();
  statement(statement&&) noexcept;
  statement& operator=(statement&&) noexcept;

  /// Resets the statement and clears its bindings; returns *this.
  statement& reset();

  statement& bind(int index, std::string_view text);
  statement& bind(int index, int64_t value);
  statement& bind_int(int index, int value) {
    return bind(index, static_cast<int64_t>(value));
  }
  statement& bind(int index, double value);
  statement& bind_null(int index);

  /// Steps once: true while a row is available, false when done.
  bool step();

  /// Steps to completion, for statements without results.
  void run();

  std::string text(int column) const;
  int64_t int64(int column) const;
  double real(int column) const;
  bool is_null(int column) const;

private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

/// Runs `fn` inside BEGIN IMMEDIATE / COMMIT, rolling back on exceptions
/// (`fn`'s or COMMIT's; the exception goes on to the caller).
template <class F>
void in_transaction(database& db, F&& fn) {
  db.exec("BEGIN IMMEDIATE");
  try {
    fn();
    db.exec("COMMIT");
  } catch (...) {
    // SQLite may have rolled back by itself (a full disk, an I/O error).
    if (db.in_transaction())
      db.exec("ROLLBACK");
    throw;
  }
}

} // namespace usms::db

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

/// Thrown by this layer; caught at the actor boundary and turned into an
/// error value.
class sqlite_error : public storage::storage_error {
public:
  using storage::storage_error::storage_error;
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

  /// Checkpoints the WAL. A truncating checkpoint gives up at once (busy)
  /// instead of waiting when a writer is active. Throws sqlite_error when
  /// it fails for another reason.
  checkpoint_result checkpoint(checkpoint_mode mode);

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

/// Runs `fn` inside BEGIN IMMEDIATE / COMMIT, rolling back on exceptions.
template <class F>
void in_transaction(database& db, F&& fn) {
  db.exec("BEGIN IMMEDIATE");
  try {
    fn();
  } catch (...) {
    db.exec("ROLLBACK");
    throw;
  }
  db.exec("COMMIT");
}

} // namespace usms::db

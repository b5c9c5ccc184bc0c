#pragma once

/// A thin layer over libpq: one connection with its session readied,
/// statements prepared once per SQL text, text parameters and results,
/// and libpq's pipeline mode for a journal group. Used only from detached
/// actors and tools: every call may block on the network.

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "persistence/pg_health.hpp"
#include "persistence/storage_error.hpp"

struct pg_conn;
struct pg_result;

namespace usms::pg {

/// Thrown by this layer, its message free of the URL's password. A
/// SQLSTATE that says the database cannot take writes now (see
/// is_availability_problem) makes it an `unwritable` fault.
class pg_error : public storage::storage_error {
public:
  pg_error(const std::string& what, std::string sqlstate = {})
      : storage_error(what, is_availability_problem(sqlstate)
                                ? storage::storage_fault::unwritable
                                : storage::storage_fault::failed),
        sqlstate_(std::move(sqlstate)) {}

  /// The server's SQLSTATE (`23505`, `08006`), or "" when it gave none.
  const std::string& sqlstate() const { return sqlstate_; }

private:
  std::string sqlstate_;
};

/// One statement parameter in text format; nullopt is SQL NULL.
struct value {
  std::optional<std::string> text;

  value(std::nullopt_t) {}
  value(std::string_view s) : text(std::string{s}) {}
  value(const std::string& s) : text(s) {}
  value(const char* s) : text(std::string{s}) {}
  template <class T, class = std::enable_if_t<
                         std::is_integral_v<T> && !std::is_same_v<T, bool>>>
  value(T v) : text(std::to_string(v)) {}
};

/// Text PostgreSQL can hold: valid UTF-8 without NUL bytes. SQLite would
/// take anything; here a bad value fails its own statement before it is
/// sent, not the whole group it would have joined.
bool storable_text(std::string_view s);

/// Throws pg_error (SQLSTATE 22021) when a text among `args` is not
/// storable_text: a write checks all its values before it sends anything.
void check_storable(const std::vector<value>& args, const std::string& sql);

/// A statement's rows, in text format.
class result {
public:
  explicit result(pg_result* r = nullptr) : r_(r) {}
  ~result();
  result(result&& other) noexcept;
  result& operator=(result&& other) noexcept;

  int rows() const;
  std::string text(int row, int column) const;
  int64_t int64(int row, int column) const;
  /// Rows an INSERT, UPDATE or DELETE changed.
  int64_t affected() const;

private:
  pg_result* r_ = nullptr;
};

/// One row of a result, read the way the SQLite layer reads a statement
/// (text(column), int64(column)), so that row readers serve both.
class row {
public:
  row(const result& r, int index) : r_(&r), i_(index) {}
  std::string text(int column) const { return r_->text(i_, column); }
  int64_t int64(int column) const { return r_->int64(i_, column); }

private:
  const result* r_;
  int i_;
};

/// One connection to the database at a libpq URL. Every session runs
/// with synchronous_commit = on (checked after connecting): a COMMIT
/// returns once its WAL is flushed. A lost connection is reopened by the
/// next call that starts outside a transaction.
class connection {
public:
  /// Connects to `url` and readies the session; throws pg_error.
  explicit connection(std::string url);
  ~connection();
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  /// Runs `sql`, one or more statements without parameters. Not in
  /// pipeline mode.
  void exec(const std::string& sql);

  /// Runs one statement with `args` ($1, $2 ...) and returns its rows. In
  /// pipeline mode it waits for the statements queued before it too, and
  /// throws the first error among them.
  result run(const std::string& sql, const std::vector<value>& args = {});

  /// Pipeline mode: statements are queued and their answers read only when
  /// one is needed (a run(), leaving the mode), so a group of writes costs
  /// one round trip.
  void enter_pipeline();
  /// Reads every answer due and leaves pipeline mode.
  void leave_pipeline();
  bool in_pipeline() const { return pipeline_; }
  /// Since enter_pipeline(), the server refused a statement or the
  /// connection was lost: the transaction the pipeline runs in is gone.
  bool pipeline_failed() const { return pipeline_failed_; }

  /// Queues one statement in pipeline mode; its answer is checked with the
  /// next ones read (every few hundred statements they are read on the
  /// way, so that neither side's buffers fill up).
  void queue(const std::string& sql, const std::vector<value>& args = {});

  /// Queues a statement without parameters that is not prepared (BEGIN,
  /// COMMIT), in pipeline mode.
  void queue_command(const char* sql);

  /// Runs ROLLBACK when a transaction is open, after leaving pipeline mode;
  /// never throws (a lost connection has no transaction left).
  void abandon_transaction() noexcept;

  /// Whether the database takes writes, shared with every other connection
  /// to it in this process: a lost connection or an availability error
  /// marks a problem, a new connection clears it, and so may a store that
  /// proved the database writable.
  const std::shared_ptr<health>& status() const { return health_; }

private:
  enum class pending_kind { prepare, query, sync };
  struct pending {
    pending_kind kind;
    std::string what;    ///< for error messages
    bool wanted = false; ///< run()'s statement: its result is kept
  };

  void connect();
  void ready_session();
  void reconnect_if_lost();
  const std::string& prepared_name(const std::string& sql, int params,
                                   bool in_pipeline);
  void send(const std::string& sql, const std::vector<value>& args,
            bool wanted);
  result drain_to_sync();
  [[noreturn]] void fail(const std::string& what, pg_result* r = nullptr);
  std::string masked(std::string text) const;

  std::string url_;
  std::string shown_url_;
  std::vector<std::string> secrets_;
  std::shared_ptr<health> health_;
  pg_conn* conn_ = nullptr;
  std::map<std::string, std::string> prepared_;
  bool pipeline_ = false;
  bool pipeline_failed_ = false;
  std::deque<pending> pending_;
  int queued_since_sync_ = 0;
};

/// Runs `fn` inside BEGIN / COMMIT on `c`, rolling back on exceptions.
template <class F>
void in_transaction(connection& c, F&& fn) {
  c.exec("BEGIN");
  try {
    fn();
  } catch (...) {
    c.abandon_transaction();
    throw;
  }
  c.exec("COMMIT");
}

} // namespace usms::pg

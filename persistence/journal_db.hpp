#pragma once

/// The write side of the journal: every change to requests, the status
/// table and the per-ExternalReference counts. Synchronous and blocking;
/// owned by the journal actor, which batches calls into group commits.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "messages/request.hpp"
#include "messages/status_row.hpp"
#include "persistence/sqlite.hpp"

namespace usms::db {

class journal_db {
public:
  /// Opens or creates the database file; throws sqlite_error.
  explicit journal_db(const std::string& path);
  ~journal_db();

  /// Group commit: writes between begin() and commit() land together.
  void begin();
  void commit();
  void rollback();
  bool in_transaction() const { return in_tx_; }

  struct append_result {
    std::string id;       ///< the journaled request's id
    bool existed = false; ///< the idempotency key was known already
  };

  /// Journals a new request (state queued). With an idempotency key that is
  /// already known, journals nothing and returns the existing id.
  append_result append(const ticket_request& req);

  /// Records where an unfinished request stands.
  void update_progress(const std::string& id, const request_progress& p);

  /// Finishes a request: its final state and result, one status-table row,
  /// and, for a succeeded create, one more confirmed create for its
  /// ExternalReference. `reply_state` is "pending" when a reply is due.
  status_row finish(const ticket_request& req, const request_outcome& out,
                    const std::string& reply_state);

  /// Creates the gateway confirmed for `external_reference`.
  int64_t confirmed_creates(const std::string& external_reference);

  /// A failed or cancelled request goes back to the queue under the same
  /// id (a succeeded one never: that could duplicate a ticket). False when
  /// it is unknown or in another state.
  bool requeue(const std::string& id);

  /// Every unfinished request, oldest first (what a restart resumes).
  std::vector<request_record> load_unfinished();

  /// One request, or nullopt.
  std::optional<request_record> load(const std::string& id);

  /// Rows in the status table now.
  int64_t status_count();

  /// Highest request sequence number so far (seeds id generation).
  int64_t max_seq();

  database& raw() { return db_; }

private:
  database db_;
  bool in_tx_ = false;
  struct statements;
  std::unique_ptr<statements> st_;
};

/// Reads a `requests` row selected with `request_columns` into a record.
request_record read_request_row(const statement& s);

/// The column list `read_request_row` expects.
extern const char* const request_columns;

/// The `status_rows` columns in status_row order, and a reader for a row
/// selected with them (used by the status API and the offload).
extern const char* const status_columns;
status_row read_status_row(const statement& s);

/// "Succeeded" / "Failed" (cancelled counts as Failed) for the status table.
std::string status_text(request_state s);

} // namespace usms::db

#pragma once

/// The journal's SQLite implementation (see persistence/journal_store.hpp),
/// and the lookup by id the other SQLite stores share.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "messages/request.hpp"
#include "messages/status_row.hpp"
#include "persistence/alarm_db.hpp"
#include "persistence/filters.hpp"
#include "persistence/journal_store.hpp"
#include "persistence/rows.hpp"
#include "persistence/sqlite.hpp"
#include "persistence/wal_headroom.hpp"

namespace usms::db {

/// The journal on SQLite: one write connection, its statements prepared
/// once. Statements on the per-request path: append (one INSERT, plus a
/// lookup with an idempotency key; a create that runs at once is inserted
/// with its sending mark), progress (one UPDATE), finish (UPDATE,
/// INSERT into the status table, and for a succeeded create one upsert).
class journal_db : public storage::journal_store {
public:
  /// Opens or creates the database file; throws sqlite_error.
  explicit journal_db(const std::string& path);
  ~journal_db() override;

  void begin() override;
  void commit() override;
  void rollback() override;
  bool in_transaction() const override { return db_.in_transaction(); }
  void begin_write() override;
  void end_write() override;
  bool undo_write() override;
  void check_writable() override;

  /// A SQLite file has one instance: nothing to fence.
  void set_owner(const std::string&, int64_t) override {}
  bool update_progress(const std::string& id,
                       const request_progress& p) override;
  std::optional<status_row> finish(const ticket_request& req,
                                   const request_outcome& out,
                                   const std::string& reply_state) override;
  int64_t confirmed_creates(const std::string& external_reference) override;
  std::optional<index_row> requeue(const std::string& id) override;
  std::vector<index_row> requeue_failed(const status_filter& f) override;
  /// Every unfinished request, oldest first (for tools and tests; the
  /// gateway indexes its backlog a chunk at a time instead).
  std::vector<request_record> load_unfinished();
  std::optional<request_record> load(const std::string& id) override;
  int64_t status_count() override;
  std::vector<request_record> pending_replies() override;
  void
  save_reply_states(const std::vector<reply_state_update>& updates) override;
  alarm_commit_result write_alarm(const alarm_commit& c) override;
  void save_sync_cursor(const alarm_sync_cursor& cursor) override;
  int64_t prune_alarm_events(int64_t before) override;

private:
  /// Runs a write of more than one statement as one unit: taken back whole
  /// when it fails half-way, the group's other writes kept.
  template <class Write>
  auto in_savepoint(Write&& write) -> decltype(write());
  append_result insert_request(const ticket_request& req,
                               bool sending) override;

  database db_;
  /// begin() opened a group that commit() or rollback() has not ended.
  bool in_group_ = false;
  struct statements;
  std::unique_ptr<statements> st_;
  std::unique_ptr<alarm_writer> alarms_;
  /// Room ahead of the log's last frame, written before each COMMIT.
  std::unique_ptr<wal_headroom> headroom_;
};

/// Binds the values of `w` to `s` from index `first` on; returns the next
/// free index.
int bind_values(statement& s, const where_clause& w, int first = 1);

/// The statement that selects one request by id (?1).
std::string select_request_by_id();

/// Runs `by_id` (prepared from select_request_by_id) for `id`: the
/// request, or nullopt. Leaves the statement reset.
std::optional<request_record> find_request(statement& by_id,
                                           const std::string& id);

} // namespace usms::db

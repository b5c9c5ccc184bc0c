#pragma once

/// The journal on PostgreSQL (see persistence/journal_store.hpp).

#include <cstdint>
#include <string>
#include <vector>

#include "persistence/journal_store.hpp"
#include "persistence/pg.hpp"
#include "persistence/pg_batch.hpp"

namespace usms::pg {

/// Sequence numbers taken ahead from the database for one group commit,
/// so that a write need not wait for the number the database would give
/// it. Taken when the group needs its first one (after every request of
/// the group arrived: a request acknowledged before another one arrived,
/// on any gateway, has the lower number) and dropped when the group ends.
struct id_block {
  std::vector<int64_t> values;
  size_t next = 0;
  int used = 0;      ///< taken in the group under way
  int last_used = 0; ///< taken in the last group that took any number

  bool empty() const { return next >= values.size(); }
  /// How many to ask for when one is needed.
  int wanted() const;
  /// How many to ask for along with the other kind (none while some are
  /// left, else as wanted() would after the last group).
  int on_the_way() const;
  int64_t take() {
    ++used;
    return values[next++];
  }
  /// Drops what is left; `took_any`: the group took numbers of either
  /// kind, so its use counts as the last one.
  void end_group(bool took_any);
};

/// The journal on PostgreSQL: one connection, one transaction per group
/// commit, its writes sent in libpq's pipeline mode and their answers read
/// at COMMIT: a group of N writes costs a round trip or two, not N. New
/// requests and status rows are gathered into one multi-row INSERT each
/// (flushed before any other statement that could see them). An append
/// with an idempotency key is the exception: it waits for the database,
/// whose unique index decides between gateways too.
class pg_journal : public storage::journal_store {
public:
  /// Connects to `url` and upgrades the schema; throws pg_error.
  explicit pg_journal(const std::string& url);
  ~pg_journal() override;

  void begin() override;
  void commit() override;
  void rollback() override;
  /// False once the connection was lost: the group went with it.
  bool in_transaction() const override { return in_tx_ && c_.in_pipeline(); }
  /// A write is taken back on its own only while it sent nothing to the
  /// database: PostgreSQL's savepoints would cost a subtransaction per
  /// write, and a statement the server refused ends the group anyway.
  void begin_write() override;
  void end_write() override;
  bool undo_write() override;
  void check_writable() override;

  void set_owner(const std::string& instance_id, int64_t token) override;
  bool update_progress(const std::string& id,
                       const request_progress& p) override;
  std::optional<status_row> finish(const ticket_request& req,
                                   const request_outcome& out,
                                   const std::string& reply_state) override;
  int64_t confirmed_creates(const std::string& external_reference) override;
  std::optional<index_row> requeue(const std::string& id) override;
  std::vector<index_row> requeue_failed(const status_filter& f) override;
  std::optional<request_record> load(const std::string& id) override;
  int64_t status_count() override;
  std::vector<request_record> pending_replies() override;
  void
  save_reply_states(const std::vector<reply_state_update>& updates) override;
  /// The alarm's row waits for its answer (a version conflict writes
  /// nothing); its events and requests join the group like other writes.
  alarm_commit_result write_alarm(const alarm_commit& c) override;
  void save_sync_cursor(const alarm_sync_cursor& cursor) override;
  int64_t prune_alarm_events(int64_t before) override;

private:
  /// A write outside begin()/commit() is a group of its own.
  template <class F>
  auto alone_or_in_group(F&& fn);
  append_result insert_request(const ticket_request& req,
                               bool sending) override;
  int64_t next_seq();
  int64_t next_row_id();
  void take_ids(int seqs, int row_ids);
  void check_group() const;
  /// Queues `sql` after the requests gathered so far.
  void queue(const std::string& sql, const std::vector<value>& args);
  /// Runs `sql` after everything gathered so far.
  result run(const std::string& sql, const std::vector<value>& args = {});
  void flush_requests();
  void end_group();
  /// This instance and its token as parameters; NULL without an owner.
  value owner_value() const;
  value token_value() const;

  connection c_;
  bool in_tx_ = false;
  std::string owner_;
  int64_t owner_token_ = 0;
  /// The write under way (begin_write() to end_write() or undo_write()):
  /// whether a statement of its own reached the database, and where the
  /// gathered rows stood when it began.
  bool write_sent_ = false;
  row_batch::position requests_at_;
  row_batch::position status_rows_at_;
  id_block seqs_;
  id_block row_ids_;
  row_batch new_requests_;
  row_batch new_status_rows_;
};

} // namespace usms::pg

#pragma once

/// The journal: every change to a request, the status table and the
/// confirmed creates per ExternalReference, and the reply delivery states.
/// One connection, owned by the journal actor, which batches calls into
/// group commits. Synchronous and blocking; throws storage_error.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "messages/alarm_store.hpp"
#include "messages/ops_queries.hpp"
#include "messages/request.hpp"
#include "messages/status_row.hpp"

namespace usms::storage {

class journal_store {
public:
  virtual ~journal_store() = default;

  /// Group commit: writes between begin() and commit() land together, and
  /// commit() returns once they are durable. rollback() drops the open
  /// group (if the database has not dropped it already).
  virtual void begin() = 0;
  virtual void commit() = 0;
  virtual void rollback() = 0;
  /// True while a group is open. False again once the database rolled the
  /// whole group back by itself (some failures do, a full disk among them).
  virtual bool in_transaction() const = 0;

  /// One write of a group, atomic on its own: begin_write() opens the
  /// group when none is open; end_write() keeps what the write did in the
  /// group; after a write that failed, undo_write() makes sure none of it
  /// stays and the group's earlier writes do (how is the backend's affair:
  /// SQLite takes a failed statement back by itself and runs a write of
  /// several statements in a savepoint). undo_write() returns false when
  /// the group itself is gone: its earlier writes are lost with it.
  virtual void begin_write() = 0;
  virtual void end_write() = 0;
  virtual bool undo_write() = 0;

  /// Writes and commits a change that means nothing (outside any group):
  /// returns once the database has shown that it can be written again;
  /// throws storage_error when it still cannot.
  virtual void check_writable() = 0;

  struct append_result {
    std::string id;       ///< the journaled request's id
    bool existed = false; ///< the idempotency key was known already
    int64_t seq = 0;      ///< its place in the journal's order
  };

  /// Which instance writes through this connection, under which fencing
  /// token (see cluster_store): new requests are owned by it, and a
  /// progress or finish of a request it no longer owns writes nothing. On
  /// storage that only one instance uses nothing is fenced.
  virtual void set_owner(const std::string& instance_id, int64_t token) = 0;

  /// Journals a new request (state queued). With an idempotency key that is
  /// already known, journals nothing and returns the existing id.
  append_result append(const ticket_request& req) {
    return insert_request(req, false);
  }

  /// Journals a new create like append(), but in flight with its sending
  /// mark already (as update_progress() would write it before the first
  /// call): for a create that runs at once, so that the mark costs no
  /// write of its own.
  append_result append_sending(const ticket_request& req) {
    return insert_request(req, true);
  }

  /// Records where an unfinished request stands; false (nothing written)
  /// when this instance no longer owns it.
  virtual bool update_progress(const std::string& id,
                               const request_progress& p)
    = 0;

  /// Finishes a request: its final state and result, one status-table row,
  /// and, for a succeeded create, one more confirmed create for its
  /// ExternalReference. `reply_state` is "pending" when a reply is due.
  /// nullopt (nothing written) when this instance no longer owns it.
  virtual std::optional<status_row> finish(const ticket_request& req,
                                           const request_outcome& out,
                                           const std::string& reply_state)
    = 0;

  /// Creates the gateway confirmed for `external_reference`.
  virtual int64_t confirmed_creates(const std::string& external_reference)
    = 0;

  /// A failed or cancelled request goes back to the queue under the same
  /// id (a succeeded one never: that could duplicate a ticket), its
  /// give-up clock starting now. Its index row, or nullopt when it is
  /// unknown or in another state.
  virtual std::optional<index_row> requeue(const std::string& id) = 0;

  /// Every failed request matching `f` (its status, limit and offset are
  /// not used) goes back to the queue like requeue(); their index rows.
  virtual std::vector<index_row> requeue_failed(const status_filter& f) = 0;

  /// One request, or nullopt.
  virtual std::optional<request_record> load(const std::string& id) = 0;

  /// Rows in the status table now.
  virtual int64_t status_count() = 0;

  /// Finished requests whose reply is still due, oldest first (what the
  /// reply dispatcher resumes after a restart).
  virtual std::vector<request_record> pending_replies() = 0;

  /// Records reply delivery states, in order (a later update of the same
  /// request wins).
  virtual void
  save_reply_states(const std::vector<reply_state_update>& updates)
    = 0;

  // -- alarms ---------------------------------------------------------------

  /// Applies one alarm's change as a unit inside the open transaction: the
  /// alarm's row (written only while it is still at `c.version`), its
  /// events, and its requests appended like append() does. On a version
  /// conflict nothing of it is written (`conflict` set); other writes of the
  /// transaction are not touched either way.
  virtual alarm_commit_result write_alarm(const alarm_commit& c) = 0;

  /// Saves where the sync from USMS stands for one ticket type.
  virtual void save_sync_cursor(const alarm_sync_cursor& cursor) = 0;

  /// Deletes alarm events that happened before `before`; returns how many.
  virtual int64_t prune_alarm_events(int64_t before) = 0;

protected:
  /// append() (`sending` false) and append_sending().
  virtual append_result insert_request(const ticket_request& req,
                                       bool sending)
    = 0;
};

} // namespace usms::storage

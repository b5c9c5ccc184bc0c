#pragma once

/// The read side: one request, the request queue, the status table and the
/// Number of Incidents trend, as the API and the operator pages show them.
/// Synchronous and blocking; throws storage_error.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "messages/ops_queries.hpp"
#include "messages/request.hpp"

namespace usms::storage {

class read_store {
public:
  virtual ~read_store() = default;

  /// One request with where it stands, or nullopt.
  virtual std::optional<request_record> request(const std::string& id) = 0;

  /// The requests with these journal sequence numbers (those that still
  /// exist), for the intake to activate.
  virtual std::vector<request_record>
  requests_by_seq(const std::vector<int64_t>& seqs) = 0;

  /// Up to `limit` index rows of requests in `state` after `after_seq`, in
  /// journal order: how a restart indexes its backlog, a chunk at a time.
  virtual std::vector<index_row> unfinished_index(request_state state,
                                                  int64_t after_seq,
                                                  int32_t limit)
    = 0;

  /// One page of unfinished (or the chosen) requests, oldest first.
  virtual queue_page queue(const queue_filter& f) = 0;

  /// One page of matching status rows, newest first (finished_at, then
  /// row_id).
  virtual status_page status(const status_filter& f) = 0;

  /// All status-table rows: the Number of Incidents.
  virtual int64_t status_entries() = 0;

  /// Trend samples with since <= at <= until, oldest first, at most `max`.
  virtual std::vector<trend_sample> trend(int64_t since, int64_t until,
                                          int64_t max = 100000)
    = 0;

  /// The storage's own housekeeping, off the journal's commit path: its
  /// owner calls it about once a second. SQLite copies the write-ahead log
  /// into the database and, once nothing new was written for a call, gives
  /// the log's disk space back.
  virtual void maintain() = 0;
};

} // namespace usms::storage

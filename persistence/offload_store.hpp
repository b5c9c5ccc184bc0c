#pragma once

/// The offload's bookkeeping, on a write connection of its own (owned by
/// the offload scheduler): count the status table, mark a batch of its
/// oldest rows, read a batch, delete or unmark a batch. Each step is one
/// short transaction, so the journal's group commits wait at most
/// milliseconds for it. Synchronous and blocking; throws storage_error.
///
/// A batch's record says where its bytes go (`file` from `size_before` to
/// `size_after`, with `checksum`), which is how a restart tells whether a
/// batch interrupted by a crash reached its file.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "messages/status_row.hpp"

namespace usms::storage {

/// A batch that is marked but not yet done.
struct offload_batch {
  int64_t batch = 0;
  std::string file;
  int64_t size_before = 0;
  int64_t size_after = 0;
  int64_t rows = 0;
  uint64_t checksum = 0;
  int64_t created_at = 0; ///< unix ms
};

/// Where a batch's bytes will go; decided while its rows are marked.
struct batch_plan {
  std::string file;
  int64_t size_before = 0;
  int64_t size_after = 0;
  uint64_t checksum = 0;
};

class offload_store {
public:
  virtual ~offload_store() = default;

  /// Rows in the status table, marked ones included.
  virtual int64_t count_rows() = 0;

  /// Batches marked but not completed or abandoned, oldest first.
  virtual std::vector<offload_batch> pending_batches() = 0;

  /// The planner mark_batch calls with the rows it is about to mark.
  using planner = std::function<batch_plan(const std::vector<status_row>&)>;

  /// In one transaction: reads up to `limit` oldest unmarked rows, asks
  /// `plan` where their bytes go, records the batch and marks the rows.
  /// nullopt when no row is unmarked. An exception from `plan` rolls back.
  virtual std::optional<offload_batch>
  mark_batch(int64_t limit, const planner& plan, int64_t now_ms) = 0;

  /// The rows of a batch, oldest first.
  virtual std::vector<status_row> batch_rows(int64_t batch) = 0;

  /// In one transaction: deletes the batch's rows and its record (its bytes
  /// are in the file). Returns the rows deleted.
  virtual int64_t complete_batch(int64_t batch) = 0;

  /// In one transaction: unmarks the batch's rows and forgets it (its bytes
  /// are not in the file). Returns the rows unmarked.
  virtual int64_t abandon_batch(int64_t batch) = 0;
};

} // namespace usms::storage

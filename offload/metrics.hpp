#pragma once

/// Counters the offload scheduler and the file janitor keep for /metrics
/// and /readyz. Shared between their threads and the HTTP threads: every
/// member is atomic or guarded.

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>

namespace usms::offload {

struct offload_metrics {
  /// Status rows written to CSV and removed from the table.
  std::atomic<int64_t> rows_offloaded{0};
  /// Offload files created (a later append to the same file is not counted).
  std::atomic<int64_t> files_written{0};
  /// Batches appended (one or more per offload).
  std::atomic<int64_t> batches_written{0};
  /// Offload files the janitor deleted.
  std::atomic<int64_t> files_removed{0};
  /// Day folders the janitor deleted.
  std::atomic<int64_t> folders_removed{0};
  /// Offload attempts that failed (disk full, no permission, ...).
  std::atomic<int64_t> failures{0};
  /// Janitor sweeps that failed.
  std::atomic<int64_t> janitor_failures{0};
  /// Unix ms of the last offload check that ended without error; 0 = none.
  std::atomic<int64_t> last_success_ms{0};
  /// True while the last offload check failed: /readyz reports it.
  std::atomic<bool> failing{false};

  /// Records a failure: counts it and keeps the message for /readyz.
  void record_failure(const std::string& message);
  /// Records a check that ended without error at `now_ms`.
  void record_success(int64_t now_ms);
  /// The message of the last failure ("" once an offload succeeded again).
  std::string last_error() const;

private:
  mutable std::mutex mtx_;
  std::string last_error_;
};

} // namespace usms::offload

#pragma once

/// The offload settings as the offload scheduler and the file janitor see
/// them (a plain value sent at spawn and on every configuration change), and
/// what one offload check or janitor sweep did.

#include <cstdint>
#include <string>
#include <vector>

namespace usms::offload {

struct offload_options {
  /// Folder of the day folders and CSV files.
  std::string path = "./offload";
  /// Status rows that start an offload.
  int64_t max_entries = 10'000;
  /// An offload leaves `max_entries - amount` rows.
  int64_t amount = 5'000;
  /// How often the scheduler (and the janitor) look.
  int64_t check_interval_ms = 60'000;
  /// Window of one file, whole hours dividing 24.
  int64_t file_timespan_ms = 4 * 3'600'000;
  /// How long files are kept; 0 or less = disabled (kept forever).
  int64_t retention_ms = 30 * 24 * 3'600'000LL;
  /// IANA zone for file names and CSV times; empty = the host's zone.
  std::string timezone;
  /// Prefix formula-like cells with `'` (against CSV injection).
  bool csv_formula_guard = true;
  /// Most rows per batch (one mark/write/delete cycle); keeps the
  /// transactions that share the database with the journal short.
  int64_t batch_rows = 5'000;
};

/// What one offload check did.
struct offload_report {
  /// Rows written to CSV and removed in this check (recovery included).
  int64_t rows = 0;
  /// Batches appended.
  int64_t batches = 0;
  /// Files created.
  int64_t files_created = 0;
  /// Unfinished batches found from an earlier run and completed or undone.
  int64_t recovered = 0;
  /// Status rows after the check.
  int64_t remaining = 0;
  /// Empty when the check succeeded.
  std::string error;
};

/// What one janitor sweep did.
struct janitor_report {
  /// Paths removed (files and day folders), relative to the offload path.
  std::vector<std::string> removed;
  int64_t files = 0;
  int64_t folders = 0;
  /// Empty when the sweep succeeded.
  std::string error;
};

} // namespace usms::offload

#pragma once

/// The offload settings as the offload scheduler and the file janitor see
/// them: a plain value sent at spawn and on every configuration change.

#include <cstdint>
#include <string>
#include <vector>

#include "caf/meta/type_name.hpp"
#include "config/settings.hpp"

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
  /// Prefix formula-like cells with `'` (SPEC section 6).
  bool csv_formula_guard = true;
  /// Most rows per batch (one mark/write/delete cycle); keeps the
  /// transactions that share the database with the journal short.
  int64_t batch_rows = 5'000;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, offload_options& x) {
  return f(caf::meta::type_name("offload_options"), x.path, x.max_entries,
           x.amount, x.check_interval_ms, x.file_timespan_ms, x.retention_ms,
           x.timezone, x.csv_formula_guard, x.batch_rows);
}

/// The `[offload]` configuration section as offload options.
inline offload_options to_offload_options(const config::offload_settings& s) {
  offload_options o;
  o.path = s.path;
  o.max_entries = s.max_entries;
  o.amount = s.amount;
  o.check_interval_ms = s.check_interval.count();
  o.file_timespan_ms = s.file_timespan.count();
  o.retention_ms = s.retention ? s.retention->count() : 0;
  o.timezone = s.timezone;
  o.csv_formula_guard = s.csv_formula_guard;
  return o;
}

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

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, offload_report& x) {
  return f(caf::meta::type_name("offload_report"), x.rows, x.batches,
           x.files_created, x.recovered, x.remaining, x.error);
}

/// What one janitor sweep did.
struct janitor_report {
  /// Paths removed (files and day folders), relative to the offload path.
  std::vector<std::string> removed;
  int64_t files = 0;
  int64_t folders = 0;
  /// Empty when the sweep succeeded.
  std::string error;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, janitor_report& x) {
  return f(caf::meta::type_name("janitor_report"), x.removed, x.files,
           x.folders, x.error);
}

} // namespace usms::offload

#pragma once

/// The offload itself, CAF-free and synchronous (the offload scheduler
/// actor runs it on a thread of its own). One `run_once` is one check:
///
/// 1. settle batches an earlier run left unfinished (a crash): a batch
///    whose bytes are completely in its file loses its rows; any other is
///    cut from its file and its rows unmarked;
/// 2. while the status table holds more rows than it may keep, take its
///    oldest rows in batches: mark them and record where their bytes go
///    (one short transaction), write and fsync the bytes (no transaction),
///    delete the rows (one short transaction).
///
/// So a crash at any point loses no row and writes none twice.

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "offload/clock.hpp"
#include "offload/metrics.hpp"
#include "offload/options.hpp"

namespace usms::storage {
class offload_store;
struct offload_batch;
} // namespace usms::storage

namespace usms::offload {

class offloader {
public:
  /// Opens its connection to the storage location `db` (a SQLite file
  /// path; see storage::open_backend) lazily, on the first run, and again
  /// after a storage failure.
  offloader(std::string db, offload_options opts,
            std::shared_ptr<offload_clock> clock,
            std::shared_ptr<offload_metrics> metrics);
  ~offloader();

  void set_options(offload_options opts);
  const offload_options& options() const { return opts_; }

  /// One check; never throws. Updates the metrics.
  offload_report run_once();

  /// Test seam: called after each step ("marked", "written", "deleted")
  /// with the batch's file.
  using step_hook
    = std::function<void(std::string_view step, const std::string& file)>;
  void set_step_hook(step_hook hook) { hook_ = std::move(hook); }

private:
  /// Completes or undoes one unfinished batch.
  void settle(const storage::offload_batch& b, offload_report& rep);
  void run(offload_report& rep);

  std::string location_;
  offload_options opts_;
  std::shared_ptr<offload_clock> clock_;
  std::shared_ptr<offload_metrics> metrics_;
  std::unique_ptr<storage::offload_store> db_;
  step_hook hook_;
};

/// The largest number of rows one check removes from a table of `count`
/// rows: none up to `max_entries`, else down to `max_entries - amount`.
int64_t rows_to_offload(int64_t count, int64_t max_entries, int64_t amount);

} // namespace usms::offload

#pragma once

/// Helpers for the offload tests: a status table filled with rows, a
/// snapshot of every row ever written, the Python checker, file listings.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "offload/clock.hpp"
#include "offload/options.hpp"

namespace usms::test {

/// Values a CSV writer gets wrong: commas, quotes, newlines, formula
/// prefixes, non-ASCII.
const std::vector<std::string>& tricky_values();

/// Appends `n` status rows to the database at `db` (created with the
/// gateway's schema when missing). With `tricky`, text columns cycle
/// through tricky_values(). Returns the last row id.
int64_t add_status_rows(const std::string& db, int64_t n, bool tricky = false,
                        int64_t first_ms = 1711838400123);

/// Rows in the status table.
int64_t count_status_rows(const std::string& db);

/// Marked-but-unfinished offload batches.
int64_t count_pending_batches(const std::string& db);

/// Copies the database (all rows written so far) to `to` (VACUUM INTO).
void snapshot_db(const std::string& db, const std::string& to);

/// Runs tests/offload/check_offload.py; returns its exit code, its output
/// in `output`. `expect_remaining` < 0: not checked.
int run_checker(const std::string& all_db, const std::string& live_db,
                const std::string& csv_dir, const std::string& zone,
                bool guard, int64_t expect_remaining, std::string& output);

/// Every entry under `dir` (recursive, relative, sorted; folders end in /).
std::vector<std::string> list_tree(const std::string& dir);

std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& text);

/// How often `needle` occurs in `haystack`.
size_t count_of(const std::string& haystack, const std::string& needle);

/// A UTC instant from "YYYY-MM-DDTHH:MM:SSZ".
offload::time_point utc(const std::string& iso);

/// Options for tests: `path`, a zone, small batches.
offload::offload_options test_options(const std::string& path,
                                      int64_t max_entries, int64_t amount,
                                      const std::string& zone = "UTC",
                                      int hours = 4, bool guard = true);

} // namespace usms::test

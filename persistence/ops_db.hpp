#pragma once

/// The operator side of the database: the status table paged and filtered,
/// the Number of Incidents trend, the request queue, reply routes and the
/// values saved at run time through PUT /api/v1/config. Synchronous and
/// blocking; owned by the ops_store actor (and tests). Throws sqlite_error.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "messages/ops_queries.hpp"
#include "persistence/sqlite.hpp"

namespace usms::db {

class ops_db {
public:
  /// Opens or creates the database file (tables and the indexes the
  /// operator queries need); throws sqlite_error.
  explicit ops_db(const std::string& path);
  ~ops_db();
  ops_db(const ops_db&) = delete;
  ops_db& operator=(const ops_db&) = delete;

  // -- status table ---------------------------------------------------------

  /// One page of matching rows, newest first (finished_at, then row_id).
  status_page status(const status_filter& f);

  /// All status-table rows: the Number of Incidents.
  int64_t status_entries();

  // -- trend ----------------------------------------------------------------

  /// Stores a sample; a second sample at the same `at` replaces the first.
  void add_trend_sample(int64_t at, int64_t count);

  /// Samples with since <= at <= until, oldest first, at most `max`.
  std::vector<trend_sample> trend(int64_t since, int64_t until,
                                  int64_t max = 100000);

  /// Drops samples older than `before`; returns how many.
  int64_t prune_trend(int64_t before);

  // -- request queue --------------------------------------------------------

  queue_page queue(const queue_filter& f);

  // -- reply routes ---------------------------------------------------------

  /// Every route, by source.
  std::vector<reply_route> routes();

  /// The route of exactly `source`.
  std::optional<std::string> route(const std::string& source);

  /// Where a reply for `source` goes: its own route, else the default
  /// route `*`, else "".
  std::string find_route(const std::string& source);

  /// Creates or replaces a route.
  void put_route(const std::string& source, const std::string& url);

  /// False when there was no such route.
  bool delete_route(const std::string& source);

  // -- values saved at run time ---------------------------------------------

  /// Every saved key (dotted name) → JSON text.
  std::map<std::string, std::string> runtime_config();

  /// Saves (upserts) `values` in one transaction; returns everything saved
  /// before, so a caller can put it back with replace_runtime_config.
  std::map<std::string, std::string>
  save_runtime_config(const std::map<std::string, std::string>& values);

  /// Makes the saved values exactly `values` (empty: deletes all).
  void replace_runtime_config(const std::map<std::string, std::string>& values);

  database& raw() { return db_; }

private:
  /// A statement prepared once per distinct SQL text.
  statement& cached(const std::string& sql);

  database db_;
  std::map<std::string, std::unique_ptr<statement>> cache_;
};

/// `text` with `\`, `%` and `_` escaped by `\`, for LIKE ... ESCAPE '\'.
std::string escape_like(const std::string& text);

} // namespace usms::db

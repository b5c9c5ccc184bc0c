#pragma once

/// The operator's tables on a connection that also reads: reply routes,
/// the values saved at run time through PUT /api/v1/config, and the trend
/// samples. Owned by the ops store actor. Synchronous and blocking; throws
/// storage_error.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "messages/ops_queries.hpp"
#include "persistence/read_store.hpp"

namespace usms::storage {

class operator_store : public read_store {
public:
  // -- trend ----------------------------------------------------------------

  /// Stores a sample; a second sample at the same `at` replaces the first.
  virtual void add_trend_sample(int64_t at, int64_t count) = 0;

  /// Drops samples older than `before`; returns how many.
  virtual int64_t prune_trend(int64_t before) = 0;

  // -- reply routes ---------------------------------------------------------

  /// Every route, by source.
  virtual std::vector<reply_route> routes() = 0;

  /// The route of exactly `source`.
  virtual std::optional<std::string> route(const std::string& source) = 0;

  /// Where a reply for `source` goes (see usms::route_for).
  std::string find_route(const std::string& source) {
    return route_for(routes(), source);
  }

  /// Creates or replaces a route.
  virtual void put_route(const std::string& source, const std::string& url)
    = 0;

  /// False when there was no such route.
  virtual bool delete_route(const std::string& source) = 0;

  // -- values saved at run time ---------------------------------------------

  /// Every saved key (dotted name) → JSON text.
  virtual std::map<std::string, std::string> runtime_config() = 0;

  /// Saves (upserts) `values` in one transaction; returns everything saved
  /// before, so a caller can put it back with replace_runtime_config.
  virtual std::map<std::string, std::string>
  save_runtime_config(const std::map<std::string, std::string>& values) = 0;

  /// Makes the saved values exactly `values` (empty: deletes all).
  virtual void
  replace_runtime_config(const std::map<std::string, std::string>& values)
    = 0;

  /// What every instance of a cluster applies besides the runtime config
  /// (an operator's USMS pause): key → value.
  virtual std::map<std::string, std::string> shared_state() = 0;

  /// Sets one shared value.
  virtual void put_shared_state(const std::string& key,
                                const std::string& value)
    = 0;
};

} // namespace usms::storage

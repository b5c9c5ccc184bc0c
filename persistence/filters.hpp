#pragma once

/// The operator's filters as SQL conditions, for both backends: `?`
/// placeholders with their values in order (SQLite takes them as they
/// are, PostgreSQL through numbered_placeholders).

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "messages/ops_queries.hpp"

namespace usms::db {

/// A WHERE clause built from the filters that are set, with its values in
/// the order of its `?`s.
struct where_clause {
  std::string sql; ///< "" or " WHERE a = ? AND ..."
  std::vector<std::variant<std::string, int64_t>> values;

  void add(const std::string& condition);

  /// Adds `condition`, whose one `?` takes `v`.
  template <class T>
  void add(const std::string& condition, T v) {
    add(condition);
    values.emplace_back(std::move(v));
  }
};

/// Status-table rows matching `f` (limit and offset are the caller's);
/// `like` is the operator that matches the free text case-insensitively
/// (`LIKE` on SQLite, `ILIKE` on PostgreSQL).
where_clause status_where(const status_filter& f, const char* like);

/// Failed requests matching `f` (its status, limit and offset unused), as
/// an operator's "retry all failed" selects them: on the requests
/// themselves, whose status rows may be offloaded already (the free text
/// matches a ticket id in the status rows still held).
where_clause failed_requests_where(const status_filter& f, const char* like);

/// Requests in the queue page's states (unfinished ones when none are
/// chosen), of its type and source.
where_clause queue_where(const queue_filter& f);

/// `text` with `\`, `%` and `_` escaped by `\`, for LIKE ... ESCAPE '\'.
std::string escape_like(const std::string& text);

/// `sql` with its `?`s numbered `$first`, `$first+1` ... (PostgreSQL's
/// placeholders). The SQL must hold no `?` in a literal.
std::string numbered_placeholders(const std::string& sql, int first = 1);

} // namespace usms::db

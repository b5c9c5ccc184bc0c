#pragma once

/// Rows gathered for one table and written by a single statement,
/// `INSERT ... SELECT * FROM unnest($1::bigint[], $2::text[], ...)`: the
/// server plans and runs one statement for the lot instead of one per row
/// (about one and a half times the appends per second of one pipelined
/// INSERT each, measured on this machine).

#include <string>
#include <utility>
#include <vector>

#include "persistence/pg.hpp"

namespace usms::pg {

class row_batch {
public:
  struct column {
    const char* name;
    const char* type; ///< `bigint`, `integer` or `text`
  };

  row_batch(std::string table, std::vector<column> columns);

  /// Adds one row, a value per column. Throws pg_error, adding nothing,
  /// when a text is one PostgreSQL cannot store.
  void add(const std::vector<value>& row);

  size_t size() const { return rows_; }
  bool empty() const { return rows_ == 0; }

  /// Where the rows gathered so far end, to go back to with truncate().
  struct position {
    size_t rows = 0;
    std::vector<size_t> lengths;
  };
  position mark() const;
  /// Drops the rows added after `at` (a write taken back).
  void truncate(const position& at);

  /// Queues the rows' INSERT on `c` (in pipeline mode) and starts over.
  void queue_on(connection& c);

  /// The same with a statement of the caller's: `sql` takes the columns
  /// as `unnest_source()` gives them ($1 ... $n, one array each) and
  /// `extra` as $n+1 ...
  void queue_on(connection& c, const std::string& sql,
                const std::vector<value>& extra);

  /// The rows as statement parameters (one array per column), starting
  /// over.
  std::vector<value> take_args();

  /// `unnest($1::bigint[], $2::text[], ...) AS u(name, ...)`: the rows as
  /// a FROM item.
  std::string unnest_source() const;
  /// `name, name, ...`: the columns in order.
  const std::string& column_names() const { return names_; }
  /// The array literal of column `i` so far (`{"a","b"}`), say to lock the
  /// rows' keys before they are written.
  std::string array_of(size_t i) const { return arrays_[i] + "}"; }

  /// Drops the rows (their group was rolled back).
  void clear();

private:
  std::string names_;
  std::string unnest_;
  std::string sql_;
  std::vector<std::string> arrays_; ///< one array literal per column
  size_t rows_ = 0;
};

} // namespace usms::pg
